/**
 * The backfill's resume checkpoint on the real dev server: starts that fail the ways Temporal fails them —
 * unreachable (a network outage between the CLI and the server) and refusing (a namespace without the
 * search attributes) — stay out of the checkpoint, so the next run starts exactly those lines, each once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection, WorkflowNotFoundError, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { runBackfill, type BackfillSummary } from '../../src/cli/backfill/run';
import { parseConfig } from '../../src/config/config';
import { alertWorkflowId } from '../../src/domain/alert';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { ensureSearchAttributes } from '../../src/temporal/connection';
import { tempDir } from '../helpers/sample-logs';
import { tcpSwitch } from '../helpers/tcp-switch';
import { connectTestTemporal, testAddress, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';
import { startStack } from '../helpers/worker-stack';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Collects what the backfill prints (its progress and the reasons for rejected lines). */
function printed(): NodeJS.WritableStream & { text: string } {
  const out = { text: '', write: (chunk: string) => ((out.text += chunk), true) };
  return out as unknown as NodeJS.WritableStream & { text: string };
}
const quiet = printed();

/** A file of `lines` (alert numbers, or raw text for a malformed line); ids unique to this run of the tests. */
function alertsFile(lines: Array<number | string>): { file: string; idOf: (n: number) => string } {
  const prefix = randomBytes(4).toString('hex');
  const idOf = (n: number) => `bf-${prefix}-${String(n).padStart(3, '0')}`;
  const file = path.join(tempDir('backfill-resume'), 'alerts.jsonl');
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify({ ...demoPantherAlerts()[0]!.payload, alertId: idOf(l) })));
  fs.writeFileSync(file, `${text.join('\n')}\n`);
  return { file, idOf };
}

const checkpointOf = (file: string) => (JSON.parse(fs.readFileSync(`${file}.backfill-checkpoint.json`, 'utf8')) as { linesDone: number }).linesDone;

async function exists(client: Client, alertId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(alertWorkflowId({ source: 'panther', alertId })).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('backfill resume (real Temporal, real outages)', function () {
  this.timeout(180_000);
  let t: TestTemporal;
  let client: Client;
  let connection: Connection;
  before(async () => {
    t = await connectTestTemporal();
    ({ client, connection } = t);
  });
  after(() => t?.close());

  /** One backfill run of `file`, as the CLI runs it, on `via` (a client on the server or through a switch). */
  function backfill(file: string, via: Client, env: Record<string, string> = {}, rate = 1000, out = quiet): Promise<BackfillSummary> {
    const config = parseConfig({ DATA_DIR: path.dirname(file), TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE ?? uniqueTaskQueue('no-worker'), ...env });
    return runBackfill({ file, rate, dryRun: false, restart: false }, { config, client: via, out });
  }

  it('leaves the starts an outage failed out of the checkpoint; the next run starts exactly those, each once', async () => {
    const N = 120;
    const { file, idOf } = alertsFile(range(1, N));
    const net = await tcpSwitch(testAddress());
    const through = await Connection.connect({ address: net.address });
    try {
      // 20 starts a second; once alert 20 is started, the network goes down for longer than a start waits (5 s).
      const outage = (async () => {
        const sawAlert20 = await until(() => exists(client, idOf(20)), 30_000, 20);
        net.down();
        await new Promise((r) => setTimeout(r, 6_500));
        net.up();
        return sawAlert20;
      })();
      const first = await backfill(file, new Client({ connection: through }), {}, 20);
      assert.ok(await outage, 'alert 20 started before the outage');
      assert.ok(first.rejected > 0, 'some starts failed during the outage');
      assert.equal(first.started + first.rejected, N);
      const checkpoint = checkpointOf(file);
      assert.ok(checkpoint > 0 && checkpoint < N, `the checkpoint (${checkpoint}) stops inside the file`);
      const present = await Promise.all(range(1, N).map((n) => exists(client, idOf(n))));
      assert.ok(present.slice(0, checkpoint).every(Boolean), 'every line the checkpoint covers was started');
      const missing = present.filter((p) => !p).length;
      assert.ok(missing > 0, 'the outage left alerts not started');

      // The operator runs it again once Temporal is back (a new process: a new connection).
      const second = await backfill(file, client);
      assert.deepEqual(
        { skipped: second.skipped, started: second.started, duplicate: second.duplicate, rejected: second.rejected },
        { skipped: checkpoint, started: missing, duplicate: N - checkpoint - missing, rejected: 0 },
        'lines the checkpoint covers skipped, the missing ones started, the ones started before counted duplicate',
      );
      assert.equal(checkpointOf(file), N);
      assert.ok((await Promise.all(range(1, N).map((n) => exists(client, idOf(n))))).every(Boolean), 'every alert has its triage now');

      const third = await backfill(file, client);
      assert.deepEqual([third.skipped, third.started, third.duplicate], [N, 0, 0], 'all done: a third run skips everything');
    } finally {
      await through.close();
      await net.close();
    }
  });

  it('keeps starts Temporal refused (a namespace without the search attributes) out of the checkpoint: the run after the fix starts them', async () => {
    const namespace = `backfill-${randomBytes(3).toString('hex')}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const inNamespace = new Client({ connection, namespace });
    // A new namespace reaches the frontend's cache within seconds.
    assert.ok(await until(async () => (await connection.workflowService.describeNamespace({ namespace }).then(() => true, () => false)), 30_000));
    const { file, idOf } = alertsFile([1, 2, 3]);
    const env = { TEMPORAL_NAMESPACE: namespace };

    const out = printed();
    const first = await backfill(file, inNamespace, env, 1000, out);
    assert.deepEqual([first.started, first.rejected, checkpointOf(file)], [0, 3, 0], 'all three refused, none checkpointed');
    assert.match(out.text, /rejected: line 1 \(alert [^)]+\): Temporal did not start it: .*(INVALID_ARGUMENT.*TriageStatus|TriageStatus.*INVALID_ARGUMENT|search attribute)/i, out.text);
    assert.match(out.text, /run the backfill again: it resumes here/);

    await ensureSearchAttributes(connection, namespace); // the operator's fix
    assert.ok(
      await until(async () => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes?.TriageStatus !== undefined, 30_000),
    );
    // The frontend may take a moment to see the new attributes: a run that still meets the refusal leaves them for the next.
    let startedAfterFix = 0;
    const clean = await until(async () => {
      const run = await backfill(file, inNamespace, env);
      startedAfterFix += run.started;
      return run.rejected === 0;
    }, 60_000, 2_000);
    assert.ok(clean, 'a run after the fix starts them');
    assert.equal(startedAfterFix, 3, 'each of the three started once, over the runs after the fix');
    assert.equal(checkpointOf(file), 3);
    for (const n of [1, 2, 3]) assert.ok(await exists(inNamespace, idOf(n)), `alert ${n} has its triage`);
  });

  it('reports an invalid line on every run until it is fixed (even to the same size), then starts it', async () => {
    const { file, idOf } = alertsFile([1, 2, 3]);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const valid = lines[1]!;
    // A quoting typo: the same bytes but one, not JSON.
    fs.writeFileSync(file, [lines[0], valid.replace('"alertId"', "'alertId'"), ...lines.slice(2)].join('\n'));
    const first = await backfill(file, client);
    assert.deepEqual([first.started, first.rejected, checkpointOf(file)], [2, 1, 1], 'the checkpoint stops before the bad line');
    const second = await backfill(file, client);
    assert.deepEqual([second.skipped, second.started, second.duplicate, second.rejected], [1, 0, 1, 1], 'still reported, not skipped');
    fs.writeFileSync(file, [lines[0], valid, ...lines.slice(2)].join('\n'));
    const fixed = await backfill(file, client);
    // The edit resets the checkpoint: the fixed line is started, the others found started before.
    assert.deepEqual([fixed.skipped, fixed.started, fixed.duplicate, fixed.rejected, checkpointOf(file)], [0, 1, 2, 0, 3]);
    assert.ok(await exists(client, idOf(2)));
  });

  it('honours a checkpoint written by the release before (no modification time in it) while the size matches', async () => {
    const { file } = alertsFile([1, 2, 3]);
    const first = await backfill(file, client);
    assert.deepEqual([first.started, checkpointOf(file)], [3, 3]);
    const cp = `${file}.backfill-checkpoint.json`;
    const { mtimeMs: _dropped, ...older } = JSON.parse(fs.readFileSync(cp, 'utf8')) as { mtimeMs?: number };
    fs.writeFileSync(cp, JSON.stringify(older));
    const second = await backfill(file, client);
    assert.deepEqual([second.skipped, second.started, second.duplicate], [3, 0, 0]);
  });

  it('resets the checkpoint when a line it covers is edited to the same size', async () => {
    const { file, idOf } = alertsFile([1, 2, 3]);
    const first = await backfill(file, client);
    assert.deepEqual([first.started, checkpointOf(file)], [3, 3]);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(idOf(2), idOf(4)));
    const second = await backfill(file, client);
    assert.deepEqual([second.skipped, second.started, second.duplicate], [0, 1, 2], 'the edited line is tried, the others found started');
    assert.ok(await exists(client, idOf(4)));
  });

  it('names the file version it read in the checkpoint: a file replaced during the run is checked again in full by the next', async () => {
    const { file, idOf } = alertsFile(range(1, 20));
    // Its own alerts, and one more of them (a file written in the same millisecond at the same size would
    // look the same as the old one to any checkpoint).
    const replacement = alertsFile(range(1, 21));
    // The exporter writes a new file and renames it over the old one while the backfill reads the old one
    // (10 starts a second: two seconds of run, the rename once its second alert has started).
    const during = printed();
    const run = backfill(file, client, {}, 10, during);
    assert.ok(await until(() => exists(client, idOf(2)), 30_000, 20));
    fs.renameSync(replacement.file, file);
    const first = await run;
    assert.equal(first.started, 20, 'the run finished the version it opened');
    assert.match(during.text, /changed while it was read/, 'the file was replaced during the run');
    const second = await backfill(file, client, {}, 1000);
    assert.deepEqual([second.skipped, second.started], [0, 21], "the new file's alerts are started, not skipped as already done");
    for (const n of [1, 21]) assert.ok(await exists(client, replacement.idOf(n)));

    const changing = alertsFile(range(1, 20));
    const note = printed();
    const run2 = backfill(changing.file, client, {}, 10, note);
    assert.ok(await until(() => exists(client, changing.idOf(2)), 30_000, 20));
    fs.appendFileSync(changing.file, '\n');
    await run2;
    assert.match(note.text, /changed while it was read: the next run checks every line again/);
  });

  it('Ctrl-C stops reading, lets the starts in flight land and keeps the checkpoint; the next run starts the rest, each once', async () => {
    const { file, idOf } = alertsFile(range(1, 40));
    const stop = new AbortController();
    const config = parseConfig({ DATA_DIR: path.dirname(file), TEMPORAL_TASK_QUEUE: uniqueTaskQueue('interrupted') });
    const out = printed();
    // 10 starts a second: four seconds of run, stopped once its third alert has started.
    const run = runBackfill({ file, rate: 10, dryRun: false, restart: false }, { config, client, out, signal: stop.signal });
    assert.ok(await until(() => exists(client, idOf(3)), 30_000, 20));
    stop.abort();
    const first = await run;
    assert.equal(first.stopped?.reason, 'interrupted');
    assert.ok(first.started >= 3 && first.started < 40, `stopped part-way: ${first.started} started`);
    assert.equal(checkpointOf(file), first.started, 'every line started is in the checkpoint');
    assert.match(out.text, /stopped by Ctrl-C: run the same command again to carry on from the checkpoint/);
    const second = await backfill(file, client, { TEMPORAL_TASK_QUEUE: config.temporal.taskQueue });
    assert.deepEqual([second.skipped, second.started, second.duplicate], [first.started, 40 - first.started, 0]);
    assert.ok(await exists(client, idOf(40)));

    // Interrupted while it skips what the checkpoint covers: the checkpoint never moves back.
    const stopAtOnce = new AbortController();
    stopAtOnce.abort();
    const third = await runBackfill({ file, rate: 1000, dryRun: false, restart: false }, { config, client, out: quiet, signal: stopAtOnce.signal });
    assert.equal(third.stopped?.reason, 'interrupted');
    assert.equal(checkpointOf(file), 40);
  });

  it('Ctrl-C during a dry run cancels its waits for triages that are not finishing, and says which tickets are missing', async () => {
    const { file } = alertsFile(range(1, 40));
    // No worker on this queue: the dry-run triages never finish, so every wait is cut short by the Ctrl-C.
    const taskQueue = uniqueTaskQueue('dry-interrupted');
    const config = parseConfig({ DATA_DIR: path.dirname(file), TEMPORAL_TASK_QUEUE: taskQueue });
    const stop = new AbortController();
    const out = printed();
    // 5 a second: the Ctrl-C comes part-way even when the visibility count lags behind the starts.
    const run = runBackfill({ file, rate: 5, dryRun: true, restart: false, out: path.join(path.dirname(file), 'dry.jsonl') }, { config, client, out, signal: stop.signal });
    assert.ok(await until(async () => (await client.workflow.count(`TaskQueue = '${taskQueue}'`)).count >= 3, 30_000, 50));
    stop.abort();
    const summary = await run;
    assert.equal(summary.stopped?.reason, 'interrupted');
    assert.ok(summary.started >= 3 && summary.started < 40, `stopped part-way: ${summary.started} started`);
    assert.equal(summary.dryRunFailed, summary.started, 'no ticket was written: none of the triages finished');
    assert.match(out.text, new RegExp(`stopped by Ctrl-C; ${summary.started} dry-run ticket\\(s\\) were not awaited and are missing from the file`));
    for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
      await client.workflow.getHandle(w.workflowId).terminate('test done');
    }
  });

  it('lists 20 problems one by one and counts the rest', async () => {
    const { file } = alertsFile([1, ...Array.from({ length: 25 }, () => 'not json')]);
    const out = printed();
    const summary = await backfill(file, client, {}, 1000, out);
    assert.equal(summary.rejected, 25);
    assert.equal(out.text.match(/^ {2}rejected: line \d+/gm)?.length, 20);
    assert.match(out.text, /^ {2}… and 5 more$/m);
  });

  it('a dry run waits on at most 64 triages at once (one long poll each), starting more as they finish', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => i + 1);
    const { file } = alertsFile(lines);
    // No worker on this queue: the dry-run triages never finish on their own. The test ends them (terminated:
    // each a failed dry run) while it counts how many are running at once.
    const taskQueue = uniqueTaskQueue('dry-no-worker');
    const config = parseConfig({ DATA_DIR: path.dirname(file), TEMPORAL_TASK_QUEUE: taskQueue });
    const out = path.join(path.dirname(file), 'dry.jsonl');
    // The backfill's own connection counts its result long polls (GetWorkflowExecutionHistory) in flight.
    let polls = 0;
    let peak = 0;
    const countPolls: Interceptor = (options, nextCall) => {
      if (!options.method_definition.path.endsWith('/GetWorkflowExecutionHistory')) return new InterceptingCall(nextCall(options));
      return new InterceptingCall(nextCall(options), {
        start(metadata, _listener, next) {
          peak = Math.max(peak, ++polls);
          next(metadata, {
            onReceiveStatus: (st, nextStatus) => {
              polls--;
              nextStatus(st);
            },
          });
        },
      });
    };
    // After the SDK's own retry interceptor (replaced when interceptors are given): each retry counts in turn.
    const connection = await Connection.connect({ address: testAddress(), interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), countPolls] });
    let finished = false;
    try {
      const counted = new Client({ connection });
      const run = runBackfill({ file, rate: 1000, dryRun: true, restart: false, out }, { config, client: counted, out: quiet }).finally(() => (finished = true));
      while (!finished) {
        const running: string[] = [];
        for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) running.push(w.workflowId);
        // Let the backfill fill its slots before the next round.
        await new Promise((r) => setTimeout(r, running.length > 0 ? 300 : 100));
        await Promise.all(running.map((id) => client.workflow.getHandle(id).terminate('test: a dry run that never finishes').catch(() => undefined)));
      }
      const summary = await run;
      console.log(`      peak ${peak} result long polls in flight at once`);
      assert.deepEqual([summary.started, summary.dryRunFailed], [300, 300], 'every line started, each dry run reported');
      assert.ok(peak <= 64, `at most 64 dry runs awaited at once: peak ${peak}`);
      assert.ok(peak >= 32, `many awaited at once, not one after another: peak ${peak}`);
    } finally {
      await connection.close();
    }
  });

  it('a dry run tries every line of a file a real run already finished, writes no ticket to Slack, and leaves the checkpoint alone', async () => {
    const s = await startStack();
    try {
      // Alert 2 twice, as a webhook capture holds a resent alert.
      const { file } = alertsFile([1, 2, 3, 2]);
      const env = { ...s.fakes.env, TEMPORAL_TASK_QUEUE: s.taskQueue };
      const real = await backfill(file, s.t.client, env);
      assert.deepEqual([real.started, real.duplicate, checkpointOf(file)], [3, 1, 4]);
      const checkpointBefore = fs.readFileSync(`${file}.backfill-checkpoint.json`, 'utf8');
      assert.ok(await until(async () => s.fakes.slack.messages.length === 3, 60_000), 'the real run ticketed the three alerts');

      const out = path.join(path.dirname(file), 'out', 'tickets.jsonl');
      const config = parseConfig({ DATA_DIR: path.dirname(file), ...env });
      const dry = await runBackfill({ file, rate: 1000, dryRun: true, restart: false, out }, { config, client: s.t.client, out: quiet });
      assert.deepEqual([dry.skipped, dry.started, dry.duplicate, dry.dryRunFailed], [0, 3, 1, 0], 'every line was tried, none skipped as already done');
      assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 3, 'three tickets in the file (its folder created), the resent alert once');
      assert.equal(s.fakes.slack.messages.length, 3, 'nothing more posted to Slack');
      assert.equal(fs.readFileSync(`${file}.backfill-checkpoint.json`, 'utf8'), checkpointBefore, "the real run's checkpoint is untouched");
    } finally {
      await s.stop();
    }
  });
});
