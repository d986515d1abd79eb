/**
 * `POST /slack/interactions` when the SLACK_ALLOWED_GROUPS lookup fails: the real app, responder, Slack
 * client and action sink, against the Slack fake over HTTP and a real triage on the test server — a click
 * that gets through is an Update the workflow applies, one refused never reaches it.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { temporal as temporal_api } from '@temporalio/proto';
import { createActionSink } from '../../src/api/analyst-actions';
import { createAlertStarter } from '../../src/temporal/alert-starter';
import { createApp } from '../../src/api/app';
import { createSlackResponder } from '../../src/api/slack-responder';
import { SlackClient } from '../../src/connectors/slack';
import { alertWorkflowId } from '../../src/domain/alert';
import type { TriageState } from '../../src/domain/triage-state';
import { normalizePanther } from '../../src/intake/panther';
import { createLogger } from '../../src/logging/logger';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { waitForTriage } from '../../src/temporal/triage-client';
import { autoCloseSignal } from '../../src/workflows/messages';
import { BUTTONS } from '../../src/tickets/actions';
import { FAKE_CREDENTIALS, SlackFake, signSlackRequest } from '../fakes';
import { tcpSwitch } from '../helpers/tcp-switch';
import { connectTestTemporal, testAddress, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { startStack, type Stack } from '../helpers/worker-stack';

const SECRET = FAKE_CREDENTIALS.slackSigningSecret;
const CHANNEL = FAKE_CREDENTIALS.slackChannel;
const GROUP = 'S0SOCTEAM';
const LISTED = 'U0LISTED1';
const MEMBER = 'U0MEMBER1';
/** Slack shows the user an error when the 200 takes longer than this. */
const SLACK_BUDGET_MS = 3000;

const button = (kind: string) => BUTTONS.find((b) => b.kind === kind)!;

/** A signed Slack button click on the alert `workflowId`, as Slack posts it; how long the answer took. */
async function postClick(base: string, click: { user: string; kind: string; workflowId: string; actionTs: string }): Promise<{ status: number; ms: number }> {
  const payload = {
    type: 'block_actions',
    user: { id: click.user, username: click.user.toLowerCase() },
    channel: { id: CHANNEL },
    actions: [{ action_id: button(click.kind).actionId, value: click.workflowId, action_ts: click.actionTs }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const started = Date.now();
  const res = await fetch(`${base}/slack/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) },
    body,
  });
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

describe('Slack interactions: the user-group allow-list cannot be read', function () {
  this.timeout(60_000);
  let stack: Stack;
  let fake: SlackFake;
  let server: Server;
  let base: string;
  let logLines: Array<Record<string, unknown>>;
  let workflowId: string;
  let n = 0;

  before(async () => {
    stack = await startStack();
    fake = stack.fakes.slack;
  });
  after(async () => stack?.stop());

  beforeEach(async () => {
    fake.reset(); // no ephemeral, fault or lookup of an earlier test
    fake.userGroups.set(GROUP, [MEMBER]);
    fake.scopes.add('usergroups:read');
    logLines = [];
    // A fresh alert, ticketed and awaiting the analysts, for each test.
    const alert = { ...normalizePanther(demoPantherAlerts()[1]!.payload, new Date()), alertId: `allow-list-${Date.now().toString(36)}-${++n}` };
    workflowId = alertWorkflowId(alert);
    await stack.triage([alert]);
    const log = createLogger({ name: 'api', level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } });
    // A new responder per test: its group cache would otherwise carry a lookup from one test to the next.
    const responder = createSlackResponder(new SlackClient({ botToken: fake.token, apiUrl: fake.apiUrl }), { users: [LISTED], groups: [GROUP] });
    const app = createApp({
      starter: createAlertStarter(stack.t.client, stack.taskQueue),
      log,
      maxBodyBytes: 64 * 1024,
      slack: { signingSecret: SECRET, sink: createActionSink(stack.t.client), responder },
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stack.t.client.workflow.getHandle(workflowId).terminate('test done').catch(() => undefined);
  });

  let actionTs = 1000;
  function click(user: string, kind = 'close_benign'): Promise<{ status: number; ms: number }> {
    return postClick(base, { user, kind, workflowId, actionTs: `1795700000.${actionTs++}` });
  }

  /** What the workflow applied: its timeline's entries by analysts, as "<user> <what>". */
  async function applied(): Promise<string[]> {
    const { state } = await waitForTriage(stack.t.client.workflow.getHandle(workflowId), () => true);
    return (state as TriageState).timeline.filter((e) => e.by?.kind === 'analyst').map((e) => `${e.by!.id} ${e.what}`);
  }

  /**
   * What the workflow applied once a click from a listed user (Assign) has been applied after the ones
   * before it: Updates reach the run in order, so a refused click that had slipped through shows up too.
   */
  async function appliedAfterFence(): Promise<string[]> {
    assert.equal((await click(LISTED, 'assign')).status, 200);
    assert.ok(await until(async () => (await applied()).some((e) => e.startsWith(`${LISTED} assigned`)), 10_000), 'the fence click was applied');
    return applied();
  }

  async function ephemeralTo(user: string): Promise<string> {
    assert.ok(await until(() => fake.ephemerals.some((e) => e.user === user), 5000), `no ephemeral answer to ${user}`);
    return fake.ephemerals.filter((e) => e.user === user).at(-1)!.text;
  }

  it('refuses the click, answers 200 in time and tells the analyst when the bot lacks usergroups:read', async () => {
    fake.scopes.delete('usergroups:read');
    const res = await click(MEMBER);
    assert.equal(res.status, 200);
    assert.ok(res.ms < SLACK_BUDGET_MS, `answered in ${res.ms} ms`);
    assert.match(await ephemeralTo(MEMBER), /could not check SLACK_ALLOWED_GROUPS: missing_scope \(the bot needs usergroups:read\)/);
    assert.deepEqual(await appliedAfterFence(), [`${LISTED} assigned`], 'fail closed: the workflow got no Update from the refused click');
    const logged = logLines.find((l) => l['msg'] === 'Slack action refused: the allow-list could not be checked');
    assert.ok(logged, 'the refusal is logged');
    assert.equal(logged['level'], 50);
    assert.equal(logged['user'], MEMBER);
    assert.match(JSON.stringify(logged['err']), /missing_scope/);
  });

  it('refuses the click and says so when Slack rate-limits the group lookup', async () => {
    fake.injectFaults({ path: '/api/usergroups.users.list', status: 429, headers: { 'retry-after': '30' } });
    const res = await click(MEMBER);
    assert.equal(res.status, 200);
    assert.match(await ephemeralTo(MEMBER), /could not check SLACK_ALLOWED_GROUPS: Slack is rate-limiting usergroups\.users\.list; try again in 30 s/);
    assert.deepEqual(await appliedAfterFence(), [`${LISTED} assigned`]);
  });

  it('answers in time when Slack is slow to list the group, and lets the member act once the lookup has landed', async () => {
    fake.injectFaults({ path: '/api/usergroups.users.list', hangMs: 4000 });
    const res = await click(MEMBER);
    assert.equal(res.status, 200);
    assert.ok(res.ms < SLACK_BUDGET_MS, `answered in ${res.ms} ms`);
    assert.match(await ephemeralTo(MEMBER), /did not answer usergroups\.users\.list within 1\.5 s; try again/);
    assert.deepEqual(await appliedAfterFence(), [`${LISTED} assigned`]);
    // The slow answer still fills the cache: the next click goes through without asking Slack again.
    assert.ok(await until(() => fake.requests.some((r) => r.path === '/api/usergroups.users.list' && r.status === 200), 8000));
    const lookups = fake.requests.filter((r) => r.path === '/api/usergroups.users.list').length;
    assert.equal((await click(MEMBER)).status, 200);
    assert.ok(await until(async () => (await applied()).length === 2, 5000), 'the Update reached the workflow');
    assert.match((await applied())[1]!, new RegExp(`^${MEMBER} closed as benign`));
    assert.equal(fake.requests.filter((r) => r.path === '/api/usergroups.users.list').length, lookups);
  });

  it('still lets a user on SLACK_ALLOWED_USERS act, and a group member once the lookup works again', async () => {
    fake.scopes.delete('usergroups:read');
    assert.equal((await click(LISTED, 'assign')).status, 200);
    assert.equal((await click(MEMBER)).status, 200);
    assert.match(await ephemeralTo(MEMBER), /could not check SLACK_ALLOWED_GROUPS/);
    fake.scopes.add('usergroups:read');
    assert.equal((await click(MEMBER)).status, 200);
    assert.ok(await until(async () => (await applied()).length === 2, 5000), 'both Updates reached the workflow');
    const [first, second] = await applied();
    assert.match(first!, new RegExp(`^${LISTED} assigned`));
    assert.match(second!, new RegExp(`^${MEMBER} closed as benign`));
  });

  it("escapes the refusal it shows the analyst: a closing rule's id with Slack link markup is shown as text, not a link", async () => {
    const h = stack.t.client.workflow.getHandle(workflowId);
    await h.signal(autoCloseSignal, { reason: 'pentest', ruleId: '<https://evil.example/sso|re-login to autotriage>' });
    await waitForTriage(h, (x) => x.state.status === 'auto_closed');
    assert.equal((await click(LISTED)).status, 200);
    const said = await ephemeralTo(LISTED);
    assert.match(said, /already auto-closed by &lt;https:\/\/evil\.example\/sso\|re-login to autotriage&gt;/);
    assert.ok(!said.includes('<https://'), said);
  });
});

describe('Slack interactions: one 3-second budget for the allow-list check and the Update together', function () {
  this.timeout(30_000);
  let fake: SlackFake;
  let temporal: TestTemporal;
  let server: Server;
  let base: string;

  before(async () => {
    fake = new SlackFake({ token: FAKE_CREDENTIALS.slackBotToken });
    await fake.start();
    fake.userGroups.set(GROUP, [MEMBER]);
    temporal = await connectTestTemporal();
    const responder = createSlackResponder(new SlackClient({ botToken: fake.token, apiUrl: fake.apiUrl }), { users: [], groups: [GROUP] });
    const app = createApp({
      starter: createAlertStarter(temporal.client, uniqueTaskQueue('slack-budget')),
      log: createLogger({ name: 'api', level: 'silent' }),
      maxBodyBytes: 64 * 1024,
      slack: { signingSecret: SECRET, sink: createActionSink(temporal.client), responder },
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await temporal?.close();
    await fake?.stop();
  });

  it('answers within 3 s when Slack lists the group slowly and the workflow is slow to take the Update', async () => {
    // A run on a task queue no worker polls: the Update is never accepted, as with a worker fleet that is down.
    const workflowId = `alert/panther/slack-budget-${Date.now().toString(36)}`;
    await temporal.client.workflow.start('alertTriage', { taskQueue: uniqueTaskQueue('no-worker'), workflowId, args: [] });
    fake.injectFaults({ path: '/api/usergroups.users.list', hangMs: 1300 });
    const { status, ms } = await postClick(base, { user: MEMBER, kind: 'close_benign', workflowId, actionTs: '1795700000.5000' });
    assert.equal(status, 200);
    assert.ok(fake.requests.some((r) => r.path === '/api/usergroups.users.list' && r.status === 200), 'the member was checked against the group');
    assert.ok(ms < SLACK_BUDGET_MS, `answered in ${ms} ms: the lookup's 1.3 s and the Update's wait share one budget`);
    // The click did reach the run as an Update (admitted, waiting for a worker), not dropped to answer in time.
    const admitted = await temporal.client.workflowService.pollWorkflowExecutionUpdate({
      namespace: 'default',
      updateRef: { workflowExecution: { workflowId }, updateId: `slack-${MEMBER}-1795700000.5000` },
      waitPolicy: { lifecycleStage: temporal_api.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
    });
    assert.ok(admitted.stage !== undefined && admitted.stage !== null, 'the Update is known to the run');
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  });
});

describe('Slack interactions: Temporal unreachable when the analyst clicks', function () {
  this.timeout(60_000);

  it('tells the analyst to click again, without the addresses behind the failure, and logs them', async () => {
    const fake = new SlackFake({ token: FAKE_CREDENTIALS.slackBotToken });
    await fake.start();
    const temporal = await connectTestTemporal();
    const net = await tcpSwitch(testAddress());
    const through = await Connection.connect({ address: net.address });
    const logLines: Array<Record<string, unknown>> = [];
    const app = createApp({
      starter: createAlertStarter(temporal.client, uniqueTaskQueue('unreachable')),
      log: createLogger({ name: 'api', level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } }),
      maxBodyBytes: 64 * 1024,
      slack: { signingSecret: SECRET, sink: createActionSink(new Client({ connection: through })), responder: createSlackResponder(new SlackClient({ botToken: fake.token, apiUrl: fake.apiUrl }), { users: [], groups: [] }) },
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      net.down(); // the network between the API and Temporal
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { status } = await postClick(base, { user: MEMBER, kind: 'close_benign', workflowId: 'alert/panther/unreachable-1', actionTs: '1795700000.7000' });
      assert.equal(status, 200);
      assert.ok(await until(() => fake.ephemerals.some((e) => e.user === MEMBER), 45_000), 'the analyst is told');
      const told = fake.ephemerals.find((e) => e.user === MEMBER)!.text;
      assert.match(told, /could not reach Temporal just now: click again/);
      assert.doesNotMatch(told, /127\.0\.0\.1|:\d{4,5}\b|UNAVAILABLE/, `no internal detail in Slack: ${told}`);
      const logged = logLines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('analyst action') && l.outcome === false);
      assert.match(String(logged?.reason), /UNAVAILABLE|unreachable|ECONNRE|No connection/i, `the log keeps the cause: ${JSON.stringify(logged)}`);
    } finally {
      net.up();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await through.close();
      await net.close();
      await temporal.close();
      await fake.stop();
    }
  });
});
