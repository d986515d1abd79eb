import assert from 'node:assert/strict';
import { TRANSIENT_RETRY, gaveUpReason, nextTransientDelay } from '../../src/domain/transient-retry';

describe('transient retry budget', () => {
  it('backs off 1, 2, 4, then 8 s between attempts', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => nextTransientDelay(attempt, 0)), [1000, 2000, 4000, 8000, 8000]);
  });

  it('starts no attempt whose wait would end past the budget', () => {
    // A provider that fails at once: attempts after 0, 1, 3, 7, 15 and 23 s of waiting; the seventh would start at 31 s.
    const waits: number[] = [];
    let elapsed = 0;
    for (let attempt = 1; ; attempt++) {
      const delay = nextTransientDelay(attempt, elapsed);
      if (delay === undefined) break;
      waits.push(delay);
      elapsed += delay;
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000]);
    assert.ok(elapsed <= TRANSIENT_RETRY.budgetMs);
    assert.equal(nextTransientDelay(2, TRANSIENT_RETRY.budgetMs - 2000), 2000, 'a wait that ends exactly at the budget is allowed');
    assert.equal(nextTransientDelay(2, TRANSIENT_RETRY.budgetMs - 1999), undefined);
  });

  it('says how many attempts were made and for how long', () => {
    assert.equal(gaveUpReason('VirusTotal answered HTTP 500', 6, 23_400), 'VirusTotal answered HTTP 500 (gave up after 6 attempts in 23 s)');
    assert.equal(gaveUpReason('VirusTotal did not answer', 1, 0), 'VirusTotal did not answer (gave up after 1 attempt in 0 s)');
  });
});
