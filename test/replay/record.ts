/**
 * `npm run record-histories`: records the histories replayed by test/replay/replay.test.ts, from real
 * runs of every workflow type and path on a fresh dev server with the HTTP fakes. Run it after a
 * deliberate, patched() change to a workflow (see the README), and commit the new files. Before that,
 * move the histories the change affects to test/histories/previous/ (they prove that runs started on
 * the old code still replay); this script replaces only the files at the top of test/histories.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import type { AnalystAction } from '../../src/domain/triage-state';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { findTemporalCli, startDevServer } from '../../src/temporal/dev-server';
import { waitForTriage } from '../../src/temporal/triage-client';
import { alertRefiredSignal, analystActionUpdate, autoCloseSignal } from '../../src/workflows/messages';
import { AbuseIpdbFake, type FakeRequest } from '../fakes';
import { ROOT_ARN } from '../helpers/more-logs';
import { startStack, type Stack } from '../helpers/worker-stack';
import { freePort } from '../setup/global';

const OUT = path.resolve(__dirname, '../../../test/histories');
const analyst = (kind: AnalystAction['kind']): AnalystAction => ({ kind, by: { kind: 'analyst', id: 'U0RECORDER', name: 'recorder' } });
const quick = (p: Partial<TriagePolicy> = {}): TriagePolicy => ({ ...DEFAULT_POLICY, reopenWindowMs: 300, ...p });

function sample(i: 0 | 1, suffix: string, overrides: Partial<Alert> = {}): Alert {
  const a = normalizePanther(demoPantherAlerts()[i]!.payload, new Date());
  return { ...a, alertId: `rec-${suffix}`, ...overrides };
}

async function save(s: Stack, name: string, workflowId: string): Promise<void> {
  const history = await s.t.client.workflow.getHandle(workflowId).fetchHistory();
  const json = `{"workflowId": ${JSON.stringify(workflowId)}, "history": ${historyToJSON(history)}}`;
  fs.writeFileSync(path.join(OUT, `${name}.json`), `${JSON.stringify(JSON.parse(json))}\n`);
  console.log(`recorded ${name} (${history.events?.length ?? 0} events)`);
}

async function run(s: Stack, alert: Alert, policy: TriagePolicy, then: (id: string) => Promise<void>): Promise<string> {
  const id = alertWorkflowId(alert);
  const handle = await s.t.client.workflow.start('alertTriage', { taskQueue: s.taskQueue, workflowId: id, args: [{ alert, policy }] });
  await waitForTriage(handle);
  await then(id);
  await handle.result();
  return id;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT).filter((f) => f.endsWith('.json'))) fs.rmSync(path.join(OUT, f));
  const server = await startDevServer({ cliPath: findTemporalCli(), port: await freePort() });
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  // The server is stopped however the recording ends (a stack that cannot start included).
  try {
    await record();
  } finally {
    await server.stop();
  }
}

async function record(): Promise<void> {
  const s = await startStack();
  const update = (id: string, action: AnalystAction) => s.t.client.workflow.getHandle(id).executeUpdate(analystActionUpdate, { args: [action] });
  try {
    // Enriched, then closed by an analyst (with the child workflow, the cache and the budget workflows).
    const closed = await run(s, sample(0, 'analyst-closed'), quick(), (id) => update(id, analyst('close_benign')).then(() => undefined));
    await save(s, 'alertTriage.analyst-closed', closed);
    await save(s, 'oktaTriage.brute-force', `${closed}/okta`);
    await save(s, 'enrichmentCache.virustotal', `${s.taskQueue}/enrichment-cache/virustotal/198.51.100.7`);
    await save(s, 'rateBudget.virustotal', `${s.taskQueue}/budget/virustotal`);

    // Auto-closed by an enforced rule.
    const auto = await run(s, sample(0, 'auto-closed'), quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } }), async () => undefined);
    await save(s, 'alertTriage.auto-closed', auto);

    // Auto-closed with AUTOCLOSE_JIRA=create-closed: the Jira issue created, then closed.
    const autoJira = await run(s, sample(0, 'auto-closed-jira'), quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'create-closed' } }), async () => undefined);
    await save(s, 'alertTriage.auto-closed-jira', autoJira);

    // A brute force that names several users, under enforce: a spray is never one user's forgotten password.
    const spray = sample(0, 'several-users');
    const several = await run(s, { ...spray, users: [...spray.users, 'bob.recorder@acme.example'] }, quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } }), (id) =>
      // Refused by runs on known-location v1, which closed it themselves.
      update(id, analyst('close_benign')).then(() => undefined, () => undefined),
    );
    await save(s, 'alertTriage.several-users', several);

    // The same name in two domains, under enforce: two accounts, so not one user's forgotten password (v3).
    const twoDomains = sample(0, 'several-domains');
    const local = twoDomains.users[0]!.split('@')[0]!;
    const domains = await run(s, { ...twoDomains, users: [twoDomains.users[0]!, `${local}@acme-dev.example`] }, quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } }), (id) =>
      // Refused by runs on known-location v2, which closed it themselves.
      update(id, analyst('close_benign')).then(() => undefined, () => undefined),
    );
    await save(s, 'alertTriage.several-domains', domains);

    // Auto-closed, fired again within the reopen window: now ticketed, then closed by an analyst.
    const refired = await run(s, sample(0, 'auto-closed-refired'), quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' }, reopenWindowMs: 5000 }), async (id) => {
      await s.t.client.workflow.getHandle(id).signal(alertRefiredSignal, { at: new Date().toISOString() });
      await waitForTriage(s.t.client.workflow.getHandle(id), (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack');
      await update(id, analyst('close_benign'));
    });
    await save(s, 'alertTriage.auto-closed-refired', refired);

    // Enrichment failed (VirusTotal 500s), escalated, then closed as a false positive.
    s.fakes.vt.injectFaults(...Array.from({ length: 40 }, () => ({ status: 500 })));
    const failed = await run(s, sample(1, 'enrichment-failed', { ips: ['203.0.113.250'] }), quick(), async (id) => {
      await update(id, analyst('escalate'));
      await update(id, analyst('close_false_positive'));
    });
    s.fakes.vt.reset();
    await save(s, 'alertTriage.enrichment-failed', failed);
    await save(s, 'enrichmentCache.virustotal-failed', `${s.taskQueue}/enrichment-cache/virustotal/203.0.113.250`);

    // SLA reminder and escalation, assignment, closed; then reopened by a re-fired alert and closed again.
    const sla = await run(s, sample(1, 'sla-reopened'), quick({ sla: { reminderMs: { HIGH: 500 }, escalateMs: { HIGH: 1000 } }, reopenWindowMs: 5000 }), async (id) => {
      await waitForTriage(s.t.client.workflow.getHandle(id), (x) => x.state.slaEscalated);
      await update(id, analyst('assign'));
      await update(id, analyst('close_benign'));
      await s.t.client.workflow.getHandle(id).signal(alertRefiredSignal, { at: new Date().toISOString() });
      await waitForTriage(s.t.client.workflow.getHandle(id), (x) => x.state.reopened === 1);
      await update(id, analyst('close_benign'));
    });
    await save(s, 'alertTriage.sla-reopened', sla);

    // Escalated by an analyst before the SLA reminder: no reminder; expired, the escalation kept.
    const escalated = await run(s, sample(1, 'analyst-escalated'), quick({ sla: { reminderMs: { HIGH: 500 }, escalateMs: { HIGH: 1000 } }, maxOpenMs: 2000 }), async (id) => {
      await update(id, analyst('escalate'));
    });
    await save(s, 'alertTriage.analyst-escalated', escalated);

    // Closed by the autoClose signal; an unknown detection on an unknown LogType (genericTriage, fallback).
    const generic = await run(s, sample(0, 'generic-signal', { detectionId: 'Custom.Unknown', logType: 'Box.Event', logTypeSource: 'payload' }), quick(), (id) =>
      s.t.client.workflow.getHandle(id).signal(autoCloseSignal, { reason: 'recorded', ruleId: 'recorder' }),
    );
    await save(s, 'alertTriage.generic-signal', generic);
    await save(s, 'genericTriage.fallback', `${generic}/generic`);

    // A detection error (Panther's RULE_ERROR) on a brute-force detection, under enforce: the fallback
    // playbook in the Okta child, no auto-close rule applies, an analyst closes it.
    const broken = await run(s, sample(0, 'detection-error', { alertType: 'RULE_ERROR' }), quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } }), (id) =>
      update(id, analyst('close_benign')).then(() => undefined),
    );
    await save(s, 'alertTriage.detection-error', broken);
    await save(s, 'oktaTriage.detection-error', `${broken}/okta`);

    // Slack refused the ticket, and again when a re-fire posted it; a re-fire during the wait that set was
    // dropped, the next one after it went through; closed.
    const refusal = { method: 'POST', path: '/api/chat.postMessage', match: (r: { body: string }) => r.body.includes('rec-delivery-refused'), status: 200, body: { ok: false, error: 'invalid_arguments' } };
    s.fakes.slack.injectFaults(refusal, refusal);
    const refused = await run(s, sample(1, 'delivery-refused'), quick({ repostBackoffMs: 1500 }), async (id) => {
      const h = s.t.client.workflow.getHandle(id);
      await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
      await waitForTriage(h, (x) => x.state.repost?.failed === 1);
      await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
      await new Promise((r) => setTimeout(r, 1600));
      await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
      await waitForTriage(h, (x) => x.delivery?.kind === 'slack');
      await update(id, analyst('close_benign'));
    });
    await save(s, 'alertTriage.delivery-refused-reposted', refused);

    // The other LogType children.
    const ct = await run(s, sample(1, 'cloudtrail', { detectionId: 'AWS.Console.RootLoginFailed', logType: 'AWS.CloudTrail', logTypeSource: 'routing-table', ips: ['185.220.101.48'], users: [ROOT_ARN] }), quick(), (id) => update(id, analyst('close_benign')).then(() => undefined));
    await save(s, 'cloudTrailTriage.brute-force', `${ct}/cloudtrail`);
    const gs = await run(s, sample(1, 'gsuite', { detectionId: 'GSuite.BruteForceLogin', logType: 'GSuite.ActivityEvent', logTypeSource: 'routing-table' }), quick(), (id) => update(id, analyst('close_benign')).then(() => undefined));
    await save(s, 'gsuiteTriage.brute-force', `${gs}/gsuite`);

    // A backfill dry run.
    const dry = sample(0, 'dry-run');
    const dryHandle = await s.t.client.workflow.start('alertTriage', { taskQueue: s.taskQueue, workflowId: `dryrun/${dry.alertId}`, args: [{ alert: dry, policy: quick({ dryRun: true }) }] });
    await dryHandle.result();
    await save(s, 'alertTriage.dry-run', `dryrun/${dry.alertId}`);
  } finally {
    await s.stop();
  }
  // VirusTotal answered only after the ticket went out (429s until then): the rules looked again and closed it.
  const late = await startStack({ ENRICHMENT_WAIT: '2s' });
  try {
    const virusTotal = late.holdVirusTotal();
    const alert = sample(0, 'late-rule-closed');
    const id = alertWorkflowId(alert);
    const policy = quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } });
    const handle = await late.t.client.workflow.start('alertTriage', { taskQueue: late.taskQueue, workflowId: id, args: [{ alert, policy }] });
    await waitForTriage(handle, (x) => x.delivery !== undefined && x.report?.enrichments.ipReputation?.status === 'pending');
    virusTotal.release();
    await handle.result();
    await save(late, 'alertTriage.late-rule-closed', id);

    // Its ticket went out with VirusTotal pending and Slack refused it; a signal closed it; it fired again
    // and was posted, VirusTotal still pending (one watcher, the first post's); VirusTotal landed; closed.
    const refusedAlert = sample(1, 'refused-refire-pending');
    const held = late.holdVirusTotal((ip) => ip === refusedAlert.ips[0]);
    late.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(refusedAlert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const refusedId = alertWorkflowId(refusedAlert);
    const refused = await late.t.client.workflow.start('alertTriage', { taskQueue: late.taskQueue, workflowId: refusedId, args: [{ alert: refusedAlert, policy: quick({ reopenWindowMs: 60_000 }) }] });
    await waitForTriage(refused, (x) => x.state.status === 'delivery_failed' && x.report?.enrichments.ipReputation?.status === 'pending');
    await refused.signal(autoCloseSignal, { reason: 'recorded', ruleId: 'recorder' });
    await waitForTriage(refused, (x) => x.state.status === 'auto_closed');
    await refused.signal(alertRefiredSignal, { at: new Date().toISOString() });
    await waitForTriage(refused, (x) => x.delivery?.kind === 'slack');
    held.release();
    await waitForTriage(refused, (x) => x.report?.enrichments.ipReputation?.status === 'ok');
    await refused.executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    await refused.result();
    await save(late, 'alertTriage.refused-refire-pending', refusedId);
  } finally {
    await late.stop();
  }
  // AbuseIPDB still queued behind its budget at the first look: ticketed, not closed; it landed with a bad
  // score, so the alert stayed with the analysts, who closed it.
  const abuse = new AbuseIpdbFake({ apiKey: 'abuseipdb-recorder-key-0123456789' });
  await abuse.start();
  const second = await startStack({ ENRICHMENT_WAIT: '2s', ABUSEIPDB_API_KEY: abuse.apiKey, ABUSEIPDB_BASE_URL: abuse.apiBaseUrl });
  try {
    const alert = sample(0, 'second-opinion-pending');
    const ip = alert.ips[0]!;
    let held = true;
    abuse.injectFaults(...Array.from({ length: 300 }, () => ({ status: 429, headers: { 'Retry-After': '1' }, match: (r: FakeRequest) => held && r.query['ipAddress'] === ip })));
    const id = alertWorkflowId(alert);
    const policy = quick({ autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } });
    const handle = await second.t.client.workflow.start('alertTriage', { taskQueue: second.taskQueue, workflowId: id, args: [{ alert, policy }] });
    await waitForTriage(handle, (x) => x.delivery !== undefined && x.report?.enrichments.abuseIpdb?.status === 'pending');
    abuse.setIp(ip, { abuseConfidenceScore: 90, totalReports: 40 });
    held = false;
    // Runs on code before `second-opinions-awaited` closed it at the first look and never took the answer.
    const landed = await waitForTriage(handle, (x) => x.report?.enrichments.abuseIpdb?.status === 'ok' || x.state.status === 'auto_closed');
    if (landed.state.status !== 'auto_closed') await handle.executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    await handle.result();
    await save(second, 'alertTriage.second-opinion-pending', id);
  } finally {
    await second.stop();
    await abuse.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
