/**
 * Phase 2 end to end, as Slack and an analyst would drive it: the real API and worker processes, signed
 * button clicks on `POST /slack/interactions`, the Slack/Jira/VirusTotal fakes, and the report command.
 * The tests are the steps of one shift, in order, on the two demo alerts: clicks that must change nothing,
 * a close from a double click, then the report that judges the shadow decision against that close (run
 * the file, not one test alone).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { slackSignature } from '../../src/api/slack-signature';
import { projectRoot } from '../../src/config/paths';
import type { TriageReport } from '../../src/reporting/triage-report';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { BUTTONS } from '../../src/tickets/actions';
import { waitForTriage } from '../../src/temporal/triage-client';
import { FAKE_CREDENTIALS, startFakes, type RunningFakes } from '../fakes';
import { startServices, NEUTRAL_CWD, type RunningServices } from '../helpers/processes';
import { sampleLogsDir, tempDir } from '../helpers/sample-logs';
import { testAddress, uniqueTaskQueue } from '../helpers/temporal';

const SECRET = FAKE_CREDENTIALS.slackSigningSecret;
const ANALYST = 'U0ANALYST1';

describe('end to end: the analyst loop in Slack', function () {
  this.timeout(180_000);
  const taskQueue = uniqueTaskQueue('loop');
  let fakes: RunningFakes;
  let services: RunningServices;
  let base: string;
  let connection: Connection;
  let client: Client;
  const ids: { forgot: string; attack: string } = { forgot: '', attack: '' };

  before(async () => {
    fakes = await startFakes();
    services = await startServices({
      ...fakes.env,
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WEBHOOK_SECRET: 'loop-webhook-secret-0123',
      LOCAL_SIEM_LOGS: await sampleLogsDir(),
      DATA_DIR: tempDir('loop-data'),
      AUTOCLOSE_MODE: 'shadow',
      VIRUSTOTAL_RATE_PER_MINUTE: '6000',
      SLACK_ALLOWED_USERS: `${ANALYST},U0ANALYST2`,
    });
    base = services.base;
    connection = await Connection.connect({ address: testAddress() });
    client = new Client({ connection });
    for (const [key, { payload }] of [['forgot', demoPantherAlerts()[0]!], ['attack', demoPantherAlerts()[1]!]] as const) {
      const res = await fetch(`${base}/webhooks/panther`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': 'loop-webhook-secret-0123' },
        body: JSON.stringify(payload),
      });
      ids[key] = ((await res.json()) as { workflowId: string }).workflowId;
      await waitForTriage(client.workflow.getHandle(ids[key]));
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`--- api ---\n${services.api.output.slice(-25).join('\n')}\n--- worker ---\n${services.worker.output.slice(-40).join('\n')}`);
    }
  });

  after(async () => {
    await services?.stop();
    for (const id of Object.values(ids)) await client?.workflow.getHandle(id).terminate('test done').catch(() => undefined);
    await connection?.close();
    await fakes?.stop();
  });

  let actionTs = 1000;
  function clickBody(workflowId: string, kind: string, user = ANALYST): string {
    const button = BUTTONS.find((b) => b.kind === kind)!;
    const message = fakes.slack.messages.find((m) => JSON.stringify(m.metadata ?? {}).includes(workflowId))!;
    const payload = {
      type: 'block_actions',
      user: { id: user, username: `${user.toLowerCase()}`, team_id: 'T0FAKE' },
      team: { id: 'T0FAKE', domain: 'acme' },
      channel: { id: message.channel, name: 'soc-alerts' },
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel },
      message: { ts: message.ts, text: message.text },
      response_url: 'https://hooks.slack.com/actions/T0FAKE/1/x',
      actions: [{ action_id: button.actionId, block_id: 'autotriage_actions', type: 'button', value: workflowId, action_ts: `1795700000.${actionTs++}` }],
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  function click(body: string, opts: { secret?: string; ts?: number } = {}): Promise<Response> {
    const ts = opts.ts ?? Math.floor(Date.now() / 1000);
    return fetch(`${base}/slack/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature(opts.secret ?? SECRET, ts, body),
      },
      body,
    });
  }

  const status = async (id: string) => (await waitForTriage(client.workflow.getHandle(id), () => true)).state;

  it('answers a forged or stale signature with 401 and changes nothing', async () => {
    // Each would assign the alert to ANALYST if it got through.
    const forged = await click(clickBody(ids.forgot, 'assign'), { secret: 'not-the-signing-secret' });
    assert.equal(forged.status, 401);
    const stale = await click(clickBody(ids.forgot, 'assign'), { ts: Math.floor(Date.now() / 1000) - 400 });
    assert.equal(stale.status, 401);
    // Which check failed stays in the log: both answers are the same to whoever sent them.
    assert.deepEqual([await forged.json(), await stale.json()], [{ error: 'unauthorized' }, { error: 'unauthorized' }]);
    const tampered = clickBody(ids.forgot, 'assign');
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${base}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, `${tampered}x`) },
      body: tampered,
    });
    assert.equal(res.status, 401);
    // Fence: a valid click applied after them (a run takes Updates in order) — so anything they sent would show first.
    assert.equal((await click(clickBody(ids.forgot, 'assign', 'U0ANALYST2'))).status, 200);
    const after = await waitForTriage(client.workflow.getHandle(ids.forgot), (x) => x.state.assignee?.id === 'U0ANALYST2');
    assert.equal(after.state.status, 'awaiting_analyst');
    assert.deepEqual(after.state.timeline.filter((e) => e.by?.kind === 'analyst').map((e) => `${e.by!.id} ${e.what}`), ['U0ANALYST2 assigned'], 'only the valid click was applied');
  });

  it('refuses someone outside the allow-list, telling them why', async () => {
    const res = await click(clickBody(ids.forgot, 'close_benign', 'U0INTRUDER'));
    assert.equal(res.status, 200);
    await waitForTriage(client.workflow.getHandle(ids.forgot), () => fakes.slack.ephemerals.some((e) => e.user === 'U0INTRUDER'));
    assert.match(fakes.slack.ephemerals.find((e) => e.user === 'U0INTRUDER')!.text, /not on the list/);
    assert.equal((await status(ids.forgot)).status, 'awaiting_analyst');
  });

  it('closes the alert from a signed click within 3 s and updates the message; a double click closes once', async () => {
    // A double click: two signed clicks of the same button, in flight together.
    const started = Date.now();
    const [res, second] = await Promise.all([click(clickBody(ids.forgot, 'close_benign')), click(clickBody(ids.forgot, 'close_benign'))]);
    assert.deepEqual([res.status, second.status], [200, 200]);
    assert.ok(Date.now() - started < 3000, `answered Slack in ${Date.now() - started} ms`);
    const closed = await waitForTriage(client.workflow.getHandle(ids.forgot), (s) => s.state.status === 'closed');
    assert.equal(closed.state.disposition, 'benign');
    assert.equal(closed.state.closedBy?.id, ANALYST);
    const message = () => fakes.slack.messages.find((m) => JSON.stringify(m.metadata ?? {}).includes(ids.forgot))!;
    await waitForTriage(client.workflow.getHandle(ids.forgot), () => JSON.stringify(message().blocks).includes(`Closed as benign by* <@${ANALYST}>`));
    assert.doesNotMatch(JSON.stringify(message().blocks), /autotriage_actions/);
    const closeReplies = () => fakes.slack.replies(message().ts).filter((r) => /Closed as benign/i.test(r.text));
    await waitForTriage(client.workflow.getHandle(ids.forgot), () => closeReplies().length === 1);
    await waitForTriage(client.workflow.getHandle(ids.forgot), () => fakes.slack.ephemerals.some((e) => e.user === ANALYST));
    assert.match(fakes.slack.ephemerals.find((e) => e.user === ANALYST)!.text, /already closed as benign/, 'the second click of the pair was refused');

    const again = await click(clickBody(ids.forgot, 'close_benign', 'U0ANALYST2'));
    assert.equal(again.status, 200);
    await waitForTriage(client.workflow.getHandle(ids.forgot), () => fakes.slack.ephemerals.some((e) => e.user === 'U0ANALYST2'));
    assert.match(fakes.slack.ephemerals.find((e) => e.user === 'U0ANALYST2')!.text, /already closed as benign by u0analyst1/);
    const final = await status(ids.forgot);
    assert.equal(final.timeline.filter((e) => e.what.startsWith('closed')).length, 1, 'closed once');
    assert.equal(closeReplies().length, 1, 'one thread reply about the close');
  });

  it('reports the shadow decisions against the analysts\' verdicts', async () => {
    assert.equal((await click(clickBody(ids.attack, 'escalate'))).status, 200);
    await waitForTriage(client.workflow.getHandle(ids.attack), (s) => s.state.status === 'escalated');
    const run = async (): Promise<TriageReport> => {
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(projectRoot(), 'dist/src/cli/report.js'), '--since', '1h', '--json'], {
        cwd: NEUTRAL_CWD,
        env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue },
      });
      return JSON.parse(stdout) as TriageReport;
    };
    let report = await run();
    for (let i = 0; i < 20 && !(report.byRule[0]?.judged === 1 && report.byDetection.every((d) => d.analystClosed + (d.key === 'Standard.BruteForceByUser' ? 1 : 0) >= 1)); i++) {
      await new Promise((r) => setTimeout(r, 500));
      report = await run();
    }
    assert.equal(report.total, 2);
    const rule = report.byRule.find((r) => r.key === 'known-location@3')!;
    assert.deepEqual(
      { alerts: rule.alerts, shadow: rule.shadowDecisions, judged: rule.judged, agreed: rule.agreed, precision: rule.precision },
      { alerts: 1, shadow: 1, judged: 1, agreed: 1, precision: 1 },
    );
    const forgot = report.byDetection.find((d) => d.key === 'Okta.BruteForceLogins')!;
    assert.equal(forgot.analystClosed, 1);
    assert.ok(forgot.medianAnalystCloseMs !== undefined && forgot.medianAnalystCloseMs > 0);
    assert.equal(report.byDetection.find((d) => d.key === 'Standard.BruteForceByUser')?.shadowDecisions, 0);
  });
});
