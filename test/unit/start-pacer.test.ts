import assert from 'node:assert/strict';
import { StartPacer } from '../../src/temporal/start-pacer';

describe('StartPacer (admission control for alert storms)', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('starts a burst at once, then spaces one detection’s starts at its rate', () => {
    const pacer = new StartPacer(5, 3, clock);
    const delays = Array.from({ length: 8 }, () => pacer.delayFor('Okta.BruteForceLogins'));
    // 3 slots of credit plus the current one start now; then one every 200 ms.
    assert.deepEqual(delays, [0, 0, 0, 0, 200, 400, 600, 800]);
  });

  it('paces each detection on its own, so a noisy one does not delay the others', () => {
    const pacer = new StartPacer(2, 0, clock);
    assert.deepEqual([pacer.delayFor('noisy'), pacer.delayFor('noisy'), pacer.delayFor('noisy')], [0, 500, 1000]);
    assert.equal(pacer.delayFor('quiet'), 0);
  });

  it('earns its credit back while a detection is idle, up to the burst', () => {
    const pacer = new StartPacer(10, 2, clock);
    for (let i = 0; i < 5; i++) pacer.delayFor('d');
    assert.equal(pacer.delayFor('d'), 300, 'backlog: the 6th start waits 3 slots');
    now += 10_000;
    assert.deepEqual([0, 1, 2, 3].map(() => pacer.delayFor('d')), [0, 0, 0, 100], 'after a long pause: the burst again, no more');
  });

  it('gives back a slot released by an alert that started nothing', () => {
    const pacer = new StartPacer(5, 0, clock);
    assert.equal(pacer.delayFor('d'), 0);
    for (let i = 0; i < 10; i++) {
      pacer.delayFor('d');
      pacer.release('d');
    }
    assert.equal(pacer.delayFor('d'), 200, 'ten released slots cost nothing: the next start is one slot out');
    pacer.release('other'); // a detection with no entry: nothing to give back
    assert.equal(pacer.delayFor('other'), 0);
  });

  it('does nothing at rate 0, and refuses negative settings', () => {
    const pacer = new StartPacer(0, 0, clock);
    assert.ok(Array.from({ length: 100 }, () => pacer.delayFor('d')).every((d) => d === 0));
    assert.throws(() => new StartPacer(-1, 0), RangeError);
  });
});
