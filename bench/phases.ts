/**
 * The benchmark's measurements, each against a running BenchStack:
 *   intake   — POST /webhooks/panther at fixed offered rates (open loop), latency and accepted/s;
 *   latency  — one alert at a time on a quiet system: webhook → Slack ticket, next to the fakes' critical path;
 *   cost     — workflow tasks, activity tasks and history events per alert;
 *   storm    — N distinct alerts as fast as intake takes them: time to the last ticket, peak worker RSS.
 */
import type { PantherWebhookPayload } from '../src/sample-data/demo-alerts';
import type { SlackMessage } from '../test/fakes';
import { benchAlert, benchIp, benchWorkflowId } from '../test/helpers/alerts';
import { cpuSeconds, rssMb, rssSampler, WEBHOOK_SECRET, type BenchStack, type Latencies } from './stack';
import { mean, percentile, round } from './stats';

async function post(url: string, payload: PantherWebhookPayload): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/webhooks/panther`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-secret': WEBHOOK_SECRET },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------

export interface IntakeResult {
  offeredPerS: number;
  sent: number;
  /** Answered 202; the latencies are of every answered request (a 503 after the start deadline counts at its time). */
  accepted: number;
  /** Requests that got no answer at all (connection refused or reset). */
  unanswered: number;
  acceptedPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Open loop: request i is sent at start + i/rate whatever the previous ones are doing. */
export async function measureIntake(url: string, ratePerS: number, seconds: number, ipOffset: number): Promise<IntakeResult> {
  const n = Math.round(ratePerS * seconds);
  const payloads = Array.from({ length: n }, (_, i) => benchAlert(benchIp(ipOffset + i)));
  const start = performance.now();
  const results = await Promise.all(
    payloads.map(async (p, i) => {
      const due = start + (i * 1000) / ratePerS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      return post(url, p).catch(() => ({ status: 0, ms: Number.NaN }));
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  const ok = results.filter((r) => r.status === 202);
  const answered = results.filter((r) => r.status !== 0);
  const ms = answered.map((r) => r.ms);
  return {
    offeredPerS: ratePerS,
    sent: n,
    accepted: ok.length,
    unanswered: n - answered.length,
    acceptedPerS: round(ok.length / elapsedS),
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(Math.max(...ms)),
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Ends the workflows the intake phase started on its unpolled queue (a batch termination on the server),
 * and waits until none runs: their paced starts would otherwise keep firing through the phases after it.
 */
export async function endIntakeWorkflows(stack: BenchStack, taskQueue: string): Promise<void> {
  const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
  const deadline = Date.now() + 120_000;
  // A batch selects what visibility shows when it starts: runs indexed later are ended by the next one.
  for (let batch = 1; (await stack.client.workflow.count(query)).count > 0; batch++) {
    if (Date.now() > deadline) throw new Error(`the intake phase's workflows were still running after 120 s`);
    const jobId = `bench-end-intake-${Date.now()}-${batch}`;
    await stack.client.workflowService.startBatchOperation({
      namespace: 'default',
      jobId,
      visibilityQuery: query,
      reason: 'bench: the intake phase is over',
      terminationOperation: {},
    });
    for (;;) {
      const { state } = await stack.client.workflowService.describeBatchOperation({ namespace: 'default', jobId });
      // BATCH_OPERATION_STATE_RUNNING = 1; anything else is over (completed or failed).
      if (state !== 1 || Date.now() > deadline) break;
      await sleep(500);
    }
  }
}

/** The workflow's last write of its ticket has landed: the Slack message carries its Jira link. */
async function ticketSettled(stack: BenchStack, workflowId: string, slackMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = stack.fakes.slack.messages.find((m) => m.metadata?.event_payload['alert_key'] === workflowId);
    if (message && JSON.stringify(message.blocks ?? []).includes('Jira ')) break;
    if (Date.now() > deadline) throw new Error(`the ticket of ${workflowId} never got its Jira link`);
    await sleep(10);
  }
  // The update is recorded when it arrives and answered after the fake's latency; then one more task hop.
  await sleep(slackMs + 50);
}

/** Resolves when the Slack fake has answered the ticket post of each workflow id. */
class TicketWatch {
  private readonly waiting = new Map<string, (answeredAt: number) => void>();
  private readonly seen = new Map<string, number>();
  readonly counts = new Map<string, number>();

  constructor(
    stack: BenchStack,
    private readonly slackLatencyMs: number,
  ) {
    stack.fakes.slack.onPost = (m) => this.onPost(m);
  }

  private onPost(m: SlackMessage): void {
    const key = m.metadata?.event_payload['alert_key'];
    if (typeof key !== 'string' || m.thread_ts !== undefined) return;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    // Stored when the request arrives; answered after the fake's latency (performance.now() clock).
    const answeredAt = performance.now() + this.slackLatencyMs;
    if (!this.seen.has(key)) this.seen.set(key, answeredAt);
    this.waiting.get(key)?.(answeredAt);
    this.waiting.delete(key);
  }

  answered(workflowId: string, timeoutMs: number): Promise<number> {
    const at = this.seen.get(workflowId);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Slack ticket for ${workflowId} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(workflowId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  get tickets(): number {
    return this.counts.size;
  }

  get duplicates(): number {
    return [...this.counts.values()].filter((c) => c > 1).length;
  }
}

export interface LatencyResult {
  alerts: number;
  p50Ms: number;
  p99Ms: number;
  /** The fakes' critical path: the slowest enrichment (VirusTotal's latency or the SIEM queries, measured) + the Slack post. */
  criticalPathMs: number;
  slowestSiemQueryMs: number;
  ratioP50: number;
  overheadP50Ms: number;
}

/** Mean duration of an activity over a period, from the worker's own histogram (sum and count deltas). */
async function activityMeans(stack: BenchStack): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(stack.workerMetricsUrl)).text();
  const out = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const m = /^autotriage_activity_duration_seconds_(sum|count)\{[^}]*activity="(\w+)"[^}]*\} ([\d.e+-]+)$/.exec(line);
    if (!m) continue;
    const entry = out.get(m[2]!) ?? { sum: 0, count: 0 };
    entry[m[1] as 'sum' | 'count'] += Number(m[3]);
    out.set(m[2]!, entry);
  }
  return out;
}

export async function measureLatency(stack: BenchStack, latencies: Latencies, alerts: number, ipOffset: number): Promise<LatencyResult> {
  const watch = new TicketWatch(stack, latencies.slackMs);
  const before = await activityMeans(stack);
  const samples: number[] = [];
  for (let i = 0; i < alerts; i++) {
    // A new IP each time: every alert pays a real VirusTotal call (no cache hit).
    const payload = benchAlert(benchIp(ipOffset + i));
    const started = performance.now();
    const res = await post(stack.apiUrl, payload);
    if (res.status !== 202) throw new Error(`intake answered ${res.status}`);
    const answeredAt = await watch.answered(benchWorkflowId(payload), 60_000);
    samples.push(answeredAt - started);
    // One alert at a time: the next is sent once this one's Jira issue and ticket update are done too.
    await ticketSettled(stack, benchWorkflowId(payload), latencies.slackMs, 60_000);
  }
  const after = await activityMeans(stack);
  const siemMs = ['topLoginLocations', 'recentSuccessfulLogins', 'searchIndicator'].map((a) => {
    const b = before.get(a) ?? { sum: 0, count: 0 };
    const x = after.get(a) ?? { sum: 0, count: 0 };
    return x.count > b.count ? ((x.sum - b.sum) / (x.count - b.count)) * 1000 : 0;
  });
  const slowestSiemQueryMs = Math.max(...siemMs);
  const criticalPathMs = Math.max(latencies.virustotalMs, slowestSiemQueryMs) + latencies.slackMs;
  const p50 = percentile(samples, 50);
  return {
    alerts,
    p50Ms: round(p50),
    p99Ms: round(percentile(samples, 99)),
    criticalPathMs: round(criticalPathMs),
    slowestSiemQueryMs: round(slowestSiemQueryMs),
    ratioP50: round(p50 / criticalPathMs, 2),
    overheadP50Ms: round(p50 - criticalPathMs),
  };
}

// ---------------------------------------------------------------------------------------------------------

export interface CostResult {
  alerts: number;
  workflowTasksPerAlert: number;
  activityTasksPerAlert: number;
  historyEventsPerAlert: number;
  workflowsPerAlert: number;
  /** Where a task's time goes (means over every task, from the histories' event times). */
  timing: {
    /** Workflow code on the worker, for the first task of a workflow (it creates the workflow) and for later ones. */
    firstWorkflowTaskMs: number;
    laterWorkflowTaskMs: number;
    /** A scheduled workflow / activity task waiting to be picked up by the worker. */
    workflowTaskWaitMs: number;
    activityTaskWaitMs: number;
  };
}

interface TimedEvent {
  eventId?: unknown;
  eventType?: unknown;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  eventTime?: { seconds?: unknown; nanos?: unknown } | null;
}

const eventMs = (e: TimedEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Number(e.eventTime?.nanos ?? 0) / 1e6;
const isType = (e: TimedEvent, name: string, code: number) => String(e.eventType) === `EVENT_TYPE_${name}` || String(e.eventType) === String(code);

/**
 * Everything the task queue's workflows recorded (triage, LogType children, the shared cache and budget
 * workflows), divided by the alerts: the alerts are open and waiting for an analyst, so this is the cost
 * up to the ticket.
 */
export async function measureCost(stack: BenchStack, alerts: number): Promise<CostResult> {
  let workflowTasks = 0;
  let activityTasks = 0;
  let events = 0;
  let workflows = 0;
  const first: number[] = [];
  const later: number[] = [];
  const wftWait: number[] = [];
  const activityWait: number[] = [];
  for await (const { history } of stack.client.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` }).intoHistories({ concurrency: 4 })) {
    workflows++;
    const list = (history as { events?: TimedEvent[] } | undefined)?.events ?? [];
    let wftScheduled: number | undefined;
    let wftStarted: number | undefined;
    let seenWft = false;
    const activityScheduled = new Map<string, number>();
    for (const e of list) {
      events++;
      if (isType(e, 'WORKFLOW_TASK_SCHEDULED', 5)) wftScheduled = eventMs(e);
      if (isType(e, 'WORKFLOW_TASK_STARTED', 6)) {
        workflowTasks++;
        wftStarted = eventMs(e);
        if (wftScheduled !== undefined) wftWait.push(wftStarted - wftScheduled);
      }
      if (isType(e, 'WORKFLOW_TASK_COMPLETED', 7) && wftStarted !== undefined) {
        (seenWft ? later : first).push(eventMs(e) - wftStarted);
        seenWft = true;
      }
      if (isType(e, 'ACTIVITY_TASK_SCHEDULED', 10)) activityScheduled.set(String(e.eventId), eventMs(e));
      if (isType(e, 'ACTIVITY_TASK_STARTED', 11)) {
        activityTasks++;
        const scheduled = activityScheduled.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
        if (scheduled !== undefined) activityWait.push(eventMs(e) - scheduled);
      }
    }
  }
  return {
    alerts,
    workflowTasksPerAlert: round(workflowTasks / alerts),
    activityTasksPerAlert: round(activityTasks / alerts),
    historyEventsPerAlert: round(events / alerts),
    workflowsPerAlert: round(workflows / alerts, 2),
    timing: {
      firstWorkflowTaskMs: round(mean(first)),
      laterWorkflowTaskMs: round(mean(later)),
      workflowTaskWaitMs: round(mean(wftWait)),
      activityTaskWaitMs: round(mean(activityWait)),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

export interface StormResult {
  alerts: number;
  accepted: number;
  tickets: number;
  duplicateTickets: number;
  intakeSeconds: number;
  seconds: number;
  alertsPerS: number;
  peakWorkerRssMb: number;
  /** Before the storm: the worker with the embedded SIEM's tables loaded and the earlier phases' workflows. */
  workerRssBeforeMb: number;
  /** CPU time each process spent on the storm, per alert. */
  cpuMsPerAlert: { worker: number; api: number; temporal: number };
  distinctIps: number;
}

export async function runStorm(
  stack: BenchStack,
  latencies: Latencies,
  alerts: number,
  distinctIps: number,
  ipOffset: number,
  progress: (text: string) => void,
): Promise<StormResult> {
  const watch = new TicketWatch(stack, latencies.slackMs);
  const ips = Array.from({ length: alerts }, (_, i) => benchIp(ipOffset + ((i * 7919) % distinctIps)));
  const payloads = ips.map(benchAlert);
  const pids = { worker: stack.worker.child.pid!, api: stack.api.child.pid!, temporal: stack.server.process.pid! };
  const cpuBefore = { worker: cpuSeconds(pids.worker), api: cpuSeconds(pids.api), temporal: cpuSeconds(pids.temporal) };
  const rssBefore = rssMb(pids.worker);
  const rss = rssSampler(pids.worker);
  const started = performance.now();
  let accepted = 0;
  let next = 0;
  // As fast as intake accepts them: a fixed number of requests in flight.
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < payloads.length) {
        const p = payloads[next++]!;
        for (let attempt = 0; ; attempt++) {
          const r = await post(stack.apiUrl, p).catch(() => ({ status: 0, ms: 0 }));
          if (r.status === 202) break;
          if (attempt > 20) throw new Error(`intake refused an alert ${attempt} times (last status ${r.status})`);
          await sleep(200);
        }
        accepted++;
      }
    }),
  );
  const intakeSeconds = (performance.now() - started) / 1000;
  progress(`storm: ${accepted} alerts accepted in ${round(intakeSeconds)} s; waiting for the tickets…`);
  let last = -1;
  const deadline = Date.now() + 60 * 60_000;
  while (watch.tickets < alerts && Date.now() < deadline) {
    await sleep(1000);
    if (watch.tickets !== last) {
      last = watch.tickets;
      const s = (performance.now() - started) / 1000;
      progress(`storm: ${watch.tickets}/${alerts} tickets after ${round(s)} s (${round(watch.tickets / s)}/s)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // Anything posted late (a duplicate) would show up in the next seconds.
  await sleep(3000);
  const peak = rss.stop();
  const cpuMs = (p: keyof typeof pids) => round(((cpuSeconds(pids[p]) - cpuBefore[p]) * 1000) / alerts);
  const ids = new Set(payloads.map(benchWorkflowId));
  const tickets = [...watch.counts.keys()].filter((k) => ids.has(k)).length;
  return {
    alerts,
    accepted,
    tickets,
    duplicateTickets: watch.duplicates,
    intakeSeconds: round(intakeSeconds),
    seconds: round(seconds),
    alertsPerS: round(tickets / seconds),
    peakWorkerRssMb: round(peak),
    workerRssBeforeMb: round(rssBefore),
    cpuMsPerAlert: { worker: cpuMs('worker'), api: cpuMs('api'), temporal: cpuMs('temporal') },
    // As used: fewer than asked when the storm is smaller, or when --storm-ips shares a factor with 7919.
    distinctIps: new Set(ips).size,
  };
}

export { mean };
