/** The autoClose signal's payload, checked before it closes anything (src/domain/auto-close-signal.ts). */
import assert from 'node:assert/strict';
import { verdictFromSignal } from '../../src/domain/auto-close-signal';

const refused = (raw: unknown): string => {
  const out = verdictFromSignal(raw);
  assert.ok('refused' in out, `expected a refusal, got ${JSON.stringify(out)}`);
  return out.refused;
};

describe('autoClose signal payload', () => {
  it('fills the defaults: version 1, benign, no facts', () => {
    assert.deepEqual(verdictFromSignal({ reason: 'pentest vendor', ruleId: 'pentest-allowlist' }), {
      ruleId: 'pentest-allowlist',
      ruleVersion: 1,
      disposition: 'benign',
      reason: 'pentest vendor',
      facts: {},
    });
  });

  it('takes null optional fields as not given (as Go and Python senders write them)', () => {
    assert.deepEqual(verdictFromSignal({ reason: 'r', ruleId: 'x', ruleVersion: null, disposition: null, facts: null }), {
      ruleId: 'x',
      ruleVersion: 1,
      disposition: 'benign',
      reason: 'r',
      facts: {},
    });
  });

  it('names the field that is wrong', () => {
    assert.match(refused(null), /payload must be an object/);
    assert.match(refused({ ruleId: 'x' }), /^reason:/);
    assert.match(refused({ reason: ' ', ruleId: 'x' }), /^reason:/);
    assert.match(refused({ reason: 'r' }), /^ruleId:/);
    assert.match(refused({ reason: 'r', ruleId: 'x', ruleVersion: '2' }), /^ruleVersion:/);
    assert.match(refused({ reason: 'r', ruleId: 'x', disposition: 'escalated' }), /^disposition: must be one of benign, false_positive/);
    assert.match(refused({ reason: 'r', ruleId: 'x', facts: [] }), /^facts:/);
    assert.match(refused({ reason: 'r', ruleId: 'x', facts: { ip: { nested: 1 } } }), /^facts\.ip:/);
  });

  it('bounds what it keeps: long texts cut, at most 50 facts', () => {
    const v = verdictFromSignal({ reason: 'r'.repeat(900), ruleId: 'x'.repeat(300), facts: { note: 'n'.repeat(900) } });
    assert.ok(!('refused' in v));
    assert.deepEqual([v.reason.length, v.ruleId.length, String(v.facts['note']).length], [500, 100, 500]);
    assert.match(refused({ reason: 'r', ruleId: 'x', facts: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i])) }), /at most 50/);
  });
});
