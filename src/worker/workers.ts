/**
 * The workers of one worker process: the main one (workflows, SIEM and delivery activities) and one per
 * configured reputation provider, polling that provider's task queue with its rate limit — the limit
 * the Temporal server enforces across every worker of the deployment.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { activityMetricsInterceptor } from '../observability/activity-metrics';
import type { WorkerMetrics } from '../observability/metrics';
import { triageSinks } from '../observability/workflow-sinks';
import { createActivities, type ActivityDeps } from '../activities';
import { workflowSource } from '../temporal/workflow-source';

export interface WorkerSetOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Defaults to the prebuilt bundle that matches `dataConverter`, or the workflows module (see workflow-source.ts). */
  workflows?: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  dataConverter?: WorkerOptions['dataConverter'];
  /** Prometheus metrics of the worker process (activity interceptor + workflow sinks). */
  metrics?: WorkerMetrics;
  /** WORKER_MAX_CACHED_WORKFLOWS; the SDK's default (from the heap size) when absent. */
  maxCachedWorkflows?: number;
}

export async function createWorkers(o: WorkerSetOptions): Promise<Worker[]> {
  const activities = createActivities(o.deps);
  const common = {
    connection: o.connection,
    namespace: o.namespace,
    shutdownGraceTime: o.shutdownGraceTime ?? '10s',
    dataConverter: o.dataConverter,
    ...(o.metrics ? { interceptors: { activity: [activityMetricsInterceptor(o.metrics, o.deps.siem.kind)] } } : {}),
  };
  const main = await Worker.create({
    ...common,
    taskQueue: o.taskQueue,
    ...(o.workflows ?? workflowSource(o.dataConverter)),
    activities,
    sinks: triageSinks(o.metrics, o.deps.siem.kind),
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
  });
  const providers = await Promise.all(
    Object.values(o.deps.reputation.sources).map((source) =>
      Worker.create({
        ...common,
        taskQueue: source.fetchTaskQueue,
        activities: { fetchReputation: activities.fetchReputation },
        maxTaskQueueActivitiesPerSecond: source.ratePerMinute / 60,
        maxConcurrentActivityTaskExecutions: 20,
      }),
    ),
  );
  return [main, ...providers];
}

/**
 * Runs them all; when one stops (shutdown signal or failure), the others are shut down too. Settles only
 * once every worker has drained, so the caller closes connections and the SIEM after the last activity;
 * a failure is then rethrown as it was (the first one), not hidden by an error of the cleanup.
 */
export async function runWorkers(workers: Pick<Worker, 'run' | 'getState' | 'shutdown'>[]): Promise<void> {
  const runs = workers.map((w) =>
    w.run().finally(() => {
      for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
    }),
  );
  const failed = (await Promise.allSettled(runs)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
