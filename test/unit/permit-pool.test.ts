/** A worker's block of daily-budget permits (src/activities/permit-pool.ts). */
import assert from 'node:assert/strict';
import { PermitPool, permitBlockSize } from '../../src/activities/permit-pool';
import type { PermitAnswer } from '../../src/workflows/rate-budget';

/** The rateBudget workflow's arithmetic, in memory, counting the updates it receives. */
function budget(perDay: number, now: () => number) {
  const state = { day: '', used: 0, updates: 0 };
  const take = async (count: number): Promise<PermitAnswer> => {
    state.updates++;
    await new Promise((r) => setTimeout(r, 5));
    const day = new Date(now()).toISOString().slice(0, 10);
    if (day !== state.day) {
      state.day = day;
      state.used = 0;
    }
    if (state.used >= perDay) return { granted: false, retryAfterMs: 1000, perDay };
    const granted = Math.min(count, perDay - state.used);
    state.used += granted;
    return { granted: true, used: state.used, perDay, count: granted, day };
  };
  return { state, take };
}

describe('PermitPool', () => {
  it('takes blocks of at most 1 % of the budget (1 for the public VirusTotal key), capped at 50', () => {
    assert.equal(permitBlockSize(500), 5);
    assert.equal(permitBlockSize(99), 1);
    assert.equal(permitBlockSize(1_000_000), 50);
  });

  it('asks the budget once per block, also for concurrent callers, and never grants more than the day allows', async () => {
    const now = () => Date.parse('2026-11-26T12:00:00Z');
    const b = budget(1000, now);
    const pool = new PermitPool(1000, b.take, now);
    const answers = await Promise.all(Array.from({ length: 95 }, () => pool.take()));
    assert.ok(answers.every((a) => a.granted));
    assert.equal(b.state.updates, 10, '95 permits in blocks of 10');
    assert.equal(b.state.used, 100, 'the budget counts whole blocks');

    const small = budget(12, now);
    const tight = new PermitPool(1200, small.take, now);
    const results = await Promise.all(Array.from({ length: 20 }, () => tight.take()));
    assert.equal(results.filter((a) => a.granted).length, 12, 'exactly the day\'s budget, not one more');
    assert.ok(results.filter((a) => !a.granted).every((a) => !a.granted && a.retryAfterMs > 0));
  });

  it('drops the rest of a block when the UTC day changes', async () => {
    let t = Date.parse('2026-11-26T23:59:59Z');
    const b = budget(1000, () => t);
    const pool = new PermitPool(1000, b.take, () => t);
    await pool.take();
    assert.equal(b.state.updates, 1);
    t = Date.parse('2026-11-27T00:00:01Z');
    await pool.take();
    assert.equal(b.state.updates, 2, 'a new day asks the budget again');
    assert.equal(b.state.used, 10);
  });
});
