/** A worker process's set of workers, in the test process, wired to the HTTP fakes and the test server. */
import type { WorkflowHandle } from '@temporalio/client';
import type { ActivityDeps } from '../../src/activities';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import type { TriagePolicy } from '../../src/domain/policy';
import { waitForTriage } from '../../src/temporal/triage-client';
import type { TriageResult } from '../../src/workflows/types';
import { FAKE_CREDENTIALS, startFakes, type FakeRequest, type RunningFakes, type StartFakesOptions } from '../fakes';
import type { SlackMessage } from '../fakes/slack';
import { sampleLogsDir } from './sample-logs';
import { depsFor } from './stack-deps';
import { connectTestTemporal, startTestWorkers, uniqueTaskQueue, type RunningWorkers, type TestTemporal } from './temporal';

export interface Stack {
  t: TestTemporal;
  fakes: RunningFakes;
  deps: ActivityDeps;
  workers: RunningWorkers;
  taskQueue: string;
  /** Starts the alert's triage as the API does (its workflow id), under `policy`. */
  launch(alert: Alert, policy?: TriagePolicy): Promise<WorkflowHandle>;
  triage(alerts: Alert[], policy?: TriagePolicy): Promise<TriageResult[]>;
  /** The alert's ticket in the main channel (the audit channel carries the workflow id too). */
  ticketMessage(alert: Alert): SlackMessage | undefined;
  /** VirusTotal answers 429 (Retry-After 1 s) for the IPs `match` picks until `release()`: lookups wait, nothing fails. */
  holdVirusTotal(match?: (ip: string) => boolean): { release(): void };
  stop(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}, fakeOptions: StartFakesOptions = {}): Promise<Stack> {
  const t = await connectTestTemporal();
  const fakes = await startFakes(fakeOptions);
  const taskQueue = uniqueTaskQueue('stack');
  // The fakes have no quota: no rate budget unless a test asks for one.
  const { deps, config } = await depsFor({ ...fakes.env, TEMPORAL_TASK_QUEUE: taskQueue, VIRUSTOTAL_RATE_PER_MINUTE: '6000', ...env }, await sampleLogsDir(), t.client);
  const workers = await startTestWorkers(t, taskQueue, deps, config.workerMaxCachedWorkflows);
  const launch: Stack['launch'] = (alert, policy) => t.client.workflow.start('alertTriage', { taskQueue, workflowId: alertWorkflowId(alert), args: [{ alert, policy }] });
  return {
    t,
    fakes,
    deps,
    workers,
    taskQueue,
    launch,
    async triage(alerts, policy) {
      const handles = await Promise.all(alerts.map((alert) => launch(alert, policy)));
      return Promise.all(handles.map((h) => waitForTriage(h)));
    },
    ticketMessage: (alert) =>
      fakes.slack.messages.find((m) => m.channel === FAKE_CREDENTIALS.slackChannel && m.metadata?.event_payload['alert_key'] === alertWorkflowId(alert)),
    holdVirusTotal(match = () => true) {
      let held = true;
      const ipOf = (r: FakeRequest) => decodeURIComponent(r.path.split('/').at(-1) ?? '');
      fakes.vt.injectFaults(...Array.from({ length: 300 }, () => ({ status: 429, headers: { 'Retry-After': '1' }, match: (r: FakeRequest) => held && match(ipOf(r)) })));
      return { release: () => (held = false) };
    },
    async stop() {
      await workers.stop();
      await deps.siem.close();
      await fakes.stop();
      await t.close();
    },
  };
}
