/**
 * CLI: generate the Okta System Log sample for the embedded SIEM.
 *
 *   node dist/src/sample-data/cli.js [--days N] [--users N] [--seed N] [--out DIR] [--now ISO]
 *
 * The output directory defaults to $LOCAL_SIEM_LOGS, else ./data/logs.
 */

import * as path from 'node:path';

import { DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_USERS, SAMPLE_SCENARIOS } from './okta-events';
import { OKTA_LOG_FOLDER, writeSampleLogs } from './write-logs';
import { loadDotEnv } from '../config/config';
import { errorMessage } from '../logging/error-message';

export interface CliOptions {
  out: string;
  days: number;
  users: number;
  seed: number;
  now: Date | undefined;
  help: boolean;
}

const USAGE = `Usage: sample-data [--days N] [--users N] [--seed N] [--out DIR] [--now ISO-8601]

Writes synthetic Okta System Log events (JSON lines, one file per UTC day) to
DIR/${OKTA_LOG_FOLDER}/ and a manifest to DIR/.sample-manifest.json.

  --days N    window length in days, ending now        (default ${DEFAULT_DAYS})
  --users N   population size                          (default ${DEFAULT_USERS})
  --seed N    PRNG seed; same seed + now = same output (default ${DEFAULT_SEED})
  --out DIR   output directory (default $LOCAL_SIEM_LOGS, else ./data/logs)
  --now ISO   end of the window (default: the current time)`;

class UsageError extends Error {}

function parseInteger(flag: string, value: string | undefined): number {
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${flag} must be an integer (got "${value}")`);
  return Number(value);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const opts: CliOptions = {
    out: env.LOCAL_SIEM_LOGS && env.LOCAL_SIEM_LOGS.trim() !== '' ? env.LOCAL_SIEM_LOGS : './data/logs',
    days: DEFAULT_DAYS,
    users: DEFAULT_USERS,
    seed: DEFAULT_SEED,
    now: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--days':
        opts.days = parseInteger(flag, value());
        break;
      case '--users':
        opts.users = parseInteger(flag, value());
        break;
      case '--seed':
        opts.seed = parseInteger(flag, value());
        break;
      case '--out': {
        const v = value();
        if (!v || v.startsWith('--')) throw new UsageError('--out needs a directory');
        opts.out = v;
        break;
      }
      case '--now': {
        const v = value();
        const d = v ? new Date(v) : new Date(NaN);
        if (!v || Number.isNaN(d.getTime())) throw new UsageError(`--now must be an ISO-8601 date (got "${v ?? ''}")`);
        opts.now = d;
        break;
      }
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return opts;
}

export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.log(line),
  logError: (line: string) => void = (line) => console.error(line),
): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv, env);
  } catch (err) {
    logError(`sample-data: ${errorMessage(err)}\n\n${USAGE}`);
    return 1;
  }
  if (opts.help) {
    log(USAGE);
    return 0;
  }
  const out = path.resolve(opts.out);
  const started = process.hrtime.bigint();
  try {
    log(`sample-data: writing Okta System Log sample to ${path.join(out, OKTA_LOG_FOLDER)}`);
    const result = await writeSampleLogs(out, {
      now: opts.now,
      days: opts.days,
      users: opts.users,
      seed: opts.seed,
      onProgress: log,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log('');
    log(
      `sample-data: ${result.events.toLocaleString('en-US')} events in ${result.files} files, ` +
        `${(result.bytes / 1_048_576).toFixed(1)} MiB, ${result.from} .. ${result.to}, ${seconds.toFixed(1)} s`,
    );
    for (const [name, s] of Object.entries(SAMPLE_SCENARIOS)) {
      log(`  scenario ${name}: ${s.user} (${s.homeCity}, ${s.homeCountry}) ip ${s.ip} -> ${s.detectionId}`);
    }
    return 0;
  } catch (err) {
    logError(`sample-data: failed to write sample logs to ${out}: ${errorMessage(err)}`);
    return 1;
  }
}

if (require.main === module) {
  // Like every other command: LOCAL_SIEM_LOGS in .env is where `npm start` will read the logs.
  loadDotEnv();
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`sample-data: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
