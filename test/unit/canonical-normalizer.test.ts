/** The canonical alert format (`POST /webhooks/alerts`): src/intake/canonical.ts. */
import assert from 'node:assert/strict';
import { normalizeCanonical } from '../../src/intake/canonical';
import { ValidationError } from '../../src/intake/validation-error';

const RECEIVED_AT = new Date('2025-06-18T14:31:02.000Z');

function input(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'elastic',
    alertId: 'a1b2c3d4-0001',
    detectionId: 'Okta.BruteForceLogins',
    title: 'Suspected brute force on alice@acme.io',
    severity: 'MEDIUM',
    createdAt: '2025-06-18T14:25:00Z',
    link: 'https://siem.acme.io/alerts/a1b2c3d4-0001',
    ip: '198.51.100.7',
    user: 'alice@acme.io',
    tags: ['okta'],
    ...overrides,
  };
}

function rejection(body: unknown): ValidationError {
  try {
    normalizeCanonical(body, RECEIVED_AT);
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err;
  }
  assert.fail('the input was accepted');
}

describe('normalizeCanonical: canonical Alert JSON', () => {
  it('normalizes a valid input', () => {
    const alert = normalizeCanonical(input(), RECEIVED_AT);
    assert.deepEqual(alert, {
      source: 'elastic',
      alertId: 'a1b2c3d4-0001',
      detectionId: 'Okta.BruteForceLogins',
      detectionName: undefined,
      alertType: undefined,
      title: 'Suspected brute force on alice@acme.io',
      severity: 'MEDIUM',
      logType: 'Okta.SystemLog',
      logTypeSource: 'routing-table',
      createdAt: '2025-06-18T14:25:00.000Z',
      link: 'https://siem.acme.io/alerts/a1b2c3d4-0001',
      runbook: undefined,
      description: undefined,
      tags: ['okta'],
      ips: ['198.51.100.7'],
      users: ['alice@acme.io'],
    });
  });

  it('counts `ip` with `ips` (and `user` with `users`) against the limit of 20, and says so', () => {
    const ips = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 10}`);
    assert.deepEqual(
      rejection(input({ ips })).problems.map((p) => p.field),
      ['ips'],
    );
    assert.match(rejection(input({ ips })).message, /ips: at most 20 distinct IPs with `ip` \(got 21\)/);
    assert.equal(normalizeCanonical(input({ ips: [...ips.slice(0, 19), '198.51.100.7'] }), RECEIVED_AT).ips.length, 20, 'ip repeated in ips counts once');
    const users = Array.from({ length: 20 }, (_, i) => `u${i}@acme.io`);
    assert.match(rejection(input({ users })).message, /users: at most 20 distinct users with `user` \(got 21\)/);
  });

  it('keeps an explicit logType with logTypeSource "payload"', () => {
    const alert = normalizeCanonical(input({ logType: 'AWS.CloudTrail' }), RECEIVED_AT);
    assert.equal(alert.logType, 'AWS.CloudTrail');
    assert.equal(alert.logTypeSource, 'payload');
  });

  it('takes an Alert as autotriage writes it (with logTypeSource), recomputing logTypeSource rather than trusting it', () => {
    const first = normalizeCanonical(input(), RECEIVED_AT);
    assert.equal(first.logTypeSource, 'routing-table');
    const again = normalizeCanonical(JSON.parse(JSON.stringify(first)) as unknown, RECEIVED_AT);
    assert.equal(again.logType, first.logType);
    assert.equal(again.logTypeSource, 'payload', 'the logType now comes with the payload');
    assert.deepEqual(rejection(input({ logTypeSource: 'made-up' })).problems.map((p) => p.field), ['logTypeSource']);
  });

  it('rejects an unknown field and names it (a `logtype` typo is not silently ignored)', () => {
    const err = rejection(input({ logtype: 'Okta.SystemLog' }));
    assert.match(err.message, /logtype/);
    // The field is the key itself, not "(body)".
    assert.deepEqual(err.problems.map((p) => p.field), ['logtype']);
  });

  it('rejects a bad ip naming `ip`', () => {
    const err = rejection(input({ ip: '999.1.1.1' }));
    assert.deepEqual(err.problems.map((p) => p.field), ['ip']);
    assert.match(err.message, /\bip\b/);
  });

  it('rejects a bad entry in `ips` naming its index', () => {
    const err = rejection(input({ ips: ['198.51.100.7', '1.2.3.4; DROP'] }));
    assert.deepEqual(err.problems.map((p) => p.field), ['ips.1']);
  });

  it('merges `ip` and `ips` with `ip` first, without duplicates', () => {
    const alert = normalizeCanonical(input({ ip: '198.51.100.7', ips: ['192.0.2.1', '198.51.100.7', '192.0.2.1'] }), RECEIVED_AT);
    assert.deepEqual(alert.ips, ['198.51.100.7', '192.0.2.1']);
  });

  it('merges `user` and `users` the same way', () => {
    const alert = normalizeCanonical(input({ user: 'alice@acme.io', users: ['bob@acme.io', 'alice@acme.io'] }), RECEIVED_AT);
    assert.deepEqual(alert.users, ['alice@acme.io', 'bob@acme.io']);
  });

  it('defaults a missing createdAt to the received time', () => {
    const body = input();
    delete body.createdAt;
    assert.equal(normalizeCanonical(body, RECEIVED_AT).createdAt, RECEIVED_AT.toISOString());
  });

  it('rejects an unparseable createdAt naming it', () => {
    assert.deepEqual(rejection(input({ createdAt: 'yesterday' })).problems.map((p) => p.field), ['createdAt']);
  });

  it('rejects a createdAt more than a day after receipt naming it, and takes a few hours of clock skew', () => {
    const problems = rejection(input({ createdAt: '2025-06-19T14:31:03Z' })).problems;
    assert.deepEqual(problems.map((p) => p.field), ['createdAt']);
    assert.match(problems[0]!.message, /more than a day after/);
    assert.equal(normalizeCanonical(input({ createdAt: '2025-06-18T20:00:00Z' }), RECEIVED_AT).createdAt, '2025-06-18T20:00:00.000Z');
  });

  it('accepts a lower-case severity and rejects an unknown one naming `severity`', () => {
    assert.equal(normalizeCanonical(input({ severity: 'low' }), RECEIVED_AT).severity, 'LOW');
    assert.deepEqual(rejection(input({ severity: 'URGENT' })).problems.map((p) => p.field), ['severity']);
  });

  it('rejects a non-http link naming `link` (strict format, unlike the Panther intake)', () => {
    assert.deepEqual(rejection(input({ link: 'javascript:alert(1)' })).problems.map((p) => p.field), ['link']);
  });

  it('rejects missing required fields, naming each', () => {
    const err = rejection({ source: 'elastic' });
    assert.deepEqual(err.problems.map((p) => p.field).sort(), ['alertId', 'detectionId', 'severity', 'title']);
  });
});
