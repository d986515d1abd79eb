/**
 * Runs the three fakes on fixed ports for manual runs and benchmarks:
 *   node dist/test/fakes/run-fakes.js        (FAKE_VT_PORT=4010 FAKE_SLACK_PORT=4011 FAKE_JIRA_PORT=4012)
 * Prints `export` lines for the environment. Each fake also answers GET /_fake/state, POST /_fake/reset,
 * POST /_fake/faults (JSON array) and POST /_fake/latency ({"ms": n}).
 */
import { startFakes } from './index';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${raw ?? ''}"`);
  return port;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
  const fakes = await startFakes({
    ports: {
      vt: portFromEnv('FAKE_VT_PORT', 4010),
      slack: portFromEnv('FAKE_SLACK_PORT', 4011),
      jira: portFromEnv('FAKE_JIRA_PORT', 4012),
    },
  });
  for (const [name, value] of Object.entries(fakes.env)) console.log(`export ${name}=${shellQuote(value)}`);
  console.error(`# fakes running: virustotal ${fakes.vt.url}, slack ${fakes.slack.url}, jira ${fakes.jira.url} (Ctrl-C to stop)`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`# ${signal}: stopping fakes`);
    fakes.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
