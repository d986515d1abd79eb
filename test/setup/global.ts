/**
 * Mocha global setup: one real Temporal dev server for the whole run (the provisioned CLI, in-memory,
 * headless, with the search attributes of DESIGN.md). A missing CLI is provisioned or the run fails —
 * tests never skip silently. Set TEMPORAL_TEST_ADDRESS to use a server you started yourself.
 */
import net from 'node:net';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { findTemporalCli, startDevServer, type DevServer } from '../../src/temporal/dev-server';

let server: DevServer | undefined;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
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
