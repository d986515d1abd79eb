/** The worker's /metrics server (src/observability/metrics-server.ts). */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Counter, Registry } from 'prom-client';
import { startMetricsServer } from '../../src/observability/metrics-server';

describe('metrics server', () => {
  it('serves the registry on GET /metrics and 404 elsewhere', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ process: 'worker' });
    new Counter({ name: 'autotriage_test_total', help: 'a test counter', registers: [registry] }).inc();
    const server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0 });
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(await res.text(), /^autotriage_test_total\{process="worker"\} 1$/m);
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
    } finally {
      server.close();
    }
  });

  it('names METRICS_PORT when the port is taken (a second worker on the machine)', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      await assert.rejects(startMetricsServer({ registry: new Registry(), host: '127.0.0.1', port }), new RegExp(`METRICS_PORT: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE \\(another worker on this machine`));
    } finally {
      taken.close();
    }
  });
});
