import assert from 'node:assert/strict';
import { TRANSIENT_RETRY, announcedRetryAfter, gaveUpReason, nextTransientDelay } from '../../src/domain/transient-retry';

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

  it("waits at least the provider's Retry-After, for up to 5 min from the first failure instead of 30 s", () => {
    assert.equal(nextTransientDelay(1, 0, 120_000), 120_000, 'a 503 with Retry-After: 120 (maintenance)');
    assert.equal(nextTransientDelay(4, 0, 500), 8000, 'never sooner than the backoff');
    assert.equal(nextTransientDelay(2, 60_000, 30_000), 30_000, 'past the 30 s budget, still within the announced one');
    assert.equal(nextTransientDelay(2, TRANSIENT_RETRY.announcedBudgetMs - 10_000, 30_000), undefined, 'not past 5 min');
    assert.equal(nextTransientDelay(2, 60_000), undefined, 'without Retry-After the budget stays 30 s');
    assert.equal(nextTransientDelay(1, 0, Number.NaN), 1000);
  });

  it("reads the Retry-After a transient failure's details carry", () => {
    assert.equal(announcedRetryAfter([{ retryAfterMs: 3000 }]), 3000);
    assert.equal(announcedRetryAfter(['retried-in-attempt']), undefined);
    assert.equal(announcedRetryAfter([{ retryAfterMs: -1 }, { retryAfterMs: 'soon' }]), undefined);
    assert.equal(announcedRetryAfter(null), undefined);
  });

  it('says how many attempts were made and for how long', () => {
    assert.equal(gaveUpReason('VirusTotal answered HTTP 500', 6, 23_400), 'VirusTotal answered HTTP 500 (gave up after 6 attempts in 23 s)');
    assert.equal(gaveUpReason('VirusTotal did not answer', 1, 0), 'VirusTotal did not answer (gave up after 1 attempt in 0 s)');
  });
});
