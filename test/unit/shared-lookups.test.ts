/** One in-flight cache update per indicator on a worker (src/activities/shared-lookups.ts). */
import assert from 'node:assert/strict';
import { SharedLookups } from '../../src/activities/shared-lookups';

type Answer = { status: 'ok'; value: string; hit: boolean } | { status: 'pending' } | { status: 'failed'; reason: string };

/** A cache whose updates answer when the test says, or `pending` once their wait runs out. */
function cache() {
  const asks: Array<{ key: string; waitMs: number }> = [];
  let answer: Answer | undefined;
  const waiting = new Set<() => void>();
  const ask = (key: string, waitMs: number) =>
    new Promise<Answer>((resolve, reject) => {
      asks.push({ key, waitMs });
      if (key === 'broken') return reject(new Error('RESOURCE_EXHAUSTED'));
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve(answer ?? { status: 'pending' });
      };
      const timer = setTimeout(done, waitMs);
      waiting.add(done);
    });
  return {
    asks,
    ask,
    answer(a: Answer) {
      answer = a;
      for (const done of [...waiting]) done();
    },
  };
}

const options = (c: ReturnType<typeof cache>) => ({
  ask: c.ask,
  isFinal: (a: Answer) => a.status !== 'pending',
  pending: { status: 'pending' } as Answer,
  joined: (a: Answer) => (a.status === 'ok' ? { ...a, hit: true } : a),
});

describe('shared lookups', () => {
  it('sends one update for 20 concurrent lookups of one key, and each gets the answer (a hit for those that joined)', async () => {
    const c = cache();
    const lookups = new SharedLookups(options(c));
    const all = Promise.all(Array.from({ length: 20 }, () => lookups.lookup('vt:198.51.100.7', 2_000)));
    setTimeout(() => c.answer({ status: 'ok', value: 'clean', hit: false }), 50);
    const answers = await all;
    assert.equal(c.asks.length, 1);
    assert.deepEqual(answers[0], { status: 'ok', value: 'clean', hit: false }, 'the one that asked');
    assert.ok(answers.slice(1).every((a) => a.status === 'ok' && a.hit), 'the others: from the cache');
    assert.equal(lookups.size, 0, 'nothing left in flight');
  });

  it('keeps different keys apart', async () => {
    const c = cache();
    const lookups = new SharedLookups(options(c));
    const both = Promise.all([lookups.lookup('a', 1_000), lookups.lookup('b', 1_000)]);
    c.answer({ status: 'failed', reason: 'no' });
    await both;
    assert.deepEqual(c.asks.map((a) => a.key).sort(), ['a', 'b']);
  });

  it('answers pending at its own deadline while a longer shared wait goes on', async () => {
    const c = cache();
    const lookups = new SharedLookups(options(c));
    const long = lookups.lookup('k', 1_000);
    const started = Date.now();
    assert.deepEqual(await lookups.lookup('k', 50), { status: 'pending' });
    assert.ok(Date.now() - started < 500, 'the short lookup did not wait for the long one');
    c.answer({ status: 'ok', value: 'v', hit: false });
    assert.equal((await long).status, 'ok');
    assert.equal(c.asks.length, 1);
  });

  it('asks again for the rest of its wait when a shorter shared update ends pending', async () => {
    const c = cache();
    const lookups = new SharedLookups(options(c));
    const started = Date.now();
    const short = lookups.lookup('k', 60);
    const long = lookups.lookup('k', 1_000);
    assert.deepEqual(await short, { status: 'pending' });
    setTimeout(() => c.answer({ status: 'ok', value: 'v', hit: false }), 100);
    assert.equal((await long).status, 'ok');
    const elapsed = Date.now() - started;
    assert.equal(c.asks.length, 2, 'the first update (60 ms), then one for the rest of the long wait');
    // The rest: what was left of the 1 s when it asked — less than the whole wait, and no less than what was
    // left when the answer came (bounds that hold however late the timers fire on a busy machine).
    const rest = c.asks[1]!.waitMs;
    assert.ok(rest < 1_000 && rest >= 1_000 - elapsed, `the second asked for ${rest} ms, ${elapsed} ms in`);
  });

  it('passes a failed update on to every lookup waiting for it, and forgets it', async () => {
    const c = cache();
    const lookups = new SharedLookups(options(c));
    const results = await Promise.allSettled([lookups.lookup('broken', 100), lookups.lookup('broken', 100)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(c.asks.length, 1);
    assert.equal(lookups.size, 0);
  });
});
