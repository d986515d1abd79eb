/** Real Temporal for tests: a client on the test server, unique task queues, and in-process workers. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { ensureSearchAttributes } from '../../src/temporal/connection';
import { PREBUILT_BUNDLE } from '../../src/worker/workflow-source';

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

/** A worker running the prebuilt workflow bundle with activities built from the given clients. */
export async function createTestWorker(t: TestTemporal, taskQueue: string, deps: ActivityDeps): Promise<Worker> {
  return Worker.create({
    connection: t.native,
    taskQueue,
    workflowBundle: { codePath: PREBUILT_BUNDLE },
    activities: createActivities(deps),
  });
}
