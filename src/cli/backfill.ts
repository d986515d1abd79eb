/**
 * `npm run backfill -- --file <alerts.jsonl> [--rate N] [--dry-run] [--out <tickets.jsonl>] [--restart]`
 * `npm run backfill -- --panther --from <ISO> --to <ISO> [...]`
 *
 * Starts the triage of historical alerts at a bounded rate, with progress and an ETA. Idempotent (the
 * workflow id is the alert's, so re-running starts nothing twice) and resumable (a checkpoint next to the
 * file skips what an earlier run already did). `--dry-run` enriches and decides without any Slack, Jira
 * or SIEM write, and writes the tickets that would have been posted to a file — to try a playbook or a
 * rule on last month's alerts.
 */
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config/config';
import { errorMessage } from '../logging/error-message';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { PANTHER_NOT_CONFIGURED } from './backfill/alert-sources';
import { UsageRequested, parseArgs } from './backfill/args';
import { runBackfill } from './backfill/run';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // A wrong path is reported as such, before any connection to Temporal is tried.
  if (args.file) await fs.promises.access(args.file, fs.constants.R_OK).catch(() => Promise.reject(new Error(`cannot read ${args.file}`)));
  const config = loadConfigOrExit();
  // A setup error, like an unreadable --file: reported before anything connects or starts.
  if (args.panther && !config.panther) throw new Error(PANTHER_NOT_CONFIGURED);
  const connection = await Connection.connect(connectionOptions(config));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    // The first Ctrl-C stops the run cleanly (starts in flight settle, checkpoint and summary written);
    // a second one stops it at once.
    const stop = new AbortController();
    const onInterrupt = () => {
      if (stop.signal.aborted) process.exit(130);
      process.stderr.write('\nstopping: waiting for the starts in flight (Ctrl-C again to quit at once)…\n');
      stop.abort();
    };
    process.on('SIGINT', onInterrupt);
    const summary = await runBackfill(args, { config, client, out: process.stderr, signal: stop.signal }).finally(() => process.off('SIGINT', onInterrupt));
    if (summary.stopped?.reason === 'interrupted') process.exitCode = 130;
    else if (summary.stopped || summary.rejected > 0 || summary.dryRunFailed > 0) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof UsageRequested) {
      console.log(err.message);
      process.exit(0);
    }
    console.error(`backfill: ${errorMessage(err)}`);
    process.exit(2);
  });
}
