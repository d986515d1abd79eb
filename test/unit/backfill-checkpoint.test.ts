/**
 * The backfill's resume checkpoint (src/cli/backfill/checkpoint.ts, used by src/cli/backfill/run.ts): it
 * covers only the lines whose start finished, so a start that failed (Temporal restarting) or was still
 * in flight is tried again by the next run, never skipped as "already done". The backfill itself, with
 * real outages and refusals on the dev server: test/e2e/backfill-resume.test.ts.
 */
import assert from 'node:assert/strict';
import { CheckpointTracker, type LineOutcome } from '../../src/cli/backfill/checkpoint';

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
});
