/**
 * The shared enrichment cache and the providers' rate budgets, on the real dev server: workers with the
 * provider task-queue rate limits, real triage workflows, the VirusTotal fake.
 */
import assert from 'node:assert/strict';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { PermitPool } from '../../src/activities/permit-pool';
import { budgetPermits } from '../../src/activities/reputation';
import { budgetWorkflowId } from '../../src/temporal/task-queues';
import { PREBUILT_BUNDLE } from '../../src/temporal/workflow-source';
import type { Alert } from '../../src/domain/alert';
import { RETRIED_IN_ATTEMPT } from '../../src/domain/transient-retry';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { SA } from '../../src/temporal/search-attributes';
import { waitForTriage } from '../../src/temporal/triage-client';
import { alertRefiredSignal, analystActionUpdate, autoCloseSignal } from '../../src/workflows/messages';
import type { TriageSnapshot } from '../../src/workflows/types';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { takePermitUpdate, type rateBudget } from '../../src/workflows/rate-budget';
import { AbuseIpdbFake, type FakeRequest } from '../fakes';
import { sampleLogsDir } from '../helpers/sample-logs';
import { until } from '../helpers/until';
import { depsFor } from '../helpers/stack-deps';
import { connectTestTemporal, startTestWorkers, uniqueTaskQueue, type RunningWorkers, type TestTemporal } from '../helpers/temporal';
import { startStack, type Stack } from '../helpers/worker-stack';

type Handle = ReturnType<TestTemporal['client']['workflow']['getHandle']>;

/**
 * A fence for what must NOT happen: every run idle — no activity or workflow task pending, and its
 * history not growing between two looks — so anything it would still do would have been scheduled.
 */
async function settled(runs: Handle[]): Promise<boolean> {
  let lengths = '';
  const idle = async () => {
    const described = await Promise.all(runs.map((h) => h.describe()));
    const now = described.map((d) => d.historyLength).join(',');
    const quiet = described.every((d) => (d.raw.pendingActivities ?? []).length === 0 && !d.raw.pendingWorkflowTask);
    const stable = quiet && now === lengths;
    lengths = now;
    return stable;
  };
  return until(idle, 30_000, 300);
}

function alertFor(ip: string, n: number): Alert {
  const alert = normalizePanther(demoPantherAlerts()[0]!.payload, new Date());
  return { ...alert, alertId: `${alert.alertId.slice(0, 20)}-${n}`, ips: [ip] };
}

describe('shared enrichment cache (real Temporal)', function () {
  this.timeout(300_000);
  let s: Stack;
  before(async () => (s = await startStack({ VIRUSTOTAL_RATE_PER_MINUTE: '6000' })));
  after(() => s?.stop());

  it('costs one VirusTotal call for 50 alerts about the same IP within a minute, and says the others were cached', async () => {
    const ip = '198.18.201.1';
    const results = await s.triage(Array.from({ length: 50 }, (_, i) => alertFor(ip, i)));
    assert.equal(s.fakes.vt.lookups(ip), 1, 'one VirusTotal call');
    const vt = results.map((r) => r.report.enrichments.ipReputation);
    assert.ok(vt.every((o) => o?.status === 'ok'), 'every alert has the result');
    const hits = vt.filter((o) => o?.status === 'ok' && o.cache?.hit).length;
    assert.equal(hits, 49, 'the other 49 were served by the cache');
    assert.equal(s.fakes.slack.messages.length, 50);
    assert.ok(s.fakes.slack.messages.some((m) => JSON.stringify(m.blocks).includes('cached')), 'the ticket shows the cache hit');
    const cache = await s.t.client.workflow.getHandle(`${s.taskQueue}/enrichment-cache/virustotal/${ip}`).describe();
    assert.equal(cache.type, 'enrichmentCache');
  });
});

describe('VirusTotal public budget (real Temporal, rate-limited task queue)', function () {
  this.timeout(300_000);
  let s: Stack;
  // The fake enforces a quota like VirusTotal's: 429 QuotaExceededError past 9 calls in any 10 s. The
  // budget configured below is 30/min (one call every 2 s): without the rate limit, 20 concurrent
  // lookups would get 11 refusals. The quota leaves room for the task queue limiter's burst: a token
  // bucket lets rate × window + burst calls into any window (6 on a quiet machine, 7 under load), not just 5.
  const accepted: number[] = [];
  // The fake asks every queued fault whether it matches: decide once per request.
  const decided = new WeakMap<FakeRequest, boolean>();
  const overQuota = (req: FakeRequest): boolean => {
    if (!req.path.startsWith('/api/v3/ip_addresses/')) return false;
    const known = decided.get(req);
    if (known !== undefined) return known;
    const over = accepted.filter((at) => req.at - at < 10_000).length >= 9;
    if (!over) accepted.push(req.at);
    decided.set(req, over);
    return over;
  };
  before(async () => {
    s = await startStack({ VIRUSTOTAL_RATE_PER_MINUTE: '30', ENRICHMENT_WAIT: '90s' });
    s.fakes.vt.injectFaults(...Array.from({ length: 500 }, () => ({ match: overQuota, status: 429, headers: { 'retry-after': '10' } })));
  });
  after(() => s?.stop());

  it('gives 20 alerts about 20 different IPs their VirusTotal result, none failed or throttled by the provider', async () => {
    const ips = Array.from({ length: 20 }, (_, i) => `198.18.202.${i + 1}`);
    const started = Date.now();
    const results = await s.triage(ips.map((ip, i) => alertFor(ip, i)));
    const statuses = results.map((r) => r.report.enrichments.ipReputation?.status);
    assert.deepEqual(statuses, ips.map(() => 'ok'), 'every alert got its VirusTotal result');
    assert.equal(s.fakes.vt.requests.filter((r) => r.status === 429).length, 0, 'VirusTotal never had to say 429');
    assert.equal(s.fakes.vt.requests.length, 20, 'one call per IP');
    const times = s.fakes.vt.requests.map((r) => r.at);
    const peak = Math.max(...times.map((t) => times.filter((u) => u >= t && u - t < 10_000).length));
    console.log(`      20 lookups at 30/min took ${((Date.now() - started) / 1000).toFixed(1)} s, at most ${peak} in any 10 s`);
    assert.ok(peak <= 9, `at most the fake's quota (9 in 10 s) in any 10 s: ${peak}`);
  });
});

describe('a failing provider retried through its budget (real Temporal, rate-limited task queue)', function () {
  this.timeout(300_000);
  let s: Stack;
  // 12 calls a minute: one every 5 s. Retries inside one activity would come 1 s and 2 s apart.
  before(async () => (s = await startStack({ VIRUSTOTAL_RATE_PER_MINUTE: '12' })));
  after(() => s?.stop());
  afterEach(() => s.fakes.reset());

  it('retries VirusTotal 500s no faster than the rate budget, and the third call brings the result', async () => {
    const ip = '198.18.204.1';
    s.fakes.vt.injectFaults({ status: 500 }, { status: 500 });
    const [result] = await s.triage([alertFor(ip, 0)]);
    assert.equal(result!.report.enrichments.ipReputation?.status, 'ok', 'the result arrived after two 500s');
    const calls = s.fakes.vt.requests.map((r) => r.at);
    assert.equal(calls.length, 3, 'two failed calls and the one that answered');
    const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
    // 5 s apart at the queue; measured at the fake, the first call also took the day's permits first.
    assert.ok(gaps.every((gap) => gap >= 3000), `each retry waited for the budget (one call every 5 s): gaps ${gaps.join(', ')} ms`);
  });

  it("waits the Retry-After of a VirusTotal 503 (maintenance) before calling again, longer than the budget's pace", async () => {
    const ip = '198.18.204.3';
    s.fakes.vt.injectFaults({ status: 503, headers: { 'Retry-After': '9' } });
    const [result] = await s.triage([alertFor(ip, 3)]);
    assert.equal(result!.report.enrichments.ipReputation?.status, 'ok', 'the result arrived after the 503');
    const calls = s.fakes.vt.requests.map((r) => r.at);
    assert.equal(calls.length, 2);
    assert.ok(calls[1]! - calls[0]! >= 8_500, `called again ${calls[1]! - calls[0]!} ms later, not at the budget's 5 s pace`);
  });

  it('gives up waiting for a budget that does not answer while a call still fits its attempt, and calls no provider', async () => {
    // The budget workflow of a queue no worker polls: its permit never comes.
    const stalled = uniqueTaskQueue('stalled-budget');
    const deps: ActivityDeps = { ...s.deps, reputation: { ...s.deps.reputation, temporal: { ...s.deps.reputation.temporal, taskQueue: stalled } } };
    const { fetchReputation } = createActivities(deps);
    // 13 s to start-to-close: 1 s of margin and 10 s for the call leave 2 s to wait for the permit.
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 13_000 }, { logger: new DefaultLogger('ERROR') });
    const began = Date.now();
    const err = await env.run(fetchReputation, { provider: 'virustotal' as const, indicator: '198.18.204.9', transientFailsOnce: true }).catch((e: unknown) => e);
    const waited = Date.now() - began;
    assert.match(String(err), /waiting for the rate budget: not started with \d+ s of this attempt left/);
    assert.ok(waited >= 1_500 && waited < 6_000, `gave up after ${waited} ms`);
    assert.equal(s.fakes.vt.requests.length, 0, 'VirusTotal was not called');
    // A worker comes for that queue: the budget answers the permit the first attempt asked for, and the
    // next attempt, with the time a call needs, takes it and calls VirusTotal.
    const budgetWorker = await Worker.create({ connection: s.t.native, taskQueue: stalled, workflowBundle: { codePath: PREBUILT_BUNDLE } });
    const running = budgetWorker.run();
    try {
      const report = await new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 }, { logger: new DefaultLogger('ERROR') }).run(fetchReputation, {
        provider: 'virustotal' as const,
        indicator: '198.18.204.9',
        transientFailsOnce: true,
      });
      assert.equal((report as { ip?: string }).ip, '198.18.204.9');
      assert.equal(s.fakes.vt.requests.length, 1);
    } finally {
      await s.t.client.workflow.getHandle(budgetWorkflowId(stalled, 'virustotal')).terminate('test done');
      budgetWorker.shutdown();
      await running;
    }
  });

  it('lets a cache run started on the previous release retry inside the activity, as that code expects', async () => {
    const ip = '198.18.204.2';
    const { fetchReputation } = createActivities(s.deps);
    // As the cache workflow schedules it: 60 s to start-to-close.
    const env = () => new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 }, { logger: new DefaultLogger('ERROR') });
    s.fakes.vt.injectFaults({ status: 500 });
    const failed = await env().run(fetchReputation, { provider: 'virustotal' as const, indicator: ip, transientFailsOnce: true }).catch((err: unknown) => err);
    assert.ok(failed instanceof ApplicationFailure && failed.nonRetryable, `fails at once for the workflow to retry: ${String(failed)}`);
    assert.equal(failed.type, 'VirusTotal.transient');
    s.fakes.vt.injectFaults({ status: 500 });
    const legacy = await env().run(fetchReputation, { provider: 'virustotal' as const, indicator: ip });
    assert.equal((legacy as { ip?: string }).ip, ip, 'the old path retried the 500 and returned the report');
    assert.equal(s.fakes.vt.requests.length, 3);
    // When the old path gives up, it says so: the workflow then does not retry again.
    s.fakes.vt.injectFaults(...Array.from({ length: 20 }, () => ({ status: 500 })));
    const spent = await env().run(fetchReputation, { provider: 'virustotal' as const, indicator: ip }).catch((err: unknown) => err);
    assert.ok(spent instanceof ApplicationFailure && spent.nonRetryable, String(spent));
    assert.deepEqual(spent.details, [RETRIED_IN_ATTEMPT]);
    assert.match(spent.message, /gave up after \d+ attempts/);
  });
});

describe('a lookup still queued behind the budget when the ticket goes out (real Temporal)', function () {
  this.timeout(300_000);
  let s: Stack;
  before(async () => (s = await startStack({ VIRUSTOTAL_RATE_PER_MINUTE: '6', ENRICHMENT_WAIT: '2s' })));
  after(() => s?.stop());

  it('posts the ticket with VirusTotal pending, then updates the Slack message and comments on the Jira issue', async () => {
    const ips = ['198.18.203.1', '198.18.203.2', '198.18.203.3'];
    const results = await s.triage(ips.map((ip, i) => alertFor(ip, i)));
    assert.ok(results.every((r) => r.report.enrichments.ipReputation?.status === 'ok'), 'in the end every result arrived');
    // Posted with VirusTotal pending: the first version (in the edit history once edited, or still current).
    const late = s.fakes.slack.messages.filter((m) => JSON.stringify([m.blocks, m.edits]).includes('pending:'));
    assert.ok(late.length >= 1, 'at least one ticket went out before its VirusTotal result');
    // The result is in the workflow's state before the activities that pass it on have run: wait for the
    // message edits, then for the Jira comments.
    await until(() => late.every((m) => !JSON.stringify(m.blocks).includes('pending:')));
    for (const message of late) {
      assert.match(JSON.stringify(message.blocks), /clean: 0 malicious/, 'the message was updated with the result');
      assert.doesNotMatch(JSON.stringify(message.blocks), /pending:/);
    }
    const commented = () => s.fakes.jira.issues.filter((i) => JSON.stringify(i.comments ?? []).includes('late-enrichment'));
    await until(() => commented().length >= late.length);
    // Fence: a second comment would have had to be scheduled by the time the runs are idle.
    const runs = results.map((r) => s.t.client.workflow.getHandle(r.workflowId));
    assert.ok(await settled(runs), 'the runs settled');
    assert.equal(commented().length, late.length, 'each late result was added to its Jira issue, once');
    for (const issue of commented()) {
      const lateComments = (issue.comments ?? []).filter((c) => JSON.stringify(c).includes('late-enrichment'));
      assert.equal(lateComments.length, 1, `${issue.key}: commented once`);
    }
  });
});

describe('many alerts for one IP while its lookup waits (real Temporal)', function () {
  this.timeout(300_000);
  let s: Stack;
  before(async () => (s = await startStack({ ENRICHMENT_WAIT: '5s' })));
  after(() => s?.stop());

  it('gives every ticket VirusTotal pending, never unavailable, when more lookups wait on the cache than Temporal lets updates run at once', async () => {
    // Temporal runs at most 10 updates of one workflow at a time (history.maxInFlightUpdates): 14 tickets
    // wait on the same cache run while VirusTotal holds its answer back.
    const ip = '198.18.205.1';
    const virusTotal = s.holdVirusTotal((held) => held === ip);
    const alerts = Array.from({ length: 14 }, (_, i) => alertFor(ip, 500 + i));
    const handles = await Promise.all(
      alerts.map((alert) => s.launch(alert, DEFAULT_POLICY)),
    );
    const posted = await Promise.all(handles.map((h) => waitForTriage(h, (x) => x.delivery !== undefined, { timeoutMs: 120_000 })));
    const statuses = posted.map((r) => r.report.enrichments.ipReputation?.status);
    assert.deepEqual(statuses.filter((st) => st !== 'pending'), [], `VirusTotal on the tickets: ${statuses.join(', ')}`);
    virusTotal.release();
    const done = await Promise.all(handles.map((h) => waitForTriage(h, (x) => x.report?.enrichments.ipReputation?.status === 'ok', { timeoutMs: 120_000 })));
    // Every ticket has the one answer (the cache run's), not one of its own.
    const answers = done.map((r) => JSON.stringify(r.report.enrichments.ipReputation?.status === 'ok' && r.report.enrichments.ipReputation.data));
    assert.deepEqual(new Set(answers).size, 1, answers.join('\n'));
    assert.equal(s.fakes.vt.requests.filter((r) => r.path.endsWith(ip) && r.status === 200).length, 1, 'one VirusTotal call answered them all');
    await Promise.all(handles.map((h) => h.terminate('test done')));
  });
});

describe('rateBudget workflow (real Temporal)', () => {
  let t: TestTemporal;
  let workers: RunningWorkers;
  let deps: ActivityDeps;
  const taskQueue = uniqueTaskQueue('permits');
  before(async () => {
    t = await connectTestTemporal();
    ({ deps } = await depsFor({ TEMPORAL_TASK_QUEUE: taskQueue }, await sampleLogsDir(), t.client));
    workers = await startTestWorkers(t, taskQueue, deps);
  });
  after(async () => {
    await workers?.stop();
    await deps?.siem.close();
    await t?.close();
  });

  /** The budget is per UTC day: a test that would straddle midnight starts just after it instead. */
  async function clearOfMidnight(): Promise<void> {
    const untilMidnight = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now();
    if (untilMidnight < 30_000) await new Promise((r) => setTimeout(r, untilMidnight + 1_000));
  }
  /** How many takePermit Updates the provider's budget workflow has accepted (from its history). */
  async function updatesTo(provider: 'virustotal' | 'abuseipdb' | 'greynoise'): Promise<number> {
    const history = await t.client.workflow.getHandle(budgetWorkflowId(taskQueue, provider)).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  }

  it("a worker's PermitPool asks the budget once per block, also for concurrent callers", async () => {
    await clearOfMidnight();
    const pool = new PermitPool(1000, budgetPermits(t.client, taskQueue, 'virustotal', 1000));
    const answers = await Promise.all(Array.from({ length: 95 }, () => pool.take()));
    assert.ok(answers.every((a) => a.granted));
    assert.equal(await updatesTo('virustotal'), 10, '95 permits in blocks of 10');
    const next = await budgetPermits(t.client, taskQueue, 'virustotal', 1000)(1);
    assert.ok(next.granted && next.used === 101, `the budget counted the 10 whole blocks: ${JSON.stringify(next)}`);
  });

  it("a worker's PermitPool never grants more than the day allows, to concurrent callers", async () => {
    await clearOfMidnight();
    const pool = new PermitPool(12, budgetPermits(t.client, taskQueue, 'abuseipdb', 12));
    const results = await Promise.all(Array.from({ length: 20 }, () => pool.take()));
    assert.equal(results.filter((a) => a.granted).length, 12, "exactly the day's budget, not one more");
    assert.ok(results.filter((a) => !a.granted).every((a) => !a.granted && a.retryAfterMs > 0), 'the others are told when to try again');
  });

  it("a worker's PermitPool drops the rest of its block when its clock passes midnight", async () => {
    await clearOfMidnight();
    let shift = 0;
    const pool = new PermitPool(1000, budgetPermits(t.client, taskQueue, 'greynoise', 1000), () => Date.now() + shift);
    await pool.take();
    await pool.take();
    assert.equal(await updatesTo('greynoise'), 1, 'the second permit came from the block');
    shift = 24 * 3_600_000;
    await pool.take();
    assert.equal(await updatesTo('greynoise'), 2, 'a new day asks the budget again');
  });

  it('grants the daily budget, one permit or a block at a time, then tells callers to wait until 00:00 UTC', async () => {
    const take = (count?: number) =>
      t.client.workflow.executeUpdateWithStart(takePermitUpdate, {
        args: [{ perDay: 5, ...(count ? { count } : {}) }],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof rateBudget>('rateBudget', {
          workflowId: `budget/test-${taskQueue}`,
          taskQueue,
          args: [{ provider: 'virustotal' }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    await clearOfMidnight();
    const day = new Date().toISOString().slice(0, 10);
    assert.deepEqual(await take(), { granted: true, used: 1, perDay: 5, count: 1, day });
    assert.deepEqual(await take(3), { granted: true, used: 4, perDay: 5, count: 3, day }, 'a block of 3');
    assert.deepEqual(await take(3), { granted: true, used: 5, perDay: 5, count: 1, day }, 'only what is left of the day');
    const third = await take();
    assert.equal(third.granted, false);
    if (!third.granted) {
      const now = new Date();
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      assert.ok(Math.abs(Date.now() + third.retryAfterMs - midnight) < 10_000, 'retry at the next UTC midnight');
    }
  });
});

describe('the auto-close rules on late enrichment (real Temporal)', function () {
  this.timeout(300_000);
  let s: Stack;
  // The ticket waits 5 s for VirusTotal (time for a test to signal the run while it enriches), which
  // answers 429 for the alert's IP until the test lets it through.
  before(async () => (s = await startStack({ ENRICHMENT_WAIT: '5s' })));
  after(() => s?.stop());

  it('closes an untouched alert (enforce) or records the shadow verdict once VirusTotal lands clean; an alert an analyst took is left to them', async () => {
    const base = normalizePanther(demoPantherAlerts()[0]!.payload, new Date()); // the user's home IP
    const ip = base.ips[0]!;
    const alertFor = (suffix: string): Alert => ({ ...base, alertId: `${base.alertId.slice(0, 16)}-${suffix}` });
    const [enforced, shadowed, taken] = [alertFor('late-enforce'), alertFor('late-shadow'), alertFor('late-taken')];
    const virusTotal = s.holdVirusTotal((held) => held === ip);
    const enforce: TriagePolicy = { ...DEFAULT_POLICY, autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } };
    const shadow: TriagePolicy = { ...DEFAULT_POLICY, autoClose: { mode: 'shadow', rules: {}, jira: 'skip' } };
    const start = async (alert: Alert, policy: TriagePolicy) => {
      const handle = await s.launch(alert, policy);
      // The ticket is out, with VirusTotal still pending.
      const posted = (x: TriageSnapshot) => x.delivery !== undefined && x.state.status === 'awaiting_analyst';
      return { handle, ticketed: await waitForTriage(handle, posted) };
    };
    const runs = await Promise.all([start(enforced, enforce), start(shadowed, shadow), start(taken, enforce)]);
    for (const { ticketed } of runs) {
      assert.equal(ticketed.state.status, 'awaiting_analyst', 'ticketed: the rule could not decide without VirusTotal');
      assert.equal(ticketed.report.enrichments.ipReputation?.status, 'pending');
      assert.equal(ticketed.state.shadow, undefined);
    }
    const [e, sh, t] = runs.map((r) => r.handle);
    await t!.executeUpdate(analystActionUpdate, { args: [{ kind: 'assign', by: { kind: 'analyst', id: 'U0ANALYST1', name: 'ana' } }] });
    virusTotal.release(); // VirusTotal answers (clean) at its next retry

    const closed = await waitForTriage(e!, (x) => x.state.status === 'auto_closed', { timeoutMs: 60_000 });
    assert.equal(closed.report.enrichments.ipReputation?.status, 'ok');
    assert.equal(closed.state.autoClosed?.ruleId, 'known-location');
    assert.equal(closed.state.closedBy?.kind, 'automation');
    const message = () => s.ticketMessage(enforced)!;
    assert.ok(
      await until(() => /Auto-closed/.test(JSON.stringify(message().blocks)) && s.fakes.slack.replies(message().ts).some((r) => /Auto-closed as benign/.test(r.text))),
      'the ticket says auto-closed, with the reason in its thread',
    );
    assert.doesNotMatch(JSON.stringify(message().blocks), /autotriage_actions/, 'no buttons once auto-closed');
    assert.ok(await until(async () => (await e!.describe()).typedSearchAttributes.get(SA.AutoCloseRule) === 'known-location@3'), 'AutoCloseRule names the rule');
    assert.ok(await until(() => s.fakes.jira.issues.some((i) => i.fields.labels.some((l) => l.includes(enforced.alertId)) && i.status === 'Done')), 'its Jira issue is closed');

    const recorded = await waitForTriage(sh!, (x) => x.report?.enrichments.ipReputation?.status === 'ok' && x.state.shadow !== undefined, { timeoutMs: 60_000 });
    assert.equal(recorded.state.status, 'awaiting_analyst', 'shadow only records');
    assert.equal(recorded.state.shadow?.ruleId, 'known-location');
    const shadowMessage = () => s.ticketMessage(shadowed)!;
    assert.ok(await until(() => /Auto-close \(shadow\): would close as benign/.test(JSON.stringify(shadowMessage().blocks))), 'the ticket says what the rule would have done');

    await waitForTriage(t!, (x) => x.report?.enrichments.ipReputation?.status === 'ok', { timeoutMs: 60_000 });
    assert.ok(await settled([t!]), 'the run settled: a rule that would still close it had its chance');
    const left = await waitForTriage(t!);
    assert.equal(left.state.status, 'awaiting_analyst', 'the analyst who took it decides');
    assert.equal(left.state.autoClosed, undefined);
    assert.equal(left.state.shadow, undefined);
    await Promise.all([sh!, t!].map((h) => h.terminate('test done')));
  });

  it('follows a lookup still queued when a signal closed the alert before its ticket, once the alert fires again', async () => {
    const base = normalizePanther(demoPantherAlerts()[1]!.payload, new Date());
    const ip = '203.0.113.91';
    const alert: Alert = { ...base, alertId: `${base.alertId.slice(0, 16)}-signal-refire`, ips: [ip] };
    const virusTotal = s.holdVirusTotal((held) => held === ip);
    const handle = await s.launch(alert, { ...DEFAULT_POLICY, reopenWindowMs: 60_000 });
    await waitForTriage(handle, (x) => x.state.status === 'enriching');
    await handle.signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    const closed = await waitForTriage(handle, (x) => x.state.status === 'auto_closed' && x.delivery !== undefined);
    assert.equal(closed.delivery.kind, 'none', 'closed before any ticket');
    assert.equal(closed.report.enrichments.ipReputation?.status, 'pending');
    await handle.signal(alertRefiredSignal, { at: new Date().toISOString() });
    await waitForTriage(handle, (x) => x.delivery?.kind === 'slack');
    virusTotal.release();
    const done = await waitForTriage(handle, (x) => x.report?.enrichments.ipReputation?.status === 'ok', { timeoutMs: 60_000 });
    assert.equal(done.state.status, 'awaiting_analyst');
    const message = () => s.ticketMessage(alert)!;
    assert.ok(await until(() => !JSON.stringify(message().blocks).includes('pending:')), 'the reopened ticket shows the result');
    await handle.terminate('test done');
  });

  it('reopening an alert whose ticket Slack refused, a lookup still queued, starts no second watcher: the result is commented on Jira once', async () => {
    const base = normalizePanther(demoPantherAlerts()[1]!.payload, new Date());
    const ip = '203.0.113.92';
    const alert: Alert = { ...base, alertId: `${base.alertId.slice(0, 16)}-refused-refire`, ips: [ip] };
    const virusTotal = s.holdVirusTotal((held) => held === ip);
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const handle = await s.launch(alert, { ...DEFAULT_POLICY, reopenWindowMs: 60_000 });
    // The ticket goes out with VirusTotal pending (its watcher starts), and Slack refuses it.
    const refused = await waitForTriage(handle, (x) => x.state.status === 'delivery_failed' && x.jira?.status === 'ok', { timeoutMs: 60_000 });
    assert.equal(refused.report.enrichments.ipReputation?.status, 'pending');
    await handle.signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    await waitForTriage(handle, (x) => x.state.status === 'auto_closed');
    await handle.signal(alertRefiredSignal, { at: new Date().toISOString() });
    await waitForTriage(handle, (x) => x.delivery?.kind === 'slack');
    virusTotal.release();
    await waitForTriage(handle, (x) => x.report?.enrichments.ipReputation?.status === 'ok', { timeoutMs: 60_000 });
    const key = refused.jira.status === 'ok' ? refused.jira.data.key : 'none';
    const issue = () => s.fakes.jira.issues.find((i) => i.key === key);
    assert.ok(await until(() => JSON.stringify(issue()?.comments ?? []).includes('late-enrichment')), 'the result is commented on the Jira issue');
    assert.ok(await settled([handle]), 'the run settled');
    const history = await handle.fetchHistory();
    const watchers = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'awaitReputation');
    assert.equal(watchers.length, 1, 'one awaitReputation for the one queued lookup');
    assert.equal((issue()?.comments ?? []).filter((c) => JSON.stringify(c).includes('late-enrichment')).length, 1, 'commented once');
    await handle.terminate('test done');
  });
});

describe('an autoClose signal while the alert enriches, in shadow mode (real Temporal)', function () {
  this.timeout(300_000);
  let s: Stack;
  before(async () => (s = await startStack({ ENRICHMENT_WAIT: '5s' })));
  after(() => s?.stop());

  it("closes by the signal and keeps the shadow rule's verdict on record beside it, for the report", async () => {
    const base = normalizePanther(demoPantherAlerts()[0]!.payload, new Date()); // the user's home IP: known-location matches
    const ip = base.ips[0]!;
    const alert: Alert = { ...base, alertId: `${base.alertId.slice(0, 16)}-signal-shadow` };
    const virusTotal = s.holdVirusTotal((held) => held === ip);
    const handle = await s.launch(alert, DEFAULT_POLICY);
    await waitForTriage(handle, (x) => x.state.status === 'enriching');
    await handle.signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    virusTotal.release();
    const closed = await waitForTriage(handle, (x) => x.state.status === 'auto_closed' && x.delivery !== undefined);
    assert.equal(closed.report.enrichments.ipReputation?.status, 'ok', 'VirusTotal answered before the decision');
    assert.equal(closed.state.autoClosed?.ruleId, 'pentest-allowlist');
    assert.equal(closed.state.shadow?.ruleId, 'known-location', 'the shadow verdict is on the record');
    const memo = (await handle.describe()).memo?.['triage'] as { shadow?: { ruleId: string }; autoClosed?: { ruleId: string } } | undefined;
    assert.equal(memo?.shadow?.ruleId, 'known-location', 'and in the memo the report reads');
    assert.equal(memo?.autoClosed?.ruleId, 'pentest-allowlist');
    await handle.terminate('test done');
  });
});

describe('a second opinion still queued behind its budget (real Temporal)', function () {
  this.timeout(300_000);
  const abuse = new AbuseIpdbFake({ apiKey: 'abuseipdb-test-key-0123456789' });
  let s: Stack;
  before(async () => {
    await abuse.start();
    s = await startStack({ ENRICHMENT_WAIT: '3s', ABUSEIPDB_API_KEY: abuse.apiKey, ABUSEIPDB_BASE_URL: abuse.apiBaseUrl });
  });
  after(async () => {
    await s?.stop();
    await abuse.stop();
  });

  it('updates the ticket with each late lookup as it lands: VirusTotal is not held back by a second opinion still queued', async () => {
    const base = normalizePanther(demoPantherAlerts()[1]!.payload, new Date());
    const alert: Alert = { ...base, alertId: `${base.alertId.slice(0, 16)}-one-by-one` };
    const ip = alert.ips[0]!;
    const virusTotal = s.holdVirusTotal((held) => held === ip);
    let abuseHeld = true;
    abuse.injectFaults(...Array.from({ length: 300 }, () => ({ status: 429, headers: { 'Retry-After': '1' }, match: (r: FakeRequest) => abuseHeld && r.query['ipAddress'] === ip })));
    try {
      const handle = await s.launch(alert);
      const ticketed = await waitForTriage(handle, (x) => x.delivery !== undefined && x.state.status === 'awaiting_analyst');
      assert.equal(ticketed.report.enrichments.ipReputation?.status, 'pending');
      assert.equal(ticketed.report.enrichments.abuseIpdb?.status, 'pending');
      assert.equal(JSON.stringify(s.ticketMessage(alert)!.blocks).split('pending:').length - 1, 2, 'the ticket went out with both pending');
      virusTotal.release();
      const first = await waitForTriage(handle, (x) => x.report?.enrichments.ipReputation?.status === 'ok', { timeoutMs: 60_000 });
      assert.equal(first.report.enrichments.abuseIpdb?.status, 'pending', 'AbuseIPDB is still queued');
      const pendingInTicket = () => JSON.stringify(s.ticketMessage(alert)!.blocks).split('pending:').length - 1;
      assert.ok(await until(() => pendingInTicket() === 1), `the Slack ticket shows VirusTotal's answer, AbuseIPDB still pending (${pendingInTicket()} pending)`);
      abuseHeld = false;
      await waitForTriage(handle, (x) => x.report?.enrichments.abuseIpdb?.status === 'ok', { timeoutMs: 60_000 });
      await handle.terminate('test done');
    } finally {
      virusTotal.release();
      abuseHeld = false;
    }
  });

  it('enforce: known-location does not close while AbuseIPDB is pending, and leaves the alert open when it lands with a bad score', async () => {
    const base = normalizePanther(demoPantherAlerts()[0]!.payload, new Date()); // the user's home IP, clean on VirusTotal
    const alert: Alert = { ...base, alertId: `${base.alertId.slice(0, 16)}-abuse-pending` };
    const ip = alert.ips[0]!;
    let held = true;
    abuse.injectFaults(...Array.from({ length: 300 }, () => ({ status: 429, headers: { 'Retry-After': '1' }, match: (r: FakeRequest) => held && r.query['ipAddress'] === ip })));
    const enforce: TriagePolicy = { ...DEFAULT_POLICY, autoClose: { mode: 'enforce', rules: {}, jira: 'skip' } };
    const handle = await s.launch(alert, enforce);
    const ticketed = await waitForTriage(handle, (x) => x.delivery !== undefined && x.state.status !== 'enriching' && x.state.status !== 'delivering');
    assert.equal(ticketed.report.enrichments.ipReputation?.status, 'ok', 'VirusTotal answered');
    assert.equal(ticketed.report.enrichments.abuseIpdb?.status, 'pending', 'AbuseIPDB is queued');
    assert.equal(ticketed.state.status, 'awaiting_analyst', 'ticketed, not auto-closed, while the second opinion is pending');
    assert.ok(s.ticketMessage(alert), 'the ticket is in the main channel');

    abuse.setIp(ip, { abuseConfidenceScore: 90, totalReports: 40 });
    held = false;
    // The rules look again in the same workflow task that takes the answer: the query sees both.
    await waitForTriage(handle, (x) => x.report?.enrichments.abuseIpdb?.status === 'ok', { timeoutMs: 60_000 });
    assert.ok(await settled([handle]), 'the run settled after the answer');
    const landed = await waitForTriage(handle);
    assert.equal(landed.report.enrichments.abuseIpdb?.status === 'ok' && landed.report.enrichments.abuseIpdb.data.abuseConfidenceScore, 90);
    assert.equal(landed.state.status, 'awaiting_analyst', 'AbuseIPDB scores it 90: left to the analysts');
    assert.equal(landed.state.autoClosed, undefined);
    await handle.terminate('test done');
  });
});
