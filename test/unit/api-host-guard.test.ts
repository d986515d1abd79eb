/**
 * Without WEBHOOK_SECRET the API is loopback-only, and it only answers requests addressed to this machine
 * (src/api/app.ts): a web page that re-binds its DNS name to 127.0.0.1 cannot post alerts or read the
 * SIEM results page through the operator's browser. Real app, real Temporal client, real HTTP.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createAlertStarter } from '../../src/temporal/alert-starter';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logging/logger';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

/** A POST with the given Host header (fetch does not let a caller set it). */
function post(port: number, path: string, host: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('API without WEBHOOK_SECRET: requests addressed to another host are refused', () => {
  let temporal: TestTemporal;
  let server: http.Server;
  let port: number;
  const alert = (alertId: string) => JSON.stringify({ ...demoPantherAlerts()[0]!.payload, alertId });

  before(async () => {
    temporal = await connectTestTemporal();
    const app = createApp({
      starter: createAlertStarter(temporal.client, uniqueTaskQueue('host-guard')),
      log: createLogger({ name: 'api', level: 'silent' }),
      maxBodyBytes: 64 * 1024,
      publicUrl: 'http://soc-box.internal:3000',
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await temporal.close();
  });

  it('refuses a re-bound name with 403 and starts nothing', async () => {
    const alertId = `host-guard-${Date.now().toString(36)}-evil`;
    const res = await post(port, '/webhooks/panther', `attacker.example:${port}`, alert(alertId));
    assert.equal(res.status, 403);
    assert.match(res.body, /Host attacker\.example is not this service/);
    await assert.rejects(temporal.client.workflow.getHandle(`alert/panther/${alertId}`).describe(), WorkflowNotFoundError);
  });

  for (const host of ['127.0.0.1', 'localhost', '[::1]', 'soc-box.internal']) {
    it(`accepts an alert addressed to ${host}`, async () => {
      const alertId = `host-guard-${Date.now().toString(36)}-${host.replace(/\W/g, '')}`;
      const res = await post(port, '/webhooks/panther', `${host}:${port}`, alert(alertId));
      assert.equal(res.status, 202, res.body);
      const handle = temporal.client.workflow.getHandle(`alert/panther/${alertId}`);
      assert.equal((await handle.describe()).workflowId, `alert/panther/${alertId}`);
      await handle.terminate('test done');
    });
  }
});
