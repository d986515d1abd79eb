/**
 * `POST /slack/interactions` when the SLACK_ALLOWED_GROUPS lookup fails: the real app, responder and Slack
 * client against the Slack fake over HTTP; only the Temporal side is a recording ActionSink, so the test
 * sees whether an Update would have been sent.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActionSink, type ActionSink } from '../../src/api/analyst-actions';
import { createAlertStarter, type AlertStarter } from '../../src/api/alert-starter';
import { createApp } from '../../src/api/app';
import { createSlackResponder } from '../../src/api/slack-responder';
import { SlackClient } from '../../src/connectors/slack';
import { createLogger } from '../../src/logging/logger';
import { BUTTONS } from '../../src/tickets/actions';
import { FAKE_CREDENTIALS, SlackFake, signSlackRequest } from '../fakes';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';

const SECRET = FAKE_CREDENTIALS.slackSigningSecret;
const CHANNEL = FAKE_CREDENTIALS.slackChannel;
const GROUP = 'S0SOCTEAM';
const LISTED = 'U0LISTED1';
const MEMBER = 'U0MEMBER1';
const WORKFLOW_ID = 'alert/panther/5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1';
/** Slack shows the user an error when the 200 takes longer than this. */
const SLACK_BUDGET_MS = 3000;

describe('Slack interactions: the user-group allow-list cannot be read', function () {
  this.timeout(30_000);
  let fake: SlackFake;
  let server: Server;
  let base: string;
  let acted: string[];
  let logLines: Array<Record<string, unknown>>;

  before(async () => {
    fake = new SlackFake({ token: FAKE_CREDENTIALS.slackBotToken });
    await fake.start();
  });
  after(async () => fake?.stop());

  beforeEach(async () => {
    fake.reset();
    fake.userGroups.set(GROUP, [MEMBER]);
    acted = [];
    logLines = [];
    const sink: ActionSink = {
      async act(workflowId, action) {
        acted.push(`${action.by.id} ${action.kind} ${workflowId}`);
        return { ok: true };
      },
    };
    const starter: AlertStarter = {
      start: () => Promise.reject(new Error('no intake in this test')),
      ready: async () => true,
    };
    const log = createLogger({ name: 'api', level: 'info', destination: { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) } });
    // A new responder per test: its group cache would otherwise carry a lookup from one test to the next.
    const responder = createSlackResponder(new SlackClient({ botToken: fake.token, apiUrl: fake.apiUrl }), { users: [LISTED], groups: [GROUP] });
    const app = createApp({ starter, log, maxBodyBytes: 64 * 1024, slack: { signingSecret: SECRET, sink, responder } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  let actionTs = 1000;
  async function click(user: string): Promise<{ status: number; ms: number }> {
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase() },
      channel: { id: CHANNEL },
      actions: [{ action_id: BUTTONS[0]!.actionId, value: WORKFLOW_ID, action_ts: `1795700000.${actionTs++}` }],
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

  async function ephemeralTo(user: string): Promise<string> {
    assert.ok(await until(() => fake.ephemerals.some((e) => e.user === user), 5000), `no ephemeral answer to ${user}`);
    return fake.ephemerals.find((e) => e.user === user)!.text;
  }

  it('refuses the click, answers 200 in time and tells the analyst when the bot lacks usergroups:read', async () => {
    fake.scopes.delete('usergroups:read');
    const res = await click(MEMBER);
    assert.equal(res.status, 200);
    assert.ok(res.ms < SLACK_BUDGET_MS, `answered in ${res.ms} ms`);
    assert.deepEqual(acted, [], 'fail closed: no Update was sent');
    assert.match(await ephemeralTo(MEMBER), /could not check SLACK_ALLOWED_GROUPS: missing_scope \(the bot needs usergroups:read\)/);
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
    assert.deepEqual(acted, []);
    assert.match(await ephemeralTo(MEMBER), /could not check SLACK_ALLOWED_GROUPS: Slack is rate-limiting usergroups\.users\.list; try again in 30 s/);
  });

  it('answers in time when Slack is slow to list the group, and lets the member act once the lookup has landed', async () => {
    fake.injectFaults({ path: '/api/usergroups.users.list', hangMs: 4000 });
    const res = await click(MEMBER);
    assert.equal(res.status, 200);
    assert.ok(res.ms < SLACK_BUDGET_MS, `answered in ${res.ms} ms`);
    assert.deepEqual(acted, []);
    assert.match(await ephemeralTo(MEMBER), /did not answer usergroups\.users\.list within 1\.5 s; try again/);
    // The slow answer still fills the cache: the next click goes through without asking Slack again.
    assert.ok(await until(() => fake.requests.some((r) => r.path === '/api/usergroups.users.list' && r.status === 200), 8000));
    const lookups = fake.requests.filter((r) => r.path === '/api/usergroups.users.list').length;
    assert.equal((await click(MEMBER)).status, 200);
    assert.deepEqual(acted, [`${MEMBER} close_benign ${WORKFLOW_ID}`]);
    assert.equal(fake.requests.filter((r) => r.path === '/api/usergroups.users.list').length, lookups);
  });

  it('still lets a user on SLACK_ALLOWED_USERS act, and a group member once the lookup works again', async () => {
    fake.scopes.delete('usergroups:read');
    assert.equal((await click(LISTED)).status, 200);
    assert.equal((await click(MEMBER)).status, 200);
    fake.scopes.add('usergroups:read');
    assert.equal((await click(MEMBER)).status, 200);
    assert.deepEqual(acted, [`${LISTED} close_benign ${WORKFLOW_ID}`, `${MEMBER} close_benign ${WORKFLOW_ID}`]);
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
    const payload = {
      type: 'block_actions',
      user: { id: MEMBER, username: 'member' },
      channel: { id: CHANNEL },
      actions: [{ action_id: BUTTONS[0]!.actionId, value: workflowId, action_ts: '1795700000.5000' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const started = Date.now();
    const res = await fetch(`${base}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) },
      body,
    });
    await res.arrayBuffer();
    const ms = Date.now() - started;
    assert.equal(res.status, 200);
    assert.ok(fake.requests.some((r) => r.path === '/api/usergroups.users.list' && r.status === 200), 'the member was checked against the group');
    assert.ok(ms < SLACK_BUDGET_MS, `answered in ${ms} ms: the lookup's 1.3 s and the Update's wait share one budget`);
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  });
});
