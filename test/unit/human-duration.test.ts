import assert from 'node:assert/strict';
import { humanDuration } from '../../src/domain/time';

describe('humanDuration', () => {
  it('says seconds under a minute, so a short SLA never reads "0 min"', () => {
    assert.equal(humanDuration(1_500), '2 s');
    assert.equal(humanDuration(45_000), '45 s');
    assert.equal(humanDuration(59_700), '1 min', 'never "60 s"');
  });
  it('says minutes up to an hour and a half, then hours (one decimal under 10 h), then days', () => {
    assert.equal(humanDuration(60_000), '1 min');
    assert.equal(humanDuration(89 * 60_000), '89 min');
    assert.equal(humanDuration(90 * 60_000), '1.5 h');
    assert.equal(humanDuration(4 * 3_600_000), '4 h');
    assert.equal(humanDuration(30 * 3_600_000), '30 h');
    assert.equal(humanDuration(72 * 3_600_000), '3 d');
  });
});
