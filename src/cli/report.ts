/**
 * `npm run report -- [--since 7d] [--json]`: the triage record per detection and per auto-close rule,
 * from Temporal visibility (search attributes and the memo each triage keeps current). Backfill dry runs
 * are left out: they are `alertTriage` runs too, but trials of a playbook or rule, not triages.
 */
import { Client, Connection } from '@temporalio/client';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { loadConfigOrExit, parseDuration } from '../config/config';
import type { Disposition, TriageMemo } from '../domain/triage-state';
import { buildReport, renderReport, type TriageRecord } from '../reporting/triage-report';
import { SA } from '../temporal/search-attributes';
import { DRY_RUN_ID_PREFIX } from './dry-run-id';
import { errorMessage } from '../logging/error-message';

const USAGE = 'usage: npm run report -- [--since 7d] [--json]   (per detection and rule: alerts, auto-closed, shadow decisions, precision, time to close)';

interface Args {
  sinceMs: number;
  json: boolean;
  /** --help: print the usage and exit 0. */
  help: boolean;
}

/** A wrong argument: exit 2, as backfill and replay do, so a script tells a typo from an outage (1). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: string[]): Args {
  let sinceMs = 7 * 86_400_000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--since') {
      const value = argv[++i];
      const parsed = value ? parseDuration(value) : undefined;
      if (parsed === undefined) throw new UsageError(`--since needs a duration like 24h or 7d, got ${value ?? 'nothing'}`);
      // 0 would report an empty window; past ~270,000 years the start is no date at all.
      if (parsed <= 0 || !Number.isFinite(new Date(Date.now() - parsed).getTime())) {
        throw new UsageError(`--since must be longer than 0 and reach back to a real date (like 24h or 90d), got ${value}`);
      }
      sinceMs = parsed;
    } else if (arg === '--help' || arg === '-h') return { sinceMs, json, help: true };
    else throw new UsageError(`unknown argument ${arg}; ${USAGE}`);
  }
  return { sinceMs, json, help: false };
}

type Memo = { triage?: Partial<TriageMemo> };

/**
 * The visibility query of the report: the triages started on the task queue since `since`, without the
 * backfill dry runs (counted, they would inflate the alerts and the rules' shadow decisions). The dev
 * server's SQLite visibility supports `STARTS_WITH` (test/e2e/report.test.ts runs this query on it).
 */
export function reportQuery(taskQueue: string, since: Date): string {
  return (
    `WorkflowType = "alertTriage" AND TaskQueue = "${taskQueue}" AND StartTime > "${since.toISOString()}" ` +
    `AND WorkflowId NOT STARTS_WITH "${DRY_RUN_ID_PREFIX}"`
  );
}

/**
 * Of several runs of one workflow id (a reset in the Web UI terminates the old run and starts another),
 * the one that counts: a run that was not terminated, else the latest.
 */
export function preferRun<T extends { terminated: boolean; startTime: string }>(a: T, b: T): T {
  if (a.terminated !== b.terminated) return a.terminated ? b : a;
  return b.startTime > a.startTime ? b : a;
}

/** The triages the report counts, as visibility shows them: one per alert workflow id. */
export async function listTriageRecords(client: Client, taskQueue: string, since: Date): Promise<TriageRecord[]> {
  const runs = new Map<string, TriageRecord & { terminated: boolean }>();
  for await (const wf of client.workflow.list({ query: reportQuery(taskQueue, since) })) {
    const memo = (wf.memo ?? {}) as Memo;
    const t = memo.triage ?? {};
    const run = {
      terminated: wf.status.name === 'TERMINATED',
      workflowId: wf.workflowId,
      detectionId: wf.typedSearchAttributes.get(SA.DetectionId) ?? 'unknown',
      startTime: wf.startTime.toISOString(),
      disposition: wf.typedSearchAttributes.get(SA.Disposition) as Disposition | undefined,
      status: wf.typedSearchAttributes.get(SA.TriageStatus),
      openedAt: t.openedAt ?? undefined,
      closedAt: t.closedAt ?? undefined,
      closedBy: t.closedBy ?? undefined,
      shadow: t.shadow ?? undefined,
      autoClosed: t.autoClosed ?? undefined,
      autoCloseReopened: t.autoCloseReopened ?? undefined,
      analystVerdict: t.analystVerdict ?? undefined,
    };
    const seen = runs.get(run.workflowId);
    runs.set(run.workflowId, seen ? preferRun(seen, run) : run);
  }
  return [...runs.values()].map(({ terminated: _, ...record }) => record);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfigOrExit();
  const since = new Date(Date.now() - args.sinceMs);
  const connection = await Connection.connect(connectionOptions(config));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    const records = await listTriageRecords(client, config.temporal.taskQueue, since);
    const report = buildReport(records, since);
    console.log(args.json ? JSON.stringify(report, null, 2) : renderReport(report));
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`report: ${errorMessage(err)}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}
