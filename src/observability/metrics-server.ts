/**
 * The worker's `GET /metrics`: our prom-client metrics, followed by the Temporal SDK's own (polling,
 * task latencies, slots…) which its Rust core exports on an internal loopback port — one scrape target.
 */
import http from 'node:http';
import type { Registry } from 'prom-client';
import { errorMessage } from '../logging/error-message';

export function startMetricsServer(opts: { registry: Registry; host: string; port: number; sdkMetricsUrl?: string }): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    try {
      const ours = await opts.registry.metrics();
      const sdk = opts.sdkMetricsUrl ? await fetch(opts.sdkMetricsUrl, { signal: AbortSignal.timeout(2000) }).then((r) => r.text()).catch(() => '') : '';
      res.writeHead(200, { 'content-type': opts.registry.contentType }).end(`${ours}\n${sdk}`);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${errorMessage(err)}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? ' (another worker on this machine? give each its own METRICS_PORT)' : '';
      reject(new Error(`METRICS_PORT: cannot listen on ${opts.host}:${opts.port}: ${err.code ?? errorMessage(err)}${hint}`));
    });
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}
