/**
 * The whole stack as a user runs it: the real API and worker processes, the real Temporal dev server,
 * real HTTP to the VirusTotal/Slack/Jira fakes and the embedded SIEM over generated sample logs.
 */
import assert from 'node:assert/strict';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { signBody } from '../../src/api/auth';
import { demoPantherAlerts, type PantherWebhookPayload } from '../../src/sample-data/demo-alerts';
import { SAMPLE_SCENARIOS } from '../../src/sample-data/okta-events';
import { isTicketed, waitForTriage } from '../../src/temporal/triage-client';
import { startFakes, type RunningFakes } from '../fakes';
import { startServices, type RunningServices } from '../helpers/processes';
import { sampleLogsDir, tempDir } from '../helpers/sample-logs';
import { testAddress, uniqueTaskQueue, visibilityCaughtUp } from '../helpers/temporal';

const SECRET = 'e2e-webhook-secret-0123456789';

describe('end to end: webhook → Temporal → enriched Slack + Jira ticket', function () {
  this.timeout(180_000);
  const taskQueue = uniqueTaskQueue('e2e');
  let fakes: RunningFakes;
  let services: RunningServices;
  let base: string;
  let connection: Connection;
  let client: Client;

  before(async () => {
    fakes = await startFakes();
    services = await startServices({
      ...fakes.env,
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WEBHOOK_SECRET: SECRET,
      LOCAL_SIEM_LOGS: await sampleLogsDir(),
      DATA_DIR: tempDir('e2e-data'),
    });
    base = services.base;
    connection = await Connection.connect({ address: testAddress() });
    client = new Client({ connection });
  });

  after(async () => {
    await services?.stop();
    await connection?.close();
    await fakes?.stop();
  });

  function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET, ...headers },
      body,
    });
  }

  /** Triages started on this test's queue (the shared cache and budget workflows come and go on their own). */
  async function workflowsOnQueue(): Promise<number> {
    return (await client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkflowType = "alertTriage"`)).count;
  }

  it('turns one Panther alert posted 3 times into 1 workflow, 1 Slack message and 1 Jira issue with all four enrichments', async () => {
    const payload = demoPantherAlerts()[0]!.payload;
    const replies = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('/webhooks/panther', JSON.stringify(payload));
      assert.equal(res.status, 202);
      replies.push((await res.json()) as { workflowId: string; status: string });
    }
    const workflowId = `alert/panther/${payload.alertId}`;
    assert.deepEqual(replies.map((r) => r.status), ['started', 'duplicate', 'duplicate']);
    assert.ok(replies.every((r) => r.workflowId === workflowId));

    const result = await waitForTriage(client.workflow.getHandle(workflowId), (x) => isTicketed(x) && x.state.status === 'awaiting_analyst' && x.jira?.status === 'ok');
    // Resent after completion: still a duplicate, nothing new.
    const late = await post('/webhooks/panther', JSON.stringify(payload));
    assert.equal(((await late.json()) as { status: string }).status, 'duplicate');

    const runs = await client.workflow.count(`WorkflowType = "alertTriage" AND AlertId = "${payload.alertId}"`);
    assert.equal(runs.count, 1);
    assert.equal(fakes.slack.messages.filter((m) => JSON.stringify(m.metadata ?? {}).includes(workflowId)).length, 1);
    assert.equal(fakes.jira.issues.filter((i) => JSON.stringify(i).includes(payload.alertId)).length, 1);

    const e = result.report.enrichments;
    for (const key of ['ipReputation', 'indicatorSearch', 'loginLocations', 'recentLogins'] as const) {
      assert.equal(e[key]?.status, 'ok', `${key} succeeded`);
    }
    const message = JSON.stringify(fakes.slack.messages.at(-1)!.blocks);
    assert.match(message, /VirusTotal\*\\n`198\.51\.100\.7` — clean: 0 malicious/);
    assert.match(message, /SIEM indicator search\*\\n`198\.51\.100\.7` in \d+ events over 3 days/);
    assert.match(message, /Top login locations\*\\n\d+ successful logins by alice\.martin@acme\.io in 90 days\\n1\.  `198\.51\.100\.7`  Lisbon, Portugal/);
    assert.match(message, /Last successful logins\*\\n/);
  });

  it('serves the indicator-search results page the ticket links to', async () => {
    const payload = demoPantherAlerts()[1]!.payload;
    const res = await post('/webhooks/panther', JSON.stringify(payload));
    const { workflowId } = (await res.json()) as { workflowId: string };
    const result = await waitForTriage(client.workflow.getHandle(workflowId));
    const search = result.report.enrichments.indicatorSearch;
    assert.equal(search?.status, 'ok');
    if (search?.status !== 'ok') return;
    assert.ok(search.data.link.startsWith(`${base}/siem/search?`));
    const page = await fetch(search.data.link);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.ok(html.includes(SAMPLE_SCENARIOS.attack.ip));
    assert.ok(html.includes('python-requests/2.31.0'), 'the attacker events are listed');

    // The page shows raw events: with WEBHOOK_SECRET set, only the worker's signed links open it.
    const link = new URL(search.data.link);
    assert.match(link.searchParams.get('sig') ?? '', /^[\w-]{43}$/);
    const unsigned = new URL(link);
    unsigned.searchParams.delete('sig');
    const widened = new URL(link);
    widened.searchParams.set('from', new Date(Date.parse(link.searchParams.get('from')!) - 86_400_000).toISOString());
    const otherIp = new URL(link);
    otherIp.searchParams.set('indicator', SAMPLE_SCENARIOS.forgotPassword.ip);
    for (const forged of [unsigned, widened, otherIp]) {
      const res = await fetch(forged);
      assert.equal(res.status, 403, `${forged.search} must be refused`);
      assert.match(((await res.json()) as { error: string }).error, /not signed by autotriage/);
    }
  });

  it('accepts an HMAC-signed request', async () => {
    const body = JSON.stringify(demoPantherAlerts()[0]!.payload);
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${base}/webhooks/panther`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-timestamp': String(ts), 'x-signature-256': signBody(SECRET, ts, body) },
      body,
    });
    assert.equal(res.status, 202);
    const accepted = (await res.json()) as { workflowId: string; status: string };
    assert.equal(accepted.status, 'started', 'a new alert (fresh alertId), not a resend');
    // Settled before the next tests count workflows.
    await waitForTriage(client.workflow.getHandle(accepted.workflowId));
  });

  it('accepts a body that starts with a UTF-8 byte-order mark (some .NET and PowerShell senders write one)', async () => {
    const payload = { ...demoPantherAlerts()[0]!.payload, alertId: `bom-${Date.now()}` };
    const res = await fetch(`${base}/webhooks/panther`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(payload))]),
    });
    assert.equal(res.status, 202, await res.clone().text());
    const accepted = (await res.json()) as { workflowId: string };
    await waitForTriage(client.workflow.getHandle(accepted.workflowId));
  });

  describe('bad input gets its 4xx, starts nothing, and the service keeps serving', () => {
    // Each case carries an alert id of its own: "started nothing" is then checked on the very workflow id the
    // request would have started (strongly consistent), besides the queue's count in visibility.
    let n = 0;
    const nextId = () => `bad-input-${Date.now().toString(36)}-${++n}`;
    const valid = (alertId: string): PantherWebhookPayload => ({ ...demoPantherAlerts()[0]!.payload, alertId });
    const cases: Array<{ name: string; status: number; send: (alertId: string) => Promise<Response>; error: RegExp; source?: string }> = [
      { name: 'non-JSON body', status: 400, send: (id) => post('/webhooks/panther', `{"alertId": "${id}", oops`), error: /not valid JSON/ },
      {
        name: 'non-JSON content type',
        status: 415,
        send: (id) => post('/webhooks/panther', JSON.stringify(valid(id)), { 'content-type': 'text/plain' }),
        error: /application\/json/,
      },
      { name: 'wrong secret', status: 401, send: (id) => post('/webhooks/panther', JSON.stringify(valid(id)), { 'x-webhook-secret': 'nope' }), error: /unauthorized/ },
      {
        name: 'missing secret',
        status: 401,
        send: (id) => fetch(`${base}/webhooks/panther`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid(id)) }),
        error: /unauthorized/,
      },
      {
        name: 'missing alertId',
        status: 400,
        send: (id) => {
          const { alertId: _dropped, ...rest } = valid(id);
          return post('/webhooks/panther', JSON.stringify(rest));
        },
        error: /alertId/,
      },
      {
        name: 'a 2 MB body',
        status: 413,
        send: (id) => post('/webhooks/panther', JSON.stringify({ ...valid(id), description: 'x'.repeat(2 * 1024 * 1024) })),
        error: /larger than the limit/,
      },
      {
        name: "a canonical alert on /webhooks/alerts claiming Panther's source",
        status: 400,
        send: (id) => post('/webhooks/alerts', JSON.stringify({ source: 'panther', alertId: id, detectionId: 'x', title: 't', severity: 'INFO' })),
        error: /source.*reserved for POST \/webhooks\/panther/,
      },
    ];

    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        await visibilityCaughtUp(client, taskQueue);
        const before = await workflowsOnQueue();
        const alertId = nextId();
        const res = await c.send(alertId);
        assert.equal(res.status, c.status);
        const body = (await res.json()) as { error: string; details?: unknown };
        assert.match(`${body.error} ${JSON.stringify(body.details ?? '')}`, c.error);
        await assert.rejects(client.workflow.getHandle(`alert/panther/${alertId}`).describe(), WorkflowNotFoundError, 'its workflow was not started');
        await visibilityCaughtUp(client, taskQueue);
        assert.equal(await workflowsOnQueue(), before, 'no workflow was started');
        assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the API still serves');
      });
    }
  });
});
