/**
 * `npm run report -- [--since 7d] [--json]`: the triage record per detection and per auto-close rule,
 * from Temporal visibility (search attributes and the memo each triage keeps current).
 */
import { Client, Connection } from '@temporalio/client';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { loadConfigOrExit, parseDuration } from '../config/config';
import type { Actor, Disposition } from '../domain/triage-state';
import { buildReport, renderReport, type TriageRecord } from '../reporting/triage-report';
import { SA } from '../temporal/search-attributes';

interface Args {
  sinceMs: number;
  json: boolean;
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
      if (parsed === undefined) throw new Error(`--since needs a duration like 24h or 7d, got ${value ?? 'nothing'}`);
      sinceMs = parsed;
    } else if (arg === '--help' || arg === '-h') {
      throw new Error('usage: npm run report -- [--since 7d] [--json]');
    } else throw new Error(`unknown argument ${arg}; usage: npm run report -- [--since 7d] [--json]`);
  }
  return { sinceMs, json };
}

type Memo = { triage?: { openedAt?: string | null; closedAt?: string | null; closedBy?: Actor | null; shadow?: TriageRecord['shadow'] | null; autoClosed?: TriageRecord['autoClosed'] | null } };

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfigOrExit();
  const since = new Date(Date.now() - args.sinceMs);
  const connection = await Connection.connect(connectionOptions(config));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    const query = `WorkflowType = "alertTriage" AND TaskQueue = "${config.temporal.taskQueue}" AND StartTime > "${since.toISOString()}"`;
    const records: TriageRecord[] = [];
    for await (const wf of client.workflow.list({ query })) {
      const memo = (wf.memo ?? {}) as Memo;
      const t = memo.triage ?? {};
      records.push({
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
      });
    }
    const report = buildReport(records, since);
    console.log(args.json ? JSON.stringify(report, null, 2) : renderReport(report));
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`report: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
