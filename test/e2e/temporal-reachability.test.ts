/**
 * How `npm start` decides whether Temporal is already up (src/temporal/dev-server.ts `isTemporalUp`): it
 * connects as the worker and the API will, so a TLS server (Temporal Cloud) is found with TLS, and a server
 * that does not speak what the options say is not taken for one that answers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths';
import { findTemporalCli, isTemporalUp, startDevServer } from '../../src/temporal/dev-server';
import { freePort, freeServicePorts } from '../setup/global';
import { spawnService, type ServiceProcess } from '../helpers/processes';
import { tempDir } from '../helpers/sample-logs';
import { testAddress } from '../helpers/temporal';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { startRefusingTemporal, type RefusingTemporal } from '../fakes/refusing-temporal';

describe('isTemporalUp (the tests\' dev server)', () => {
  it('answers true for the plaintext dev server, reached in plaintext', async () => {
    assert.equal(await isTemporalUp(testAddress()), true);
    assert.equal(await isTemporalUp({ address: testAddress() }), true);
  });

  it('connects with the TLS the options ask for: the plaintext dev server does not answer a TLS client', async () => {
    assert.equal(await isTemporalUp({ address: testAddress(), tls: true, apiKey: 'key' }), false);
  });

  it('answers false where nothing listens', async () => {
    assert.equal(await isTemporalUp(`127.0.0.1:${await freePort()}`, 500), false);
  });
});

/** A real worker process pointed at a port where no Temporal listens, once it says it keeps retrying. */
async function workerWaitingForTemporal(name: string): Promise<ServiceProcess> {
  const { metricsPort } = await freeServicePorts();
  const worker = spawnService('worker', {
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    METRICS_PORT: String(metricsPort),
    DATA_DIR: tempDir(name),
    LOCAL_SIEM_LOGS: tempDir(`${name}-logs`),
  });
  try {
    await worker.waitFor(/not reachable yet; retrying/, 20_000);
    return worker;
  } catch (err) {
    await worker.stop();
    throw err;
  }
}

describe('the worker waiting for Temporal (real process)', function () {
  this.timeout(60_000);

  it('stops at once on SIGTERM while Temporal is not reachable yet, exiting 0', async () => {
    const worker = await workerWaitingForTemporal('worker-wait');
    try {
      // The retry waits 0.5, 1, 2, then 4 s: 4 s after the first, the worker sleeps until ~7.5 s, so an exit
      // within 2 s is the signal cutting the sleep short, not the sleep running out.
      await new Promise((r) => setTimeout(r, 4000));
      const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
      const sent = Date.now();
      worker.child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 2_000))]);
      assert.equal(code, 0, worker.output.slice(-5).join('\n'));
      assert.ok(worker.output.some((l) => /stopped before Temporal .* was reachable/.test(l)));
      console.log(`      (exited ${Date.now() - sent} ms after SIGTERM)`);
    } finally {
      await worker.stop();
    }
  });
});

describe('Temporal refusing the credentials (a wrong TEMPORAL_API_KEY; real processes)', function () {
  this.timeout(60_000);
  let temporal: RefusingTemporal;
  before(async () => (temporal = await startRefusingTemporal()));
  after(() => temporal?.stop());

  it('the worker stops at once, exiting 1 and saying what to check, instead of retrying for ever', async () => {
    const { metricsPort } = await freeServicePorts();
    const worker = spawnService('worker', { TEMPORAL_ADDRESS: temporal.address, METRICS_PORT: String(metricsPort), DATA_DIR: tempDir('refused'), LOCAL_SIEM_LOGS: tempDir('refused-logs') });
    try {
      const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
      const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000))]);
      assert.equal(code, 1, worker.output.slice(-5).join('\n'));
      await worker.stop();
      const said = worker.output.join('\n');
      assert.match(said, /Temporal at 127\.0\.0\.1:\d+ refused the credentials \(.*valid authentication credentials.*\): check TEMPORAL_API_KEY/);
      assert.doesNotMatch(said, /not reachable yet; retrying/);
    } finally {
      await worker.stop();
    }
  });

  it('the API answers an alert 503 with Retry-After (the SIEM resends it once the key is fixed), and logs why', async () => {
    const { port, metricsPort } = await freeServicePorts();
    const api = spawnService('api', { TEMPORAL_ADDRESS: temporal.address, PORT: String(port), METRICS_PORT: String(metricsPort), DATA_DIR: tempDir('refused-api') });
    try {
      await api.waitFor(/API listening/, 20_000);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/panther`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(demoPantherAlerts()[0]!.payload),
      });
      assert.equal(res.status, 503, await res.clone().text());
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      await api.waitFor(/refused autotriage's credentials .*check TEMPORAL_API_KEY/, 5_000);
      assert.ok(temporal.calls.some((c) => c.endsWith('/StartWorkflowExecution')), 'the start reached the server');
    } finally {
      await api.stop();
    }
  });
});

describe("the services the tests and the bench start (real process)", function () {
  this.timeout(60_000);

  it("run outside the project root, so a developer's .env (real keys, another SIEM or namespace) never reaches them", async () => {
    const worker = await workerWaitingForTemporal('worker-cwd');
    try {
      const cwd = fs.realpathSync(`/proc/${worker.child.pid}/cwd`);
      assert.notEqual(cwd, fs.realpathSync(projectRoot()));
      assert.equal(fs.existsSync(path.join(cwd, '.env')), false);
    } finally {
      await worker.stop();
    }
  });
});

describe('a dev server on the IPv6 loopback (TEMPORAL_ADDRESS=[::1]:port, real process)', function () {
  this.timeout(90_000);

  it('is reached at [::1]:port, with its Web UI at http://[::1]:uiPort', async () => {
    const server = await startDevServer({ cliPath: findTemporalCli(), ip: '::1', port: await freePort(), uiPort: await freePort() });
    try {
      assert.match(server.address, /^\[::1\]:\d+$/);
      assert.equal(await isTemporalUp(server.address), true);
      assert.match(server.uiUrl ?? '', /^http:\/\/\[::1\]:\d+$/);
      assert.equal((await fetch(server.uiUrl!)).status, 200);
    } finally {
      await server.stop();
    }
  });
});
