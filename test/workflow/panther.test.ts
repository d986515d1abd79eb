/**
 * Panther as the SIEM and as the alert's system of record, on the real dev server: the brute-force
 * playbook against the Panther fake (whose data lake answers from the same sample logs as the embedded
 * SIEM) must produce the same enrichment as against the embedded SIEM; an alert whose webhook lacked its
 * LogType and indicators is completed from Panther's API; the finding is written back to Panther.
 */
import assert from 'node:assert/strict';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { waitForTriage } from '../../src/temporal/triage-client';
import { alertRefiredSignal } from '../../src/workflows/messages';
import type { FakeRequest } from '../fakes/http-fake';
import { until } from '../helpers/until';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { LocalSiem } from '../../src/siem/local/local-siem';
import { lakeBackedBy } from '../helpers/panther-lake';
import { sampleLogsDir } from '../helpers/sample-logs';
import { startStack, type Stack } from '../helpers/worker-stack';

describe('Panther as the SIEM (real Temporal, Panther fake)', function () {
  this.timeout(180_000);
  let local: Stack;
  let panther: Stack;
  let lake: LocalSiem;

  before(async () => {
    lake = await LocalSiem.open({ logsDir: await sampleLogsDir(), publicUrl: 'http://unused' });
    local = await startStack();
    panther = await startStack(
      { SIEM: 'panther', PANTHER_STATUS_ON_TICKET: 'TRIAGED' },
      // Pages of 2 rows: the 5 recent logins and 5 login locations take three pages each, read by cursor.
      { panther: { respond: lakeBackedBy(lake), autoCreateAlerts: true, resultsPageMax: 2 } },
    );
  });
  after(async () => {
    await Promise.all([local?.stop(), panther?.stop()]);
    await lake?.close();
  });

  it('gives the brute-force playbook the same four enrichments as the embedded SIEM, through polled queries', async () => {
    const alert = normalizePanther(demoPantherAlerts()[0]!.payload, new Date());
    const [viaLocal] = await local.triage([alert]);
    const [viaPanther] = await panther.triage([{ ...alert, alertId: `${alert.alertId}-p` }]);
    const a = viaLocal!.report.enrichments;
    const b = viaPanther!.report.enrichments;
    for (const key of ['ipReputation', 'indicatorSearch', 'loginLocations', 'recentLogins'] as const) {
      assert.equal(b[key]?.status, 'ok', `${key} via Panther`);
    }
    assert.deepEqual(b.loginLocations, a.loginLocations);
    assert.deepEqual(b.recentLogins, a.recentLogins);
    assert.equal(a.indicatorSearch?.status, 'ok', 'indicator search via the embedded SIEM');
    if (a.indicatorSearch?.status === 'ok' && b.indicatorSearch?.status === 'ok') {
      const { link: localLink, ...localSearch } = a.indicatorSearch.data;
      const { link: pantherLink, ...pantherSearch } = b.indicatorSearch.data;
      assert.deepEqual(pantherSearch, localSearch);
      assert.ok(localLink.includes('/siem/search?'));
      assert.ok(pantherLink.includes('/investigate/search/'), 'the link opens the search in Panther');
    }
    const sqls = panther.fakes.panther!.queries;
    assert.equal(sqls.filter((q) => q.kind === 'sql').length, 2);
    assert.equal(sqls.filter((q) => q.kind === 'indicator').length, 1);
    assert.ok(sqls.every((q) => q.polls >= 3), 'each query was polled while running');
    assert.ok(sqls.filter((q) => q.kind === 'sql').every((q) => q.pagesAfterFirst >= 2), `each SQL query's results were read page by page: ${sqls.map((q) => q.pagesAfterFirst).join(', ')}`);
    const blocks = JSON.stringify(panther.fakes.slack.messages.at(-1)!.blocks);
    for (const title of ['VirusTotal', 'SIEM indicator search', 'Top login locations', 'Last successful logins']) assert.ok(blocks.includes(title));
  });

  it('completes an alert that lacked its LogType and indicators from Panther, and writes the finding back', async () => {
    const fake = panther.fakes.panther!;
    const alert: Alert = {
      ...normalizePanther(demoPantherAlerts()[0]!.payload, new Date()),
      alertId: `bare-${Date.now()}`,
      detectionId: 'Custom.SuspiciousLogins',
      title: 'Suspicious logins',
      logType: 'Unknown',
      logTypeSource: 'default',
      ips: [],
      users: [],
    };
    fake.setAlert({
      id: alert.alertId,
      events: [{ p_log_type: 'Okta.SystemLog', client: { ipAddress: '198.51.100.7' }, actor: { alternateId: 'alice.martin@acme.io' } }],
    });
    const [result] = await panther.triage([alert]);
    assert.equal(result!.alert.logType, 'Okta.SystemLog');
    assert.equal(result!.alert.logTypeSource, 'siem-api');
    assert.deepEqual(result!.alert.ips, ['198.51.100.7']);
    assert.deepEqual(result!.alert.users, ['alice.martin@acme.io']);
    assert.equal(result!.report.logTypeWorkflow, 'oktaTriage');
    assert.equal(result!.report.playbook, 'identityTriage', 'the generic IP/user playbook, as a fallback');
    assert.equal(result!.report.enrichments.loginLocations?.status, 'ok');

    // The comment made when ticketed (a Jira issue slower than its grace period adds a second one later).
    const comments = fake.commentsFor(alert.alertId).filter((c) => c.body.includes(' ticketed]'));
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^autotriage: ticket in Slack/);
    assert.match(comments[0]!.body, new RegExp(`\\[autotriage alert/panther/${alert.alertId} ticketed\\]`));
    assert.equal(fake.getAlert(alert.alertId)?.status, 'TRIAGED');
    assert.deepEqual(result!.siemWriteBack, { status: 'ok', data: { commented: true, status: 'TRIAGED' } });
  });

  it("posts the ticket of an auto-closed alert that fires again at once, while Panther still refuses the auto-close's write-back", async () => {
    const fake = panther.fakes.panther!;
    const alert: Alert = { ...normalizePanther(demoPantherAlerts()[0]!.payload, new Date()), alertId: `refire-${Date.now()}` };
    let down = true;
    const writeBack = (r: FakeRequest) => r.body.includes(alert.alertId) && /UpdateAlertStatusById|CreateAlertComment/.test(r.body);
    fake.injectFaults(...Array.from({ length: 100 }, () => ({ path: '/public/graphql', match: (r: FakeRequest) => down && writeBack(r), status: 500 })));
    const policy: TriagePolicy = { ...DEFAULT_POLICY, autoClose: { mode: 'enforce', rules: {}, jira: 'skip' }, reopenWindowMs: 120_000 };
    const handle = await panther.t.client.workflow.start('alertTriage', { taskQueue: panther.taskQueue, workflowId: alertWorkflowId(alert), args: [{ alert, policy }] });
    const closed = await waitForTriage(handle, (x) => x.state.status === 'auto_closed');
    assert.equal(closed.siemWriteBack, undefined, 'Panther has not heard of it yet');
    assert.ok(await until(() => fake.requests.some(writeBack), 30_000), 'the write-back is being refused');
    await handle.signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(handle, (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack', { timeoutMs: 20_000 });
    assert.equal(reopened.state.status, 'awaiting_analyst');
    assert.ok(panther.ticketMessage(alert), 'the ticket is in the main channel while Panther is still down');
    // Panther recovers: it hears of the close, then of the reopen, in that order.
    down = false;
    assert.ok(await until(() => fake.getAlert(alert.alertId)?.status === 'OPEN', 90_000), `Panther's alert is ${fake.getAlert(alert.alertId)?.status}`);
    const said = fake.commentsFor(alert.alertId).map((c) => c.body);
    const closedAt = said.findIndex((b) => /auto-closed/.test(b));
    assert.ok(closedAt >= 0, `Panther heard of the auto-close: ${said.join(' | ')}`);
    assert.ok(said.findIndex((b) => /reopened/.test(b)) > closedAt, `then of the reopen: ${said.join(' | ')}`);
    await handle.terminate('test done');
  });
});

describe('a Panther query that never finishes (real Temporal, Panther fake)', function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SIEM: 'panther', PANTHER_QUERY_TIMEOUT: '2s' }, { panther: { neverFinishes: true, autoCreateAlerts: true } });
  });
  after(() => stack?.stop());

  it('is cancelled in Panther, and the ticket still goes out with the SIEM sections unavailable', async () => {
    const [result] = await stack.triage([normalizePanther(demoPantherAlerts()[1]!.payload, new Date())]);
    for (const key of ['indicatorSearch', 'loginLocations', 'recentLogins'] as const) {
      const outcome = result!.report.enrichments[key];
      assert.equal(outcome?.status, 'unavailable', key);
      assert.match(outcome?.status === 'unavailable' ? outcome.reason : '', /still running after .* cancelled/, key);
    }
    const queries = stack.fakes.panther!.queries;
    assert.equal(queries.length, 3, 'one query per SIEM step, not retried');
    assert.ok(queries.every((q) => q.cancelled && q.status === 'cancelled'), JSON.stringify(queries.map((q) => [q.kind, q.status, q.cancelled])));
    assert.equal(stack.fakes.slack.messages.length, 1, 'the ticket went out');
  });
});
