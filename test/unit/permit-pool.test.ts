/** The block size of a worker's daily-budget permits (src/activities/permit-pool.ts); the pool against the real rateBudget workflow: test/workflow/enrichment-budget.test.ts. */
import assert from 'node:assert/strict';
import { permitBlockSize } from '../../src/activities/permit-pool';

describe('PermitPool', () => {
  it('takes blocks of at most 1 % of the budget (1 for the public VirusTotal key), capped at 50', () => {
    assert.equal(permitBlockSize(500), 5);
    assert.equal(permitBlockSize(99), 1);
    assert.equal(permitBlockSize(1_000_000), 50);
  });
});
