/** The backfill's command line: `--file` or `--panther --from --to`, the rate, `--dry-run` and its `--out`. */
import path from 'node:path';
import { parseTimestamp } from '../../domain/time';
import { flagValue } from '../flag-value';

/** `--help`: the usage text, printed with exit code 0. */
export class UsageRequested extends Error {}

export interface BackfillArgs {
  file?: string;
  panther?: { from: Date; to: Date };
  /** Starts per second. */
  rate: number;
  dryRun: boolean;
  out?: string;
  restart: boolean;
}

/**
 * Starts per second by default: about what two cores triage (see the README's benchmark). A backfill shares
 * the workers, the task queue and the enrichment budgets with live alerts, so starting faster than the
 * fleet triages only queues the live alerts behind the historical ones.
 */
export const DEFAULT_RATE = 5;

const USAGE =
  `usage: npm run backfill -- --file <alerts.jsonl> [--rate ${DEFAULT_RATE}] [--dry-run] [--out tickets.jsonl] [--restart]\n` +
  `       npm run backfill -- --panther --from <ISO time> --to <ISO time> [--rate ${DEFAULT_RATE}] [--dry-run]`;

export function parseArgs(argv: string[]): BackfillArgs {
  const args: BackfillArgs = { rate: DEFAULT_RATE, dryRun: false, restart: false };
  let panther = false;
  let from: Date | undefined;
  let to: Date | undefined;
  const value = (i: number, flag: string): string => flagValue(argv, i, flag, USAGE);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--help':
      case '-h':
        throw new UsageRequested(USAGE);
      case '--file':
        args.file = value(++i, flag);
        break;
      case '--rate': {
        const rate = Number(value(++i, flag));
        if (!(rate > 0 && rate <= 1000)) throw new Error('--rate must be a number of starts per second, 0 < rate ≤ 1000');
        args.rate = rate;
        break;
      }
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--out':
        args.out = value(++i, flag);
        break;
      case '--restart':
        args.restart = true;
        break;
      case '--panther':
        panther = true;
        break;
      // UTC unless the time names its zone (as everywhere in autotriage), whatever the machine's zone.
      case '--from':
        from = parseTimestamp(value(++i, flag)) ?? new Date(Number.NaN);
        break;
      case '--to':
        to = parseTimestamp(value(++i, flag)) ?? new Date(Number.NaN);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  if (!panther && (from || to)) throw new Error(`--from and --to choose the range Panther lists: use them with --panther (a file's lines are all triaged)\n${USAGE}`);
  if (panther) {
    if (!from || !to || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      throw new Error(`--panther needs --from and --to, ISO times with from < to\n${USAGE}`);
    }
    args.panther = { from, to };
  }
  if (!args.file === !args.panther) throw new Error(`give either --file or --panther\n${USAGE}`);
  if (args.out && !args.dryRun) throw new Error(`--out names the dry run's tickets file: use it with --dry-run\n${USAGE}`);
  if (args.restart && !args.file) throw new Error(`--restart ignores a file's checkpoint: use it with --file\n${USAGE}`);
  // The tickets file is truncated when it opens: it must not be the alerts being read.
  if (args.out && args.file && path.resolve(args.out) === path.resolve(args.file)) {
    throw new Error(`--out ${args.out} is the alerts file itself: name another file for the tickets\n${USAGE}`);
  }
  return args;
}
