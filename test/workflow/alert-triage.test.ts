/**
 * alertTriage on the real Temporal dev server, with real clients talking to the HTTP fakes and the
 * embedded DuckDB SIEM over generated sample logs.
 */
import assert from 'node:assert/strict';
import type { ActivityDeps } from '../../src/activities';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { SAMPLE_SCENARIOS } from '../../src/sample-data/okta-events';
import { SA } from '../../src/temporal/search-attributes';
import { waitForTriage } from '../../src/temporal/triage-client';
import type { WorkflowHandle } from '@temporalio/client';
import { isJiraPending, type TriageResult } from '../../src/workflows/types';
import { startFakes, type RunningFakes } from '../fakes';
import { CLOUDTRAIL_HOME_IP, GSUITE_HOME_IP, GSUITE_USER, PROXY_IP, QUIET_HOME_IP, QUIET_USER, ROOT_ARN } from '../helpers/more-logs';
import { freshSampleLogs } from '../helpers/sample-logs';
import { depsFor } from '../helpers/stack-deps';
import { connectTestTemporal, startTestWorkers, uniqueTaskQueue, type RunningWorkers, type TestTemporal } from '../helpers/temporal';

function forgotPasswordAlert(): Alert {
  return normalizePanther(demoPantherAlerts()[0]!.payload, new Date());
}

/** A fresh IP per test: reputation results are cached per IP, and a test must not get another's answer. */
let ipCounter = 0;
export function freshIp(): string {
  ipCounter++;
  return `203.0.113.${ipCounter}`;
}

function sectionText(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('alertTriage workflow (real Temporal, HTTP fakes)', function () {
  this.timeout(180_000);
  let t: TestTemporal;
  let fakes: RunningFakes;
  let deps: ActivityDeps;
  let workers: RunningWorkers;
  const taskQueue = uniqueTaskQueue('triage');
  /** When this suite's sample logs end (their "now"): the quiet-user tests sit minutes after it. */
  let logsAt: Date;
  /** This test's runs: the next test starts once their Jira issue has landed (it follows the ticket). */
  const runs: WorkflowHandle[] = [];

  before(async () => {
    t = await connectTestTemporal();
    fakes = await startFakes();
    // No rate budget to speak of here (the budget has its own suite): the fakes have no quota.
    const env = { ...fakes.env, TEMPORAL_TASK_QUEUE: taskQueue, VIRUSTOTAL_RATE_PER_MINUTE: '6000' };
    const logs = await freshSampleLogs();
    logsAt = logs.at;
    ({ deps } = await depsFor(env, logs.dir, t.client));
    workers = await startTestWorkers(t, taskQueue, deps);
  });

  after(async () => {
    await workers?.stop();
    await deps?.siem.close();
    await fakes?.stop();
    await t?.close();
  });

  beforeEach(() => fakes.reset());
  // A create still under way would land in the next test's fakes (and take its faults). A run whose Jira
  // never settles (a failed test) is terminated instead: the hook itself never fails the suite.
  afterEach(async () => {
    const settled = (h: WorkflowHandle) =>
      waitForTriage(h, (x) => !isJiraPending(x.jira), { timeoutMs: 60_000 }).catch(() => h.terminate('test cleanup').catch(() => undefined));
    await Promise.all(runs.splice(0).map(settled));
  });

  async function triage(alert: Alert): Promise<{ result: TriageResult; ms: number }> {
    const started = Date.now();
    const handle = await t.client.workflow.start('alertTriage', {
      taskQueue,
      workflowId: alertWorkflowId(alert),
      args: [{ alert }],
    });
    runs.push(handle);
    const result = await waitForTriage(handle);
    return { result, ms: Date.now() - started };
  }

  it('runs the brute-force playbook in the Okta child workflow and delivers one Slack message and one Jira issue', async () => {
    const alert = forgotPasswordAlert();
    const { result } = await triage(alert);
    const e = result.report.enrichments;
    assert.equal(result.report.logTypeWorkflow, 'oktaTriage');
    assert.equal(result.report.playbook, 'bruteForce');
    assert.equal(e.ipReputation?.status, 'ok');
    assert.equal(e.indicatorSearch?.status, 'ok');
    assert.equal(e.loginLocations?.status, 'ok');
    assert.equal(e.recentLogins?.status, 'ok');
    if (e.loginLocations?.status === 'ok') {
      assert.equal(e.loginLocations.data.locations[0]?.ip, SAMPLE_SCENARIOS.forgotPassword.ip, 'home IP is the top location');
    }
    if (e.indicatorSearch?.status === 'ok') assert.ok(e.indicatorSearch.data.hits >= 6, 'the 6 failures are found');
    if (e.recentLogins?.status === 'ok') assert.equal(e.recentLogins.data.logins.length, 5);

    assert.equal(fakes.slack.messages.length, 1);
    const linked = await waitForTriage(t.client.workflow.getHandle(alertWorkflowId(alert)), (x) => x.jira?.status === 'ok');
    assert.equal(fakes.jira.issues.length, 1);
    const jiraKey = linked.jira?.status === 'ok' ? linked.jira.data.key : '';
    assert.equal(fakes.jira.issues[0]!.key, jiraKey);
    const blocks = sectionText(fakes.slack.messages[0]!.blocks);
    for (const title of ['VirusTotal', 'SIEM indicator search', 'Top login locations', 'Last successful logins']) {
      assert.ok(blocks.includes(title), `the message has the ${title} section`);
    }
    // The Jira link is added to the Slack message once the issue exists.
    await waitForTriage(t.client.workflow.getHandle(alertWorkflowId(alert)), () => sectionText(fakes.slack.messages[0]!.blocks).includes(`Jira ${jiraKey}`));

    const child = await t.client.workflow.getHandle(`${alertWorkflowId(alert)}/okta`).describe();
    assert.equal(child.type, 'oktaTriage');
    const parent = await t.client.workflow.getHandle(alertWorkflowId(alert)).describe();
    assert.deepEqual(parent.typedSearchAttributes.get(SA.TriageStatus), 'awaiting_analyst');
  });

  it('sends an unknown LogType to genericTriage and an unknown detection to the fallback playbook, visibly', async () => {
    const alert: Alert = { ...forgotPasswordAlert(), alertId: `unknown-${Date.now()}`, detectionId: 'Custom.Something', logType: 'Custom.Thing', logTypeSource: 'payload' };
    const { result } = await triage(alert);
    assert.equal(result.report.logTypeWorkflow, 'genericTriage');
    assert.equal(result.report.playbook, 'identityTriage');
    assert.equal(result.report.matchedBy, 'fallback');
    const e = result.report.enrichments;
    assert.equal(e.ipReputation?.status, 'ok');
    assert.equal(e.indicatorSearch?.status, 'ok');
    assert.deepEqual(e.loginLocations, { status: 'skipped', reason: 'no login history is known for this LogType' });
    assert.equal(result.report.enrichments.abuseIpdb?.status, 'not_configured');
    assert.doesNotMatch(sectionText(fakes.slack.messages[0]!.blocks), /AbuseIPDB|GreyNoise/, 'unconfigured extras stay out of the ticket');
    await t.client.workflow.getHandle(`${alertWorkflowId(alert)}/generic`).describe();
    assert.match(sectionText(fakes.slack.messages[0]!.blocks), /fallback: detection not in the routing table/);
  });

  it('sends no internal address to an outside reputation service, and still searches the SIEM for it', async () => {
    const internal = '10.20.30.40';
    const alert: Alert = { ...forgotPasswordAlert(), alertId: `internal-${Date.now()}`, ips: [internal] };
    const { result } = await triage(alert);
    const e = result.report.enrichments;
    assert.deepEqual(e.ipReputation, { status: 'skipped', reason: 'an internal or reserved address: not sent to an outside service' });
    assert.equal(e.indicatorSearch?.status, 'ok');
    assert.ok(!fakes.vt.requests.some((r) => r.path.includes(internal)), 'VirusTotal never asked about it');
  });

  it('routes CloudTrail and Google Workspace alerts to their child workflows, with login history from their logs', async () => {
    const base = forgotPasswordAlert();
    const root: Alert = {
      ...base,
      alertId: `ct-${Date.now()}`,
      detectionId: 'AWS.Console.RootLoginFailed',
      title: 'Failed Root Console Login',
      logType: 'AWS.CloudTrail',
      logTypeSource: 'routing-table',
      ips: ['185.220.101.48'],
      users: [ROOT_ARN],
    };
    const gsuite: Alert = {
      ...base,
      alertId: `gs-${Date.now()}`,
      detectionId: 'GSuite.BruteForceLogin',
      title: 'GSuite Brute Force Login',
      logType: 'GSuite.ActivityEvent',
      logTypeSource: 'routing-table',
      ips: ['185.220.101.49'],
      users: [GSUITE_USER],
    };
    const [{ result: ct }, { result: gs }] = [await triage(root), await triage(gsuite)];
    assert.equal(ct.report.logTypeWorkflow, 'cloudTrailTriage');
    assert.equal(ct.report.playbook, 'bruteForce');
    const ctLocations = ct.report.enrichments.loginLocations;
    assert.equal(ctLocations?.status, 'ok');
    if (ctLocations?.status === 'ok') {
      assert.deepEqual(ctLocations.data.locations.map((l) => [l.ip, l.count]), [[CLOUDTRAIL_HOME_IP, 5], ['198.51.100.78', 1]]);
    }
    assert.equal(ct.report.enrichments.indicatorSearch?.status === 'ok' && ct.report.enrichments.indicatorSearch.data.tables[0]?.table, 'aws_cloudtrail');
    await t.client.workflow.getHandle(`${alertWorkflowId(root)}/cloudtrail`).describe();

    assert.equal(gs.report.logTypeWorkflow, 'gsuiteTriage');
    const gsRecent = gs.report.enrichments.recentLogins;
    assert.equal(gsRecent?.status, 'ok');
    if (gsRecent?.status === 'ok') assert.deepEqual(gsRecent.data.logins.map((l) => l.ip), [GSUITE_HOME_IP, GSUITE_HOME_IP, GSUITE_HOME_IP, GSUITE_HOME_IP]);
    await t.client.workflow.getHandle(`${alertWorkflowId(gsuite)}/gsuite`).describe();
  });

  /** A GSuite brute force on the quiet account from the attacker's clean proxy, dated `createdAt`. */
  const quietUserAlert = (prefix: string, createdAt: Date): Alert => ({
    ...forgotPasswordAlert(),
    createdAt: createdAt.toISOString(),
    alertId: `${prefix}-${Date.now()}`,
    detectionId: 'GSuite.BruteForceLogin',
    title: 'GSuite Brute Force Login',
    logType: 'GSuite.ActivityEvent',
    logTypeSource: 'routing-table',
    ips: [PROXY_IP],
    users: [QUIET_USER],
  });

  it("never counts the attack's own successful logins as the user's usual location (no auto-close for a guessed password)", async () => {
    // A quiet account: 3 logins from home in 90 days; the attacker's 4 successes from a clean proxy came
    // in the hour before the alert and would otherwise make the proxy the user's #1 location.
    // Anchored to this suite's logs: the attacker's successes stay within the hour before the alert.
    const alert = quietUserAlert('quiet', logsAt);
    const { result } = await triage(alert);
    const locations = result.report.enrichments.loginLocations;
    assert.equal(locations?.status, 'ok');
    if (locations?.status === 'ok') assert.deepEqual(locations.data.locations.map((l) => [l.ip, l.count]), [[QUIET_HOME_IP, 3]]);
    assert.equal(result.report.enrichments.ipReputation?.status === 'ok' && result.report.enrichments.ipReputation.data.malicious, 0, 'the proxy is clean');
    assert.equal(result.state.shadow, undefined, 'the known-location rule would not close it');
    const recent = result.report.enrichments.recentLogins;
    assert.ok(recent?.status === 'ok' && recent.data.logins.filter((l) => l.ip === PROXY_IP).length === 4, "the attacker's successes are in the recent logins");
  });

  it("keeps the attack out of the usual locations when the alert's time is ahead of the clock (a zone-less local time)", async () => {
    // The same quiet account, the alert dated 6 hours ahead: its own time would put the attack margin
    // after the attack. The run's start caps it, and this runs within minutes of this suite's logs.
    const alert = quietUserAlert('quiet-ahead', new Date(logsAt.getTime() + 6 * 3_600_000));
    const { result } = await triage(alert);
    const locations = result.report.enrichments.loginLocations;
    assert.equal(locations?.status, 'ok');
    if (locations?.status === 'ok') assert.deepEqual(locations.data.locations.map((l) => [l.ip, l.count]), [[QUIET_HOME_IP, 3]]);
    assert.equal(result.state.shadow, undefined, 'the known-location rule would not close it');
  });

  it('leaves one Jira issue when a create times out after Jira created it and is retried', async () => {
    const alert = { ...forgotPasswordAlert(), alertId: `jiradup-${Date.now()}` };
    fakes.jira.injectFaults({ method: 'POST', path: '/rest/api/3/issue', match: (r) => r.body.includes(alert.alertId), afterHandling: true, hangMs: 25_000 });
    await triage(alert);
    // The ticket went out without waiting for the hung create; the retry links the issue when it lands.
    const result = await waitForTriage(t.client.workflow.getHandle(alertWorkflowId(alert)), (x) => x.jira?.status === 'ok', { timeoutMs: 90_000 });
    assert.equal(result.jira?.status, 'ok');
    assert.equal(fakes.jira.issues.length, 1, 'the retry found the issue instead of creating another');
    assert.equal(fakes.jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue').length, 1);
  });

  it("leaves one Jira issue when the connection drops just after Jira created it and Jira's search index still lags", async () => {
    fakes.jira.indexLagMs = 4_000; // the retry's first look (2 s later) cannot see the issue yet
    const alert = { ...forgotPasswordAlert(), alertId: `jiralag-${Date.now()}` };
    fakes.jira.injectFaults({ method: 'POST', path: '/rest/api/3/issue', match: (r) => r.body.includes(alert.alertId), afterHandling: true, reset: true });
    await triage(alert);
    const result = await waitForTriage(t.client.workflow.getHandle(alertWorkflowId(alert)), (x) => x.jira?.status === 'ok', { timeoutMs: 60_000 });
    assert.equal(result.jira?.status, 'ok');
    assert.equal(fakes.jira.issues.length, 1, 'the retry waited for the index and found the issue');
    assert.ok(fakes.jira.requests.filter((r) => r.path === '/rest/api/3/search/jql').length >= 2, 'the retry looked again while the index lagged');
  });

  it('still tickets within the retry budget when VirusTotal answers 500, showing it unavailable', async () => {
    fakes.vt.injectFaults(...Array.from({ length: 50 }, () => ({ status: 500 })));
    const { result, ms } = await triage({ ...forgotPasswordAlert(), alertId: `vt500-${Date.now()}`, ips: [freshIp()] });
    const vt = result.report.enrichments.ipReputation;
    assert.equal(vt?.status, 'unavailable');
    if (vt?.status === 'unavailable') assert.match(vt.reason, /VirusTotal answered HTTP 500/);
    assert.ok(ms < 60_000, `ticketed in ${ms} ms, within the 40 s VirusTotal budget plus delivery`);
    assert.ok(fakes.vt.requests.length >= 3, 'VirusTotal was retried');
    assert.equal(result.report.enrichments.recentLogins?.status, 'ok', 'the other enrichments are unaffected');
    assert.equal(fakes.slack.messages.length, 1);
    assert.match(sectionText(fakes.slack.messages[0]!.blocks), /unavailable:\* VirusTotal answered HTTP 500/);
  });

  it('still tickets when VirusTotal hangs, showing which timeout ran out', async () => {
    fakes.vt.injectFaults(...Array.from({ length: 20 }, () => ({ hangMs: Infinity })));
    const { result, ms } = await triage({ ...forgotPasswordAlert(), alertId: `vthang-${Date.now()}`, ips: [freshIp()] });
    const vt = result.report.enrichments.ipReputation;
    assert.equal(vt?.status, 'unavailable');
    if (vt?.status === 'unavailable') assert.match(vt.reason, /timed out|did not answer|budget/);
    assert.ok(ms < 60_000, `ticketed in ${ms} ms`);
    assert.equal(fakes.slack.messages.length, 1);
  });

  it('retries a VirusTotal 429 after the Retry-After delay it names', async () => {
    fakes.vt.injectFaults({ status: 429, headers: { 'retry-after': '3' } });
    const { result } = await triage({ ...forgotPasswordAlert(), alertId: `vt429-${Date.now()}`, ips: [freshIp()] });
    assert.equal(result.report.enrichments.ipReputation?.status, 'ok');
    const [first, second] = fakes.vt.requests;
    assert.ok(first && second, 'two VirusTotal requests');
    const gap = second.at - first.at;
    assert.ok(gap >= 3000, `retried after ${gap} ms, not before the 3 s Retry-After`);
    assert.ok(gap < 20_000, `retried after ${gap} ms, soon after the Retry-After (not after a long backoff)`);
  });

  it('delivers exactly one Slack message when Slack answers 500 and then recovers', async () => {
    fakes.slack.injectFaults(
      { path: '/api/chat.postMessage', status: 500 },
      { path: '/api/chat.postMessage', status: 503 },
    );
    const { result } = await triage({ ...forgotPasswordAlert(), alertId: `slack500-${Date.now()}` });
    assert.equal(result.delivery.kind, 'slack');
    assert.equal(fakes.slack.messages.length, 1);
    assert.equal(fakes.slack.requests.filter((r) => r.path === '/api/chat.postMessage').length, 3);
  });

  it("posts the ticket once when Slack rate-limits the post, no sooner than Slack's Retry-After", async () => {
    fakes.slack.injectFaults({ path: '/api/chat.postMessage', status: 429, headers: { 'retry-after': '2' } });
    const { result } = await triage({ ...forgotPasswordAlert(), alertId: `slack429-${Date.now()}` });
    assert.equal(result.delivery.kind, 'slack');
    assert.equal(fakes.slack.messages.length, 1);
    const posts = fakes.slack.requests.filter((r) => r.path === '/api/chat.postMessage');
    assert.equal(posts.length, 2, 'the rate-limited post, then the one that landed');
    assert.ok(posts[1]!.at - posts[0]!.at >= 2000, `retried after ${posts[1]!.at - posts[0]!.at} ms, not before the 2 s Retry-After`);
  });

  it('does not post twice when a Slack post times out after Slack accepted it', async () => {
    fakes.slack.injectFaults({ path: '/api/chat.postMessage', afterHandling: true, hangMs: 30_000 });
    const { result } = await triage({ ...forgotPasswordAlert(), alertId: `slackdup-${Date.now()}` });
    assert.equal(result.delivery.kind, 'slack');
    assert.equal(fakes.slack.messages.length, 1, 'the retry found the first message instead of posting again');
    assert.ok(fakes.slack.requests.some((r) => r.path === '/api/conversations.history'), 'the retry looked before posting');
  });
});
