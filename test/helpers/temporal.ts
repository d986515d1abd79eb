/** Real Temporal for tests: a client on the test server, unique task queues, and in-process workers. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import { ensureSearchAttributes } from '../../src/temporal/connection';
import { PREBUILT_BUNDLE } from '../../src/temporal/workflow-source';
import { createWorkers, runWorkers } from '../../src/worker/workers';
import { until } from './until';

export function testAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests with mocha (test/setup/global.ts starts the server)');
  return address;
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface TestTemporal {
  client: Client;
  connection: Connection;
  native: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  const address = testAddress();
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, 'default');
  const native = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection }),
    connection,
    native,
    close: async () => {
      await native.close();
      await connection.close();
    },
  };
}

export interface RunningWorkers {
  workers: Worker[];
  stop(): Promise<void>;
}

/**
 * The workers a worker process runs (main + one per configured reputation provider, with their rate
 * limits), on the prebuilt workflow bundle, with activities built from the given clients.
 */
export async function startTestWorkers(t: TestTemporal, taskQueue: string, deps: ActivityDeps, maxCachedWorkflows?: number): Promise<RunningWorkers> {
  const workers = await createWorkers({
    connection: t.native,
    taskQueue,
    deps,
    workflows: { workflowBundle: { codePath: PREBUILT_BUNDLE } },
    shutdownGraceTime: '2s',
    maxCachedWorkflows,
  });
  const running = runWorkers(workers);
  return {
    workers,
    stop: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    },
  };
}

/**
 * Waits until Temporal's (eventually consistent) visibility has caught up with everything started on
 * `taskQueue` so far: starts a marker run there (delayed an hour, so no worker ever runs it), waits until
 * a list shows it, and terminates it. Use it before asserting that a list or count did not grow. It relies
 * on the dev server's single history shard, whose visibility tasks are processed in order.
 */
export async function visibilityCaughtUp(client: Client, taskQueue: string): Promise<void> {
  const workflowId = `visibility-fence/${randomUUID()}`;
  const handle = await client.workflow.start('visibilityFence', { taskQueue, workflowId, args: [], startDelay: '1h' });
  try {
    const shown = async () => (await client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkflowId = "${workflowId}"`)).count > 0;
    if (!(await until(shown, 30_000))) throw new Error(`visibility did not show ${workflowId} within 30 s`);
  } finally {
    await handle.terminate('visibility fence');
  }
}
