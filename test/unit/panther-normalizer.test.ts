/**
 * Panther "Custom Webhook" payload → canonical Alert (src/intake/panther.ts, indicators.ts, log-type.ts).
 * Payload shapes follow reference/panther.md §1 (the OSS struct, the 2022 docs, the SaaS test alert).
 */
import assert from 'node:assert/strict';
import { distinctPeople, distinctPeopleByLastSegment, type Alert } from '../../src/domain/alert';
import { normalizePanther } from '../../src/intake/panther';
import { ValidationError } from '../../src/intake/validation-error';

const RECEIVED_AT = new Date('2025-06-18T14:31:02.000Z');
const ALERT_ID = '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1';

/** A realistic Panther alert for an Okta brute force (reference/panther.md §1.5), with overrides. */
function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'Standard.BruteForceByIP',
    createdAt: '2024-05-14T17:03:11.512345678Z',
    severity: 'INFO',
    type: 'RULE',
    link: `https://acme.runpanther.net/alerts/${ALERT_ID}`,
    title: 'Okta.SystemLog: Login attempts from IP [203.0.113.45] have exceeded the failed logins threshold',
    name: 'Brute Force By IP',
    alertId: ALERT_ID,
    alertContext: {
      geolocation: 'Ashburn, Virginia in US',
      ip: '203.0.113.45',
      reverse_lookup: 'No reverse lookup hostname',
      ip_org: 'AS14618 Amazon.com, Inc.',
      parseDelay: '42 second(s)',
    },
    description: 'An actor user was denied login access more times than the configured threshold.',
    runbook: 'Analyze the IP they came from, and other actions taken before/after.',
    tags: ['DataModel', 'Credential Access:Brute Force'],
    version: '3',
    ...overrides,
  };
}

/** An okta_alert_context()-shaped context: `ip` null, the address in client.ipAddress. */
function oktaContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_type: 'user.session.start',
    severity: 'INFO',
    actor: { id: '00uu1uuuuIlllaaaa356', type: 'User', alternateId: 'jack@acme.io', displayName: 'Jack Naglieri' },
    client: {
      ipAddress: '198.51.100.7',
      geographicalContext: { city: 'Lisbon', country: 'Portugal' },
      userAgent: { rawUserAgent: 'Mozilla/5.0' },
    },
    ip: null,
    ...overrides,
  };
}

function normalize(overrides: Record<string, unknown> = {}): Alert {
  return normalizePanther(payload(overrides), RECEIVED_AT);
}

/** Runs the normalizer expecting a ValidationError, and returns it. */
function rejection(body: unknown): ValidationError {
  try {
    normalizePanther(body, RECEIVED_AT);
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err;
  }
  assert.fail('the payload was accepted');
}

describe('normalizePanther: Panther webhook → Alert', () => {
  describe('identity and text', () => {
    it('maps `id` to detectionId and `alertId` to alertId, with source panther', () => {
      const alert = normalize();
      assert.equal(alert.detectionId, 'Standard.BruteForceByIP');
      assert.equal(alert.alertId, ALERT_ID);
      assert.equal(alert.source, 'panther');
      assert.equal(alert.detectionName, 'Brute Force By IP');
      assert.equal(alert.severity, 'INFO');
      assert.equal(alert.link, `https://acme.runpanther.net/alerts/${ALERT_ID}`);
      assert.deepEqual(alert.tags, ['DataModel', 'Credential Access:Brute Force']);
    });

    it("keeps Panther's `type` as alertType, upper-cased, and drops one it cannot read", () => {
      assert.equal(normalize({ type: 'RULE' }).alertType, 'RULE');
      assert.equal(normalize({ type: 'rule_error' }).alertType, 'RULE_ERROR');
      assert.equal(normalize({ type: 'not a type!' }).alertType, undefined);
      assert.equal(normalize({ type: 42 }).alertType, undefined);
    });

    it('strips the `New Alert: ` prefix from the title', () => {
      const alert = normalize({ title: 'New Alert: Suspicious traffic detected from [123.123.123.123]', id: 'AllLogs.IPMonitoring' });
      assert.equal(alert.title, 'Suspicious traffic detected from [123.123.123.123]');
    });

    it('strips `[Re-sent]: ` (an alert re-sent from its Panther page) and reads the LogType after it', () => {
      const resent = normalize({ id: 'Custom.NotInTheTable', title: '[Re-sent]: Okta.SystemLog: Login attempts from [203.0.113.9]' });
      assert.equal(resent.title, 'Okta.SystemLog: Login attempts from [203.0.113.9]');
      assert.equal(resent.logType, 'Okta.SystemLog');
      assert.equal(resent.logTypeSource, 'title');
      assert.equal(normalize({ title: '[re-sent] New Alert: Brute force from [203.0.113.9]' }).title, 'Brute force from [203.0.113.9]');
    });

    it('keeps `New rule error: ` in the title (the analyst must see it) and reads the LogType after it', () => {
      const alert = normalize({ id: 'Custom.NotInTheTable', title: 'New rule error: Okta.SystemLog: KeyError ip' });
      assert.equal(alert.title, 'New rule error: Okta.SystemLog: KeyError ip');
      assert.equal(alert.logType, 'Okta.SystemLog');
    });

    it('truncates a 5000-character title to 1000 characters instead of rejecting it', () => {
      const alert = normalize({ title: `Brute force ${'x'.repeat(4988)}` });
      assert.equal(alert.title.length, 1000);
      assert.ok(alert.title.startsWith('Brute force xxx'));
    });

    it('accepts a lower-case severity and upper-cases it', () => {
      assert.equal(normalize({ severity: 'high' }).severity, 'HIGH');
      assert.equal(normalize({ severity: 'Critical' }).severity, 'CRITICAL');
    });

    it('drops a non-http link (javascript:) rather than rejecting the alert', () => {
      const alert = normalize({ link: 'javascript:alert(1)' });
      assert.equal(alert.link, undefined);
      assert.equal(alert.alertId, ALERT_ID);
    });

    it('parses a createdAt with nanoseconds', () => {
      assert.equal(normalize({ createdAt: '2022-04-26T03:17:32.099054303Z' }).createdAt, '2022-04-26T03:17:32.099Z');
    });

    it('reads a createdAt in epoch seconds as seconds, and one that is no real date as missing (the time received)', () => {
      assert.equal(normalize({ createdAt: 1715706191 }).createdAt, '2024-05-14T17:03:11.000Z');
      assert.equal(normalize({ createdAt: 1715706191123 }).createdAt, '2024-05-14T17:03:11.123Z');
      for (const createdAt of [253402300800000, -62198755200001, '2024-02-30T00:00:00Z', '2023-02-29 10:00:00', '9999-12-31T23:59:59-12:00']) {
        assert.equal(normalize({ createdAt }).createdAt, RECEIVED_AT.toISOString(), String(createdAt));
      }
      assert.equal(normalize({ createdAt: '2024-02-29T10:00:00Z' }).createdAt, '2024-02-29T10:00:00.000Z');
    });

    it('takes a createdAt more than a day after receipt (a wrong clock, 99999999999 read as seconds) as the time received', () => {
      for (const createdAt of [99999999999, '2025-06-19T14:31:03Z']) {
        assert.equal(normalize({ createdAt }).createdAt, RECEIVED_AT.toISOString(), String(createdAt));
      }
      assert.equal(normalize({ createdAt: '2025-06-18T20:00:00Z' }).createdAt, '2025-06-18T20:00:00.000Z');
    });

    it("parses Panther's zone-less `2021-06-04 09:59:53.650807` timestamp as UTC", () => {
      assert.equal(normalize({ createdAt: '2021-06-04 09:59:53.650807' }).createdAt, '2021-06-04T09:59:53.650Z');
    });

    it('uses the received time when createdAt is absent or null', () => {
      const body = payload();
      delete body.createdAt;
      assert.equal(normalizePanther(body, RECEIVED_AT).createdAt, RECEIVED_AT.toISOString());
      assert.equal(normalize({ createdAt: null }).createdAt, RECEIVED_AT.toISOString());
    });

    it('accepts extra unknown keys (Panther may add fields)', () => {
      const alert = normalize({ logTypes: undefined, reference: 'x', status: 'OPEN', assignee: null, eventCount: 7 });
      assert.equal(alert.alertId, ALERT_ID);
      assert.equal((alert as unknown as Record<string, unknown>)['eventCount'], undefined, 'unknown keys are not copied into the Alert');
    });

    it('accepts Panther\'s "Send Test Alert" payload verbatim (alertId "Test.Alert")', () => {
      const testAlert: unknown = JSON.parse(
        '{"id":"Test.Alert","createdAt":"2022-04-26T03:17:32.099054303Z","severity":"INFO","type":"RULE","link":"https://domain.runpanther.net","title":"This is a Test Alert","name":"Test Alert","alertId":"Test.Alert","alertContext":{},"description":"This is a Test Alert","runbook":"Stuck? Check out our docs: https://docs.runpanther.io","tags":["test"],"version":"1"}',
      );
      const alert = normalizePanther(testAlert, RECEIVED_AT);
      assert.equal(alert.alertId, 'Test.Alert');
      assert.equal(alert.detectionId, 'Test.Alert');
      assert.equal(alert.title, 'This is a Test Alert');
      assert.equal(alert.createdAt, '2022-04-26T03:17:32.099Z');
      assert.equal(alert.link, 'https://domain.runpanther.net');
      assert.equal(alert.logType, 'Unknown');
      assert.equal(alert.logTypeSource, 'default');
      assert.deepEqual(alert.ips, []);
      assert.deepEqual(alert.users, []);
    });
  });

  describe('LogType resolution', () => {
    it('uses the payload `logType` first, even over the routing table', () => {
      const alert = normalize({ id: 'Okta.BruteForceLogins', logType: 'AWS.CloudTrail' });
      assert.equal(alert.logType, 'AWS.CloudTrail');
      assert.equal(alert.logTypeSource, 'payload');
    });

    it('uses `logTypes[0]` when there is no `logType`', () => {
      const alert = normalize({ id: 'Okta.BruteForceLogins', logTypes: ['GSuite.Reports', 'Okta.SystemLog'] });
      assert.equal(alert.logType, 'GSuite.Reports');
      assert.equal(alert.logTypeSource, 'payload');
    });

    it('ignores a malformed payload logType and falls through to the next source', () => {
      const alert = normalize({ id: 'Okta.BruteForceLogins', logType: 'Okta SystemLog; DROP', title: 'Suspected brute force' });
      assert.equal(alert.logType, 'Okta.SystemLog');
      assert.equal(alert.logTypeSource, 'routing-table');
    });

    it('uses the routing-table entry of the detection (Okta.BruteForceLogins → Okta.SystemLog)', () => {
      const alert = normalize({
        id: 'Okta.BruteForceLogins',
        title: 'Suspected brute force Okta logins to account alice.martin@acme.io, due to [INVALID_CREDENTIALS]',
      });
      assert.equal(alert.logType, 'Okta.SystemLog');
      assert.equal(alert.logTypeSource, 'routing-table');
    });

    it('uses a `<LogType>: ` title prefix for a detection the table does not pin', () => {
      const alert = normalize({
        id: 'Standard.BruteForceByUser',
        title: 'Okta.SystemLog: User [bob@acme.io] has exceeded the failed logins threshold',
      });
      assert.equal(alert.logType, 'Okta.SystemLog');
      assert.equal(alert.logTypeSource, 'title');
    });

    it('finds the title prefix behind a `New Alert: ` prefix', () => {
      const alert = normalize({ id: 'Standard.BruteForceByUser', title: 'New Alert: AWS.CloudTrail: User [bob] has exceeded the threshold' });
      assert.equal(alert.logType, 'AWS.CloudTrail');
      assert.equal(alert.logTypeSource, 'title');
    });

    it('falls back to Unknown with logTypeSource "default"', () => {
      const alert = normalize({ id: 'Custom.Something', title: 'Something odd happened for [bob@acme.io]' });
      assert.equal(alert.logType, 'Unknown');
      assert.equal(alert.logTypeSource, 'default');
    });
  });

  describe('IP extraction', () => {
    it('takes alertContext.ip when present', () => {
      assert.deepEqual(normalize().ips, ['203.0.113.45']);
    });

    it('falls back to client.ipAddress when alertContext.ip is null', () => {
      const alert = normalize({ id: 'Okta.BruteForceLogins', title: 'Suspected brute force', alertContext: oktaContext() });
      assert.deepEqual(alert.ips, ['198.51.100.7']);
    });

    it('falls back to alertContext.ips[] (okta_alert_context p_any_ip_addresses)', () => {
      const alert = normalize({ title: 'Suspected brute force', alertContext: { ip: null, ips: ['198.51.100.20', '2001:db8::1'] } });
      assert.deepEqual(alert.ips, ['198.51.100.20', '2001:db8::1']);
    });

    it('falls back to a bracketed IP in the title', () => {
      const alert = normalize({ title: 'Brute force from [185.220.101.47] against 3 users', alertContext: { ip: null } });
      assert.deepEqual(alert.ips, ['185.220.101.47']);
    });

    it('puts the context IP first and deduplicates the title copy', () => {
      const alert = normalize({ title: 'Login attempts from IP [203.0.113.45]', alertContext: { ip: '203.0.113.45', ips: ['192.0.2.9'] } });
      assert.deepEqual(alert.ips, ['203.0.113.45', '192.0.2.9']);
    });

    it('drops invalid IPs (999.1.1.1, "1.2.3.4; DROP") instead of failing', () => {
      const alert = normalize({
        title: 'Suspicious traffic [999.1.1.1]',
        alertContext: { ip: '1.2.3.4; DROP', source_ip: '999.1.1.1', client: { ipAddress: 42 }, ips: ['198.51.100.7'] },
      });
      assert.deepEqual(alert.ips, ['198.51.100.7']);
    });

    it('takes a bare IP from the title, but not a dotted quad that is part of a version, path or longer run', () => {
      const ips = (title: string) => normalize({ title, alertContext: { ip: null } }).ips;
      assert.deepEqual(ips('Login from 185.220.101.47.'), ['185.220.101.47']);
      assert.deepEqual(ips('Logins (ip=185.220.101.47, 198.51.100.7) failed'), ['185.220.101.47', '198.51.100.7']);
      for (const title of ['Agent Chrome/120.0.0.0 seen', 'Sensor v10.0.0.1 outdated', 'OID 1.3.6.1.4.1 changed', 'build-1.2.3.4 deployed', 'C:\\tools\\1.2.3.4\\x.exe ran']) {
        assert.deepEqual(ips(title), [], title);
      }
    });

    it('survives a non-object alertContext', () => {
      assert.deepEqual(normalize({ alertContext: 'just a string', title: 'nothing here' }).ips, []);
      assert.deepEqual(normalize({ alertContext: [1, 2], title: 'nothing here' }).ips, []);
    });
  });

  describe('user extraction', () => {
    it('takes actor.alternateId from an Okta context', () => {
      const alert = normalize({ id: 'Okta.BruteForceLogins', title: 'Suspected brute force', alertContext: oktaContext() });
      assert.deepEqual(alert.users, ['jack@acme.io']);
    });

    it('takes the user from a `User [x]` title (Standard.BruteForceByUser)', () => {
      const alert = normalize({
        id: 'Standard.BruteForceByUser',
        title: 'Okta.SystemLog: User [bob.keller@acme.io] has exceeded the failed logins threshold',
        alertContext: { ip: '185.220.101.47' },
      });
      assert.deepEqual(alert.users, ['bob.keller@acme.io']);
      assert.deepEqual(alert.ips, ['185.220.101.47']);
    });

    it('takes the user from an `account x,` title (Okta.BruteForceLogins)', () => {
      const alert = normalize({
        id: 'Okta.BruteForceLogins',
        title: 'Suspected brute force Okta logins to account alice.martin@acme.io, due to [INVALID_CREDENTIALS]',
        alertContext: { ip: null },
      });
      assert.deepEqual(alert.users, ['alice.martin@acme.io']);
    });

    it('takes no user from other titles that say "account" (a service account created, root account activity)', () => {
      assert.deepEqual(normalize({ title: 'Service account created by [bob@acme.io]', alertContext: {} }).users, ['bob@acme.io']);
      assert.deepEqual(normalize({ title: 'Root account activity: DeleteTrail', alertContext: {} }).users, []);
    });

    it('ignores implausible users (IPs, "None", values with spaces or markup)', () => {
      const alert = normalize({
        title: 'nothing here',
        alertContext: { user: 'None', username: '<@U012ABC>', userName: 'two words', email: '203.0.113.45', actor_user: 'carol@acme.io' },
      });
      assert.deepEqual(alert.users, ['carol@acme.io']);
    });
  });

  describe('the people an alert names', () => {
    it('counts an IAM user named by its ARN and its user name as one person, and two users as two', () => {
      const userIdentity = { arn: 'arn:aws:iam::123456789012:user/alice', userName: 'alice' };
      const one = normalize({ alertContext: { userIdentity } });
      assert.deepEqual(one.users, ['arn:aws:iam::123456789012:user/alice', 'alice']);
      assert.equal(distinctPeople(one), 1);
      assert.equal(distinctPeople({ users: ['alice@acme.io', 'ALICE', 'alice'] }), 1);
      assert.equal(distinctPeople({ users: ['alice@acme.io', 'bob@acme.io'] }), 2);
      assert.equal(distinctPeople({ users: [] }), 0);
    });

    it('counts one name in two domains or AWS accounts as two people, and a bare name as whichever account bears it', () => {
      assert.equal(distinctPeople({ users: ['admin@acme.io', 'admin@acme-dev.io'] }), 2);
      assert.equal(distinctPeople({ users: ['arn:aws:iam::111111111111:user/admin', 'arn:aws:iam::222222222222:user/admin', 'admin'] }), 2);
      assert.equal(distinctPeople({ users: ['ACME\\alice', 'acme\\Alice', 'alice'] }), 1);
      assert.equal(distinctPeople({ users: ['alice', 'alice@acme.io', 'alice@acme-dev.io'] }), 2);
      // An assumed role's session named by the user's email is that user.
      assert.equal(distinctPeople({ users: ['arn:aws:sts::111111111111:assumed-role/Admins/alice@acme.io', 'alice@acme.io', 'alice'] }), 1);
      // An IAM user and an email are two accounts, even with one name: more people, never fewer.
      assert.equal(distinctPeople({ users: ['arn:aws:iam::111111111111:user/alice', 'alice@acme.io'] }), 2);
      // An email inside two accounts' names is two people; so are names that only end alike.
      assert.equal(distinctPeople({ users: ['arn:aws:iam::111111111111:user/alice@acme.io', 'arn:aws:iam::222222222222:user/alice@acme.io', 'alice@acme.io'] }), 2);
      assert.equal(distinctPeople({ users: ['corp/alice@acme.io', 'other/alice@acme.io'] }), 2);
      assert.equal(distinctPeople({ users: ['alice/', 'alice\\'] }), 2);
      assert.equal(distinctPeople({ users: ['arn:aws:iam::111111111111:user/', 'arn:aws:iam::111111111111:role/'] }), 2);
      // How v2 counted (kept for the runs that decided with it): by the last segment alone.
      assert.equal(distinctPeopleByLastSegment({ users: ['admin@acme.io', 'admin@acme-dev.io'] }), 1);
    });
  });

  describe('rejections name the field', () => {
    it('rejects a missing alertId with a message naming `alertId`', () => {
      const body = payload();
      delete body.alertId;
      const err = rejection(body);
      assert.match(err.message, /\balertId\b/);
      assert.deepEqual(err.problems.map((p) => p.field), ['alertId']);
    });

    it('rejects a missing `id` naming it', () => {
      const body = payload();
      delete body.id;
      assert.deepEqual(rejection(body).problems.map((p) => p.field), ['id']);
    });

    it('names each wrong-typed required field, and says it is the type that is wrong', () => {
      const err = rejection(payload({ title: 42, alertId: 12345 }));
      assert.deepEqual(err.problems.map((p) => p.field).sort(), ['alertId', 'title']);
      assert.match(err.message, /alertId: must be a string \(Panther's alert id\), got number/);
      assert.match(err.message, /title: must be a string/);
      // A string that breaks a bound says so, not "must be a string".
      assert.doesNotMatch(rejection(payload({ id: 'x'.repeat(257) })).message, /must be a string/);
    });

    it('takes wrong-typed optional fields as absent (or as their text) instead of losing the alert', () => {
      const received = new Date('2025-06-18T12:00:00.000Z');
      const alert = normalizePanther(payload({ tags: 'Okta', createdAt: { when: 'now' }, version: 3, runbook: 7, name: { x: 1 }, link: 42 }), received);
      assert.deepEqual(alert.tags, ['Okta']);
      assert.equal(alert.createdAt, received.toISOString());
      // Epoch milliseconds are a time.
      assert.equal(normalizePanther(payload({ createdAt: Date.parse('2025-06-18T11:00:00.000Z') }), received).createdAt, '2025-06-18T11:00:00.000Z');
      assert.equal(alert.runbook, '7');
      assert.equal(alert.detectionName, undefined);
      assert.equal(alert.link, undefined);
    });

    it('rejects a bad severity naming `severity`', () => {
      const err = rejection(payload({ severity: 'SEVERE' }));
      assert.deepEqual(err.problems.map((p) => p.field), ['severity']);
      assert.match(err.message, /severity/);
    });

    it('rejects an alertId that cannot be part of a workflow id', () => {
      const err = rejection(payload({ alertId: '../../etc/passwd' }));
      assert.deepEqual(err.problems.map((p) => p.field), ['alertId']);
    });

    it('rejects a body that is not an object', () => {
      assert.ok(rejection('not json object').problems.length > 0);
      assert.ok(rejection(null).problems.length > 0);
    });
  });
});
