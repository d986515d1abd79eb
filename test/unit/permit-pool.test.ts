/** The block size of a worker's daily-budget permits (src/activities/permit-pool.ts); the pool against the real rateBudget workflow: test/workflow/enrichment-budget.test.ts. */
import assert from 'node:assert/strict';
import { PermitPool, permitBlockSize, type TakePermits } from '../../src/activities/permit-pool';

describe('PermitPool', () => {
  it('takes blocks of 1 % of the budget, capped at 50, and single permits under 1,000 a day (the public VirusTotal key)', () => {
    assert.equal(permitBlockSize(500), 1);
    assert.equal(permitBlockSize(999), 1);
    assert.equal(permitBlockSize(1000), 10);
    assert.equal(permitBlockSize(1_000_000), 50);
  });

  it('takes back a permit its caller gave up on, for the next call, but not past the day it was counted in', async () => {
    let asked = 0;
    let now = Date.parse('2026-11-28T10:00:00Z');
    const take: TakePermits = async (count) => {
      asked++;
      return { granted: true, count, used: asked * count, perDay: 500, day: new Date(now).toISOString().slice(0, 10) };
    };
    const pool = new PermitPool(500, take, () => now);
    assert.deepEqual(await pool.take(), { granted: true });
    pool.giveBack();
    assert.deepEqual(await pool.take(), { granted: true });
    assert.equal(asked, 1, 'the permit given back served the second call');
    await pool.take();
    assert.equal(asked, 2);
    pool.giveBack();
    now += 24 * 3_600_000; // the next UTC day: yesterday's permit is gone
    await pool.take();
    assert.equal(asked, 3);
  });
});
