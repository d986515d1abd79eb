/**
 * `npm run demo`: sends the two sample alerts to the running service (as Panther would), waits for
 * their triage in Temporal, and prints the resulting tickets.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { loadConfigOrExit } from '../config/config';
import { demoPantherAlerts } from '../sample-data/demo-alerts';
import { MANIFEST_FILE } from '../sample-data/write-logs';
import { renderPlainText } from '../tickets/plain-text';
import { buildTicket } from '../tickets/ticket';
import { isJiraPending } from '../workflows/types';
import { waitForTriage } from '../temporal/triage-client';
import type { TriageResult } from '../workflows/types';
import { errorMessage } from '../logging/error-message';

async function warnIfSampleLogsAreOld(logsDir: string): Promise<void> {
  const manifest = await fs.readFile(path.join(logsDir, MANIFEST_FILE), 'utf8').catch(() => undefined);
  if (!manifest) return;
  const end = new Date(JSON.parse(manifest).now as string);
  const hours = (Date.now() - end.getTime()) / 3_600_000;
  if (hours > 6) {
    console.log(
      `note: the sample logs end ${hours.toFixed(0)} h ago; the demo alerts are about the last hour.\n` +
        '      Run `npm run sample-data` to regenerate them (the running service picks them up).\n',
    );
  }
}

function describeDelivery(r: TriageResult): string {
  const d = r.delivery;
  const slack = d.kind === 'slack' ? `posted to Slack ${d.channel} (ts ${d.ts})` : d.kind === 'local' ? `saved to ${d.path}` : `delivery failed: ${d.reason}`;
  const jira = r.jira.status === 'ok' ? `Jira ${r.jira.data.key}` : isJiraPending(r.jira) ? 'Jira pending' : `Jira ${r.jira.status.replace('_', ' ')}`;
  return `${slack} · ${jira}`;
}

const USAGE = 'usage: npm run demo   (sends the two sample alerts to the running service and prints their tickets; no options)';

async function main(): Promise<void> {
  // It sends real alerts: an argument it does not know (a `--help`, a typo) must not do that.
  const [arg] = process.argv.slice(2);
  if (arg === '--help' || arg === '-h') {
    console.log(USAGE);
    return;
  }
  if (arg !== undefined) {
    console.error(`demo: unknown argument ${arg}; ${USAGE}`);
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const base = config.api.localUrl;
  const health = await fetch(`${base}/healthz`).catch(() => undefined);
  if (!health?.ok) {
    console.error(`autotriage is not answering at ${base}: start it first with \`npm start\` (in another terminal).`);
    process.exit(1);
  }
  if (config.siem.kind === 'local') await warnIfSampleLogsAreOld(config.siem.logsDir);

  const connection = await Connection.connect(connectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
  try {
    for (const { scenario, payload } of demoPantherAlerts()) {
      console.log(`→ sending ${payload.id} (${scenario})`);
      const res = await fetch(`${base}/webhooks/panther`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(config.api.webhookSecret ? { 'x-webhook-secret': config.api.webhookSecret } : {}),
        },
        body: JSON.stringify(payload),
      });
      const body = (await res.json()) as { workflowId?: string; status?: string; error?: string };
      if (res.status !== 202 || !body.workflowId) {
        console.error(`  rejected: HTTP ${res.status} ${JSON.stringify(body)}`);
        process.exitCode = 1;
        continue;
      }
      console.log(`  ${res.status} ${body.status}: ${body.workflowId} — waiting for the triage…`);
      const started = Date.now();
      const handle = client.workflow.getHandle(body.workflowId);
      // The Slack ticket does not wait for Jira; the demo does, briefly, to show the key.
      const ticketed = await waitForTriage(handle);
      const result = isJiraPending(ticketed.jira) ? await waitForTriage(handle, (x) => !isJiraPending(x.jira), { timeoutMs: 30_000 }).catch(() => ticketed) : ticketed;
      const ticket = buildTicket({
        workflowId: result.workflowId,
        alert: result.alert,
        playbook: { id: result.report.playbook, matchedBy: result.report.matchedBy, logTypeWorkflow: result.report.logTypeWorkflow },
        enrichments: result.report.enrichments,
        jira: result.jira.status === 'ok' ? result.jira.data : undefined,
      });
      console.log(`  triaged in ${((Date.now() - started) / 1000).toFixed(1)} s · ${describeDelivery(result)}\n`);
      console.log(renderPlainText(ticket).replace(/^/gm, '  '));
      console.log('');
    }
    console.log(`See the runs in the Temporal Web UI: http://127.0.0.1:${config.temporal.uiPort}/namespaces/${config.temporal.namespace}/workflows`);
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(`demo failed: ${errorMessage(err)}`);
  process.exit(1);
});
