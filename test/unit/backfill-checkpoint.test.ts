/**
 * The backfill's resume checkpoint (src/cli/backfill-checkpoint.ts, used by src/cli/backfill.ts): it
 * covers only the lines whose start finished, so a start that failed (Temporal restarting) or was still
 * in flight is tried again by the next run, never skipped as "already done".
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TemporalUnavailableError, type AlertStarter, type StartOutcome } from '../../src/api/alert-starter';
import { runBackfill, type BackfillSummary } from '../../src/cli/backfill';
import { CheckpointTracker, type LineOutcome } from '../../src/cli/backfill-checkpoint';
import { parseConfig } from '../../src/config/config';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { tempDir } from '../helpers/sample-logs';

/** A fixed shuffle (no Math.random: the test repeats). */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Settles the lines in the given order; returns the checkpoints handed back for writing. */
function settleAll(tracker: CheckpointTracker, outcomes: [number, LineOutcome][]): number[] {
  return outcomes.map(([line, outcome]) => tracker.settle(line, outcome)).filter((w): w is number => w !== undefined);
}

describe('backfill checkpoint', () => {
  describe('CheckpointTracker', () => {
    it('covers every line of a run in which all starts finished, and asks for a write every 50 lines', () => {
      const tracker = new CheckpointTracker(50);
      const writes = settleAll(tracker, range(1, 120).map((l) => [l, 'done']));
      assert.deepEqual(writes, [50, 100]);
      assert.equal(tracker.linesDone, 120);
    });

    it('does not cover a line still in flight, even when later lines finished first', () => {
      const tracker = new CheckpointTracker(1);
      assert.deepEqual(settleAll(tracker, [[2, 'done'], [3, 'done']]), [], 'line 1 is still in flight');
      assert.equal(tracker.linesDone, 0);
      assert.deepEqual(settleAll(tracker, [[1, 'done']]), [3], 'line 1 finished: 1-3 covered at once');
      assert.equal(tracker.linesDone, 3);
    });

    it('stops before the first failed line, whatever order the starts finish in', () => {
      const tracker = new CheckpointTracker(50);
      const failed = new Set(range(60, 89));
      const outcomes = shuffled(range(1, 200)).map((l): [number, LineOutcome] => [l, failed.has(l) ? 'failed' : 'done']);
      const writes = settleAll(tracker, outcomes);
      assert.equal(tracker.linesDone, 59);
      assert.ok(writes.every((w) => w < 60), `no checkpoint written over a failed line: ${writes.join(', ')}`);
    });
  });

  describe('runBackfill, against a stand-in for Temporal', () => {
    const ALERTS = 200;
    const FAILING = new Set(range(60, 89)); // 30 starts rejected while Temporal restarts

    /** A Temporal stand-in: remembers what it started, rejects the given lines' alerts, answers out of order. */
    function fakeStarter(fail: (alert: Alert) => boolean | Error, started: Set<string>, attempts: string[]): AlertStarter {
      return {
        async start(alert): Promise<StartOutcome> {
          attempts.push(alert.alertId);
          await new Promise((r) => setTimeout(r, (alert.alertId.charCodeAt(alert.alertId.length - 1) % 7) * 2));
          const failure = fail(alert);
          if (failure instanceof Error) throw failure;
          if (failure) throw new TemporalUnavailableError('Temporal unreachable: connection refused');
          const workflowId = alertWorkflowId(alert);
          if (started.has(workflowId)) return { workflowId, status: 'duplicate' };
          started.add(workflowId);
          return { workflowId, status: 'started' };
        },
        ready: async () => true,
      };
    }

    const idOf = (line: number) => `alert-${String(line).padStart(3, '0')}`;
    const alertLine = (line: number) => JSON.stringify({ ...demoPantherAlerts()[0]!.payload, alertId: idOf(line) });

    /** Runs the backfill of `file` against the stand-in; returns its summary, the alerts it tried and the checkpoint it left. */
    async function backfillWith(file: string, started: Set<string>, fail: (a: Alert) => boolean | Error): Promise<{ summary: BackfillSummary; attempts: string[]; checkpoint: number }> {
      const attempts: string[] = [];
      const summary = await runBackfill(
        { file, rate: 1000, dryRun: false, restart: false },
        {
          config: parseConfig({ DATA_DIR: path.dirname(file) }),
          client: undefined as unknown as Client, // never used: the starter stands in for Temporal
          out: { write: () => true } as unknown as NodeJS.WritableStream,
          starter: fakeStarter(fail, started, attempts),
        },
      );
      const checkpoint = (JSON.parse(fs.readFileSync(`${file}.backfill-checkpoint.json`, 'utf8')) as { linesDone: number }).linesDone;
      return { summary, attempts, checkpoint };
    }

    it('leaves the failed lines out of the checkpoint, and a second run starts exactly those', async () => {
      const file = path.join(tempDir('backfill-checkpoint'), 'alerts.jsonl');
      fs.writeFileSync(file, `${range(1, ALERTS).map(alertLine).join('\n')}\n`);
      const failingIds = new Set([...FAILING].map(idOf));
      const started = new Set<string>();
      const run = (fail: (a: Alert) => boolean) => backfillWith(file, started, fail);

      const first = await run((a) => failingIds.has(a.alertId));
      assert.deepEqual(
        [first.summary.started, first.summary.rejected, first.summary.skipped],
        [ALERTS - FAILING.size, FAILING.size, 0],
      );
      assert.equal(first.checkpoint, 59, 'the checkpoint ends before the first failed line');

      const startedBefore = new Set(started);
      const second = await run(() => false);
      const newlyStarted = [...started].filter((id) => !startedBefore.has(id)).map((id) => id.split('/').pop());
      assert.deepEqual(newlyStarted.sort(), [...failingIds].sort(), 'the second run started exactly the alerts whose start failed');
      assert.equal(second.summary.started, FAILING.size);
      assert.deepEqual(
        [second.summary.skipped, second.summary.duplicate, second.summary.rejected],
        [59, ALERTS - 59 - FAILING.size, 0],
        'lines before the checkpoint skipped, the ones started before counted duplicate',
      );
      assert.ok(second.attempts.every((id) => !range(1, 59).map(idOf).includes(id)), 'nothing before the checkpoint was tried again');
      assert.equal(second.checkpoint, ALERTS);

      const third = await run(() => false);
      assert.deepEqual([third.summary.skipped, third.summary.started, third.attempts.length], [ALERTS, 0, 0], 'all done: a third run skips everything');
    });

    it('keeps a start Temporal refused (not an outage) out of the checkpoint: the run after the fix starts it', async () => {
      // A namespace without the search attributes refuses every start with INVALID_ARGUMENT until an operator
      // registers them; the lines it refused must not be skipped for good.
      const file = path.join(tempDir('backfill-refused'), 'alerts.jsonl');
      fs.writeFileSync(file, `${[1, 2, 3].map(alertLine).join('\n')}\n`);
      const started = new Set<string>();
      const refused = new Error('3 INVALID_ARGUMENT: search attribute TriageStatus is not defined');
      const first = await backfillWith(file, started, (a) => (a.alertId === idOf(2) ? refused : false));
      assert.deepEqual([first.summary.started, first.summary.rejected, first.checkpoint], [2, 1, 1]);
      const second = await backfillWith(file, started, () => false);
      assert.deepEqual([second.summary.skipped, second.summary.started, second.summary.duplicate, second.checkpoint], [1, 1, 1, 3]);
      assert.ok(started.has(alertWorkflowId({ source: 'panther', alertId: idOf(2) })), 'the refused alert was started once the cause was fixed');
    });

    it('a dry run tries every line of a file a real run already finished, and leaves its checkpoint alone', async () => {
      const dir = tempDir('backfill-dry-after-real');
      const file = path.join(dir, 'alerts.jsonl');
      fs.writeFileSync(file, `${[1, 2, 3].map(alertLine).join('\n')}\n`);
      const real = await backfillWith(file, new Set(), () => false);
      assert.equal(real.checkpoint, 3);
      const checkpointBefore = fs.readFileSync(`${file}.backfill-checkpoint.json`, 'utf8');

      const attempts: string[] = [];
      const summary = await runBackfill(
        { file, rate: 1000, dryRun: true, restart: false, out: path.join(dir, 'out', 'tickets.jsonl') },
        {
          config: parseConfig({ DATA_DIR: dir }),
          // The stand-in has no results to render: each dry run fails, is counted, and the backfill still ends.
          client: { workflow: { getHandle: () => ({ result: () => Promise.reject(new Error('no result here')) }) } } as unknown as Client,
          out: { write: () => true } as unknown as NodeJS.WritableStream,
          starter: fakeStarter(() => false, new Set(), attempts),
        },
      );
      assert.deepEqual(attempts.sort(), [1, 2, 3].map(idOf), 'every line was tried, none skipped as already done');
      assert.deepEqual([summary.skipped, summary.started, summary.dryRunFailed], [0, 3, 3]);
      assert.ok(fs.existsSync(path.join(dir, 'out', 'tickets.jsonl')), "the tickets file's folder was created");
      assert.equal(fs.readFileSync(`${file}.backfill-checkpoint.json`, 'utf8'), checkpointBefore, 'the real run\'s checkpoint is untouched');
    });

    it('still counts an invalid line as done: reported as rejected once, then skipped', async () => {
      const file = path.join(tempDir('backfill-invalid'), 'alerts.jsonl');
      fs.writeFileSync(file, `${alertLine(1)}\nnot json\n${alertLine(3)}\n`);
      const started = new Set<string>();
      const first = await backfillWith(file, started, () => false);
      assert.deepEqual([first.summary.started, first.summary.rejected, first.checkpoint], [2, 1, 3]);
      const second = await backfillWith(file, started, () => false);
      assert.deepEqual([second.summary.skipped, second.summary.rejected, second.attempts.length], [3, 0, 0]);
    });
  });
});
