/** A worker process's set of workers, in the test process, wired to the HTTP fakes and the test server. */
import type { ActivityDeps } from '../../src/activities';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import type { TriageResult } from '../../src/workflows/types';
import { startFakes, type RunningFakes, type StartFakesOptions } from '../fakes';
import { sampleLogsDir } from './sample-logs';
import { depsFor } from './stack-deps';
import { connectTestTemporal, startTestWorkers, uniqueTaskQueue, type RunningWorkers, type TestTemporal } from './temporal';

export interface Stack {
  t: TestTemporal;
  fakes: RunningFakes;
  deps: ActivityDeps;
  workers: RunningWorkers;
  taskQueue: string;
  triage(alerts: Alert[]): Promise<TriageResult[]>;
  stop(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}, fakeOptions: StartFakesOptions = {}): Promise<Stack> {
  const t = await connectTestTemporal();
  const fakes = await startFakes(fakeOptions);
  const taskQueue = uniqueTaskQueue('stack');
  const { deps } = await depsFor({ ...fakes.env, TEMPORAL_TASK_QUEUE: taskQueue, ...env }, await sampleLogsDir(), t.client);
  const workers = await startTestWorkers(t, taskQueue, deps);
  return {
    t,
    fakes,
    deps,
    workers,
    taskQueue,
    async triage(alerts) {
      const handles = await Promise.all(
        alerts.map((alert) => t.client.workflow.start('alertTriage', { taskQueue, workflowId: alertWorkflowId(alert), args: [{ alert }] })),
      );
      return Promise.all(handles.map(async (h) => (await h.result()) as TriageResult));
    },
    async stop() {
      await workers.stop();
      await deps.siem.close();
      await fakes.stop();
      await t.close();
    },
  };
}
