/**
 * Mocha global setup: one real Temporal dev server for the whole run (the provisioned CLI, in-memory,
 * headless, with the search attributes of DESIGN.md). A missing CLI is provisioned or the run fails —
 * tests never skip silently. Set TEMPORAL_TEST_ADDRESS to use a server you started yourself.
 */
import fs from 'node:fs';
import net from 'node:net';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { findTemporalCli, startDevServer, type DevServer } from '../../src/temporal/dev-server';

let server: DevServer | undefined;

/**
 * Ports handed to child processes come from below the kernel's ephemeral range: between our check and
 * the child's bind, any free port in that range can be taken by one of the suite's many outgoing
 * connections.
 */
const EPHEMERAL_LOW = (() => {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const PICK_LOW = 20_000;

/** Holds a free loopback port, below the ephemeral range where there is room. */
async function holdFreePort(): Promise<net.Server> {
  const room = EPHEMERAL_LOW - 1 - PICK_LOW;
  for (let tries = 0; room > 1000 && tries < 200; tries++) {
    const srv = await hold(PICK_LOW + Math.floor(Math.random() * room));
    if (srv) return srv;
  }
  const any = await hold(0);
  if (!any) throw new Error('no free loopback port');
  return any;
}

const release = (servers: net.Server[]) => Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));

export async function freePort(): Promise<number> {
  const srv = await holdFreePort();
  const port = portOf(srv);
  await release([srv]);
  return port;
}

/** Listens on loopback at `port` (0: any free one); undefined when it is taken. */
function hold(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

const portOf = (srv: net.Server) => (srv.address() as net.AddressInfo).port;

/**
 * Ports for a worker and an API: PORT, and a METRICS_PORT whose next port (the SDK's exporter binds
 * METRICS_PORT+1) is free too. All are held open together while chosen, so they are distinct.
 */
export async function freeServicePorts(): Promise<{ port: number; metricsPort: number }> {
  const held: net.Server[] = [];
  try {
    const api = await holdFreePort();
    held.push(api);
    for (let tries = 0; tries < 50; tries++) {
      const metrics = await holdFreePort();
      held.push(metrics);
      if (portOf(metrics) >= 65535) continue;
      const next = await hold(portOf(metrics) + 1);
      if (next) {
        held.push(next);
        return { port: portOf(api), metricsPort: portOf(metrics) };
      }
    }
    throw new Error('found no free loopback port whose next port is free too');
  } finally {
    await release(held);
  }
}

export async function mochaGlobalSetup(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
  });
  if (process.env.TEMPORAL_TEST_ADDRESS) return;
  const started = Date.now();
  server = await startDevServer({ cliPath: findTemporalCli(), port: await freePort() });
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  // However the run ends (even a crash that skips the teardown), the server goes with it.
  process.once('exit', () => server?.process.kill('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server?.process.kill('SIGKILL');
      process.exit(130);
    });
  }
  console.log(`Temporal dev server for the tests: ${server.address} (up in ${Date.now() - started} ms)`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await server?.stop();
}
