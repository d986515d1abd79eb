/**
 * Operations, as operators see them: Prometheus metrics moving while alerts flow, and payload
 * encryption that keeps alert data out of Temporal's database while the codec endpoint decodes it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { normalizePanther } from '../../src/intake/panther';
import { findTemporalCli, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createCodec } from '../../src/temporal/codec/aes-gcm-codec';
import { isTicketed, waitForTriage } from '../../src/temporal/triage-client';
import { isJiraPending, type TriageSnapshot } from '../../src/workflows/types';
import { FAKE_CREDENTIALS, startFakes, type FakeRequest, type RunningFakes } from '../fakes';
import { startServices, type RunningServices } from '../helpers/processes';
import { sampleLogsDir, tempDir } from '../helpers/sample-logs';
import { testAddress, uniqueTaskQueue } from '../helpers/temporal';
import { until } from '../helpers/until';
import { freePort } from '../setup/global';

/** The services with the sample logs and a data folder of their own. */
async function startOpsServices(env: Record<string, string>): Promise<RunningServices> {
  return startServices({ ...env, LOCAL_SIEM_LOGS: await sampleLogsDir(), DATA_DIR: tempDir('ops-data') });
}

async function post(base: string, body: unknown, secret: string): Promise<{ status: number; workflowId?: string }> {
  const res = await fetch(`${base}/webhooks/panther`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { workflowId?: string }) };
}

/** The value of one sample line (`name{labels} value`) in Prometheus text, summed over matching lines. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('operations (real processes, real Temporal)', function () {
  this.timeout(180_000);
  let fakes: RunningFakes;
  before(async () => (fakes = await startFakes()));
  after(() => fakes?.stop());

  it('moves the metrics on /metrics of the API and the worker while alerts flow', async () => {
    const s = await startOpsServices({ ...fakes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: uniqueTaskQueue('metrics'), WEBHOOK_SECRET: 'ops-webhook-secret-0123', VIRUSTOTAL_RATE_PER_MINUTE: '6000' });
    const connection = await Connection.connect({ address: testAddress() });
    try {
      const before = { api: await (await fetch(`${s.base}/metrics`)).text(), worker: await (await fetch(s.metrics)).text() };
      // The attack's VirusTotal lookup is refused (401: not retried for an enrichment) and its Jira issue too
      // (400): each is one step that ended unavailable, whatever the attempts behind it.
      const demo = demoPantherAlerts();
      const attack = normalizePanther(demo[1]!.payload, new Date());
      fakes.vt.injectFaults(...Array.from({ length: 5 }, () => ({ status: 401, match: (r: FakeRequest) => r.path.includes(attack.ips[0]!) })));
      fakes.jira.injectFaults({ method: 'POST', path: '/rest/api/3/issue', status: 400, match: (r: FakeRequest) => r.body.includes(attack.alertId) });
      const ids = [];
      for (const { payload } of demo) ids.push((await post(s.base, payload, 'ops-webhook-secret-0123')).workflowId!);
      assert.equal((await post(s.base, 'not json', 'ops-webhook-secret-0123')).status, 400);
      const client = new Client({ connection });
      // The Jira issue follows the ticket: scrape once both alerts' Jira outcome is in.
      const jiraSettled = (x: TriageSnapshot) => isTicketed(x) && x.jira !== undefined && !isJiraPending(x.jira);
      for (const id of ids) await waitForTriage(client.workflow.getHandle(id), jiraSettled);
      const api = await (await fetch(`${s.base}/metrics`)).text();
      const worker = await (await fetch(s.metrics)).text();

      const delta = (after: string, b: string, name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(b, name, labels);
      assert.equal(delta(api, before.api, 'autotriage_alerts_received_total', { source: 'panther', status: 'started' }), 2);
      assert.equal(delta(api, before.api, 'autotriage_alerts_received_total', { detection: 'Okta.BruteForceLogins', log_type: 'Okta.SystemLog' }), 1);
      assert.equal(delta(api, before.api, 'autotriage_alerts_rejected_total', { reason: 'invalid_json' }), 1);
      assert.equal(delta(worker, before.worker, 'autotriage_tickets_total', { destination: 'slack' }), 2);
      assert.ok(delta(worker, before.worker, 'autotriage_activity_duration_seconds_count', { activity: 'lookupReputation', provider: 'virustotal' }) >= 2);
      assert.ok(delta(worker, before.worker, 'autotriage_activity_duration_seconds_count', { activity: 'topLoginLocations', provider: 'local' }) >= 2);
      assert.ok(delta(worker, before.worker, 'autotriage_enrichment_cache_lookups_total', { provider: 'virustotal' }) >= 2);
      assert.equal(delta(worker, before.worker, 'autotriage_triage_duration_seconds_count'), 2);
      assert.equal(delta(worker, before.worker, 'autotriage_autoclose_decisions_total', { rule: 'known-location@3', mode: 'shadow' }), 1);
      assert.equal(delta(worker, before.worker, 'autotriage_enrichment_failures_total', { provider: 'virustotal', step: 'lookupReputation' }), 1);
      assert.equal(delta(worker, before.worker, 'autotriage_enrichment_failures_total'), 1, 'no other step failed, and no attempt counted as a step');
      assert.equal(delta(worker, before.worker, 'autotriage_jira_issues_total', { outcome: 'unavailable' }), 1);
      assert.equal(delta(worker, before.worker, 'autotriage_jira_issues_total', { outcome: 'created_or_found' }), 1);
      assert.match(worker, /^temporal_\w+/m, 'the Temporal SDK\'s own metrics are served too');
      assert.equal(fakes.vt.pendingFaults, 4, 'one VirusTotal call for the attack: a 401 is not retried');
      for (const id of ids) await client.workflow.getHandle(id).terminate('test done');
    } finally {
      // Faults left unconsumed must not answer the next test's calls.
      fakes.vt.reset();
      fakes.jira.reset();
      await connection.close();
      await s.stop();
    }
  });

  it('logs JSON, one object per line, with the workflow id on every line about an alert and no secret anywhere', async () => {
    const secret = `whsec-${randomBytes(12).toString('hex')}`;
    // No Slack: the ticket is delivered locally, and that output must be a JSON line too.
    const env = Object.fromEntries(Object.entries(fakes.env).filter(([k]) => !k.startsWith('SLACK_')));
    const s = await startOpsServices({ ...env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: uniqueTaskQueue('logs'), WEBHOOK_SECRET: secret, LOG_LEVEL: 'debug', VIRUSTOTAL_RATE_PER_MINUTE: '6000' });
    const connection = await Connection.connect({ address: testAddress() });
    const client = new Client({ connection });
    const ids: string[] = [];
    try {
      for (const { payload } of demoPantherAlerts()) ids.push((await post(s.base, payload, secret)).workflowId!);
      assert.equal((await post(s.base, demoPantherAlerts()[0]!.payload, `${secret}-wrong`)).status, 401);
      for (const id of ids) await waitForTriage(client.workflow.getHandle(id));
      // The workflow's log lines reach the output after the state the query answers: wait for each
      // alert's last expected line.
      for (const id of ids) {
        const quoted = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        await s.worker.waitFor(new RegExp(`"workflowId":"${quoted}".*"msg":"ticket delivered"|"msg":"ticket delivered".*"workflowId":"${quoted}"`));
      }
    } finally {
      for (const id of ids) await client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
      await connection.close();
      await s.stop();
    }
    const lines = [...s.api.output.map((l) => ({ from: 'api', l })), ...s.worker.output.map((l) => ({ from: 'worker', l }))];
    const records = lines.map(({ from, l }) => {
      try {
        return { from, l, json: JSON.parse(l) as Record<string, unknown> };
      } catch {
        assert.fail(`${from} printed a line that is not JSON: ${l}`);
      }
    });
    const secrets = [secret, FAKE_CREDENTIALS.virustotalApiKey, FAKE_CREDENTIALS.jiraApiToken];
    for (const { from, l } of records) for (const x of secrets) assert.equal(l.includes(x), false, `${from} logged a secret: ${l}`);
    for (const id of ids) {
      const about = records.filter(({ json }) => json.workflowId === id).map(({ json }) => String(json.msg));
      for (const msg of ['alert started', 'alert routed', 'auto-close decision', 'local delivery (Slack not configured)', 'ticket delivered']) {
        assert.ok(about.includes(msg), `no "${msg}" line with workflowId ${id}: ${about.join(' | ')}`);
      }
    }
  });

  it('keeps closed runs as long as npm start asks (the CLI would keep them 24 h), at every start of the same database', async () => {
    const dbFile = path.join(tempDir('retention-db'), 'temporal.db');
    for (const days of [30, 7]) {
      const server = await startDevServer({ cliPath: findTemporalCli(), port: await freePort(), dbFile, retentionDays: days });
      try {
        const connection = await Connection.connect({ address: server.address });
        try {
          const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
          assert.equal(Number(ns.config?.workflowExecutionRetentionTtl?.seconds), days * 86_400);
        } finally {
          await connection.close();
        }
      } finally {
        await server.stop();
      }
    }
  });

  describe('payload encryption', () => {
    let server: DevServer;
    let dbFile: string;
    before(async () => {
      dbFile = path.join(tempDir('codec-db'), 'temporal.db');
      server = await startDevServer({ cliPath: findTemporalCli(), port: await freePort(), dbFile });
    });
    after(() => server?.stop());

    it('keeps the alert\'s user and IP out of the dev server\'s database, and decodes them at the codec endpoint', async () => {
      const keys = `k1:${randomBytes(32).toString('base64')}`;
      const token = randomBytes(16).toString('hex');
      const s = await startOpsServices({
        ...fakes.env,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('codec'),
        WEBHOOK_SECRET: 'ops-webhook-secret-0123',
        VIRUSTOTAL_RATE_PER_MINUTE: '6000',
        CODEC_KEYS: keys,
        CODEC_AUTH_TOKEN: token,
      });
      const connection = await Connection.connect({ address: server.address });
      try {
        // A vendor error that echoes the alert's values (Jira refusing the issue): its text lands in the
        // activity's failure, which the codec must cover too.
        const alert = demoPantherAlerts()[0]!.payload;
        const alertId = alert.alertId;
        fakes.jira.injectFaults({
          method: 'POST',
          path: '/rest/api/3/issue',
          status: 400,
          body: { errorMessages: ['Cannot create the issue for alice.martin@acme.io (198.51.100.7)'], errors: {} },
          match: (r: FakeRequest) => r.body.includes(alertId),
        });
        const { workflowId } = await post(s.base, alert, 'ops-webhook-secret-0123');
        const decoding = new Client({ connection, dataConverter: { payloadCodecs: [createCodec(keys, undefined)!] } });
        const triage = await waitForTriage(decoding.workflow.getHandle(workflowId!));
        assert.equal(triage.alert.users[0], 'alice.martin@acme.io', 'the worker and a client with the key see the data');
        // The Jira issue follows the Slack ticket: wait until its refusal is in the history.
        const jiraRefused = async () => ((await decoding.workflow.getHandle(workflowId!).fetchHistory()).events ?? []).some((e) => e.activityTaskFailedEventAttributes);
        assert.ok(await until(jiraRefused, 30_000), "the refused Jira create is in the run's history");

        // What the server stored: SQLite, its write-ahead log included.
        const stored = Buffer.concat([dbFile, `${dbFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
        assert.ok(stored.length > 0);
        // Positive control: what the server keeps in clear by design (the workflow id, the detection id in a
        // search attribute) is found by the same search, so an absence below is the codec's doing.
        assert.ok(stored.includes(workflowId!), 'the run is in the searched bytes');
        assert.ok(stored.includes(alert.id), 'the detection id (a search attribute) is stored in clear');
        assert.equal(stored.includes('alice.martin@acme.io'), false, 'the user is not stored in clear');
        assert.equal(stored.includes('198.51.100.7'), false, 'the IP is not stored in clear');

        // The Web UI's view: raw payloads, decoded by the codec endpoint.
        const raw = await new Client({ connection }).workflow.getHandle(workflowId!).fetchHistory();
        const input = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
        assert.ok(input?.data && input.metadata);
        const body = {
          payloads: [{ metadata: Object.fromEntries(Object.entries(input.metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(input.data).toString('base64') }],
        };
        const denied = await fetch(`${s.base}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(denied.status, 401);
        const decode = async (p: typeof input): Promise<string> => {
          const res = await fetch(`${s.base}/codec/decode`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-namespace': 'default' },
            body: JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(p!.data!).toString('base64') }] }),
          });
          assert.equal(res.status, 200);
          return Buffer.from(((await res.json()) as { payloads: Array<{ data: string }> }).payloads[0]!.data, 'base64').toString('utf8');
        };
        assert.match(await decode(input), /alice\.martin@acme\.io/);
        // The refused Jira create: its message is in the failure's encoded attributes, which decode too.
        const failed = raw.events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure;
        assert.ok(failed?.encodedAttributes, 'the activity failure has encoded attributes');
        assert.equal(failed.message, 'Encoded failure');
        assert.match(await decode(failed.encodedAttributes), /Cannot create the issue for alice\.martin@acme\.io \(198\.51\.100\.7\)/);
        await decoding.workflow.getHandle(workflowId!).terminate('test done');
      } finally {
        await connection.close();
        await s.stop();
      }
    });
  });
});
