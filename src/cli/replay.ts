/**
 * `npm run replay -- <workflowId>… | --query '<visibility query>' | --dir <folder of history JSON files>`
 *
 * Replays recorded histories against the current workflow code (the prebuilt bundle) and reports, per
 * workflow, whether it still replays — a determinism error means the change would break runs in flight
 * (use `patched()`: see the README).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/config';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { workflowSource } from '../temporal/workflow-source';
import { triageSinks } from '../observability/workflow-sinks';
import { errorMessage } from '../logging/error-message';
import { flagValue } from './flag-value';

export interface ReplayOutcome {
  workflowId: string;
  ok: boolean;
  error?: string;
  /** Its history could not be fetched (or its file read), so it was not replayed. */
  unfetched?: boolean;
}

/** Replays histories with the current code; never throws for a failing history, reports it. */
export async function replayHistories(
  histories: AsyncIterable<HistoryAndWorkflowId> | Iterable<HistoryAndWorkflowId>,
  opts: { dataConverter?: ReturnType<typeof dataConverter> } = {},
): Promise<ReplayOutcome[]> {
  const code = workflowSource(opts.dataConverter);
  const outcomes: ReplayOutcome[] = [];
  for await (const r of Worker.runReplayHistories({ ...code, dataConverter: opts.dataConverter, sinks: triageSinks(undefined) }, histories)) {
    outcomes.push({ workflowId: r.workflowId, ok: !r.error, error: r.error ? `${r.error.name}: ${r.error.message}` : undefined });
  }
  return outcomes;
}

/**
 * History files: `{workflowId, history}` as `npm run record-histories` writes them (the workflow id
 * matters — child ids are derived from it), or a bare history as `temporal workflow show -o json` writes
 * it, replayed under the file's name. A file that is no history (not JSON, no events) is reported as a
 * failure of its own, and the others are still replayed.
 */
export function readHistoryFiles(dir: string): { histories: Array<HistoryAndWorkflowId & { file: string }>; unreadable: ReplayOutcome[] } {
  const histories: Array<HistoryAndWorkflowId & { file: string }> = [];
  const unreadable: ReplayOutcome[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = path.basename(f, '.json');
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { workflowId?: unknown; history?: unknown; events?: unknown } | null;
      const wrapped = typeof parsed?.workflowId === 'string' && parsed.history !== undefined;
      const history = (wrapped ? parsed.history : parsed) as { events?: unknown } | null;
      if (!Array.isArray(history?.events) || history.events.length === 0) throw new Error('no history events in it (expected {"events": [...]} or {"workflowId", "history"})');
      histories.push({ file, workflowId: wrapped ? (parsed.workflowId as string) : file, history });
    } catch (err) {
      unreadable.push({ workflowId: path.join(dir, f), ok: false, unfetched: true, error: `could not read it: ${errorMessage(err)}` });
    }
  }
  return { histories, unreadable };
}

const USAGE = "usage: npm run replay -- <workflowId>… | --query '<visibility query>' | --dir <folder>";

function parseArgs(argv: string[]): { ids: string[]; query?: string; dir?: string; help?: boolean } {
  const out: { ids: string[]; query?: string; dir?: string; help?: boolean } = { ids: [] };
  const value = (i: number, flag: string): string => flagValue(argv, i, flag, USAGE);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { ids: [], help: true };
    if (a === '--query') out.query = value(++i, a);
    else if (a === '--dir') out.dir = value(++i, a);
    else if (a.startsWith('--')) throw new Error(`unknown argument ${a}\n${USAGE}`);
    else out.ids.push(a);
  }
  if (!out.ids.length && !out.query && !out.dir) throw new Error(USAGE);
  if (out.dir && (out.ids.length || out.query)) throw new Error(`--dir replays the files in a folder: give workflow ids or --query without it\n${USAGE}`);
  if (out.query && out.ids.length) throw new Error(`give workflow ids or --query, not both (the ids would not be replayed)\n${USAGE}`);
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadConfigOrExit();
  const converter = dataConverter(config);
  let outcomes: ReplayOutcome[];
  if (args.dir) {
    const { histories, unreadable } = readHistoryFiles(args.dir);
    outcomes = [...(await replayHistories(histories, { dataConverter: converter })), ...unreadable];
  } else {
    const connection = await Connection.connect(connectionOptions(config));
    try {
      const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: converter });
      // A history that cannot be fetched (a typo, a run past retention) is reported, and the rest replayed.
      const unfetched: ReplayOutcome[] = [];
      const ids = args.query
        ? (async function* () {
            for await (const run of client.workflow.list({ query: args.query })) yield { workflowId: run.workflowId, runId: run.runId };
          })()
        : (async function* () {
            for (const workflowId of args.ids) yield { workflowId, runId: undefined };
          })();
      const histories = (async function* () {
        for await (const { workflowId, runId } of ids) {
          let history;
          try {
            history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
          } catch (err) {
            unfetched.push({ workflowId, ok: false, unfetched: true, error: `could not fetch its history: ${errorMessage(err)}` });
            continue;
          }
          yield { workflowId, history };
        }
      })();
      outcomes = [...(await replayHistories(histories, { dataConverter: converter })), ...unfetched];
    } finally {
      await connection.close();
    }
  }
  for (const o of outcomes) console.log(`${o.ok ? 'ok  ' : 'FAIL'}  ${o.workflowId}${o.error ? `\n      ${o.error}` : ''}`);
  const failed = outcomes.filter((o) => !o.ok).length;
  const unreadable = outcomes.filter((o) => o.unfetched).length;
  console.log(`${outcomes.length - unreadable} replayed, ${failed - unreadable} failed${unreadable ? `, ${unreadable} not ${args.dir ? 'read' : 'fetched'}` : ''}`);
  if (outcomes.length === 0) {
    // Silence is not a pass: a query with a typo matches nothing.
    console.log(args.dir ? `no history files (*.json) in ${args.dir}` : 'no workflow matched: nothing was replayed');
    process.exitCode = 1;
  }
  if (failed) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`replay: ${errorMessage(err)}`);
    process.exit(2);
  });
}
