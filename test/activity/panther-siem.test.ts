/**
 * PantherSiem and the Panther connectors against the Panther GraphQL fake: real polling, pagination,
 * cancellation, errors, and SQL that alert text cannot alter.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createSiemAlertActivities } from '../../src/activities/siem-alerts';
import { skipped } from '../../src/domain/enrichment';
import { PantherAlerts } from '../../src/connectors/panther/alerts';
import { PantherClient } from '../../src/connectors/panther/client';
import { ProviderError } from '../../src/connectors/http';
import { LOGIN_PROFILES } from '../../src/siem/log-profiles';
import { describeIndicatorSearch } from '../../src/tickets/describe';
import { PantherSiem } from '../../src/siem/panther/panther-siem';
import { loginLocationsSql, recentLoginsSql, sqlString } from '../../src/siem/panther/sql';
import { SiemQueryError } from '../../src/siem/siem';
import { FAKE_CREDENTIALS, PantherFake, type FakeRequest } from '../fakes';
import { graphqlRootIs } from '../fakes/panther';
import { PantherAlertSource } from '../../src/connectors/panther/alert-list';
import { forgotPasswordAlert, ticketInput } from '../helpers/ticket-fixtures';
import { until } from '../helpers/until';

const okta = LOGIN_PROFILES['Okta.SystemLog']!;
const from = new Date('2026-08-28T00:00:00.000Z');
const to = new Date('2026-11-26T12:00:00.000Z');

/**
 * The SQL with every string literal blanked out: what the query does, independent of the values. Snowflake
 * literals are single-quoted, with '' and backslash escapes.
 */
function skeleton(sql: string): string {
  return sql.replace(/'(?:[^'\\]|''|\\.)*'/g, "'?'");
}

async function expectProviderError(p: Promise<unknown>, category: string, message?: RegExp): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${String(err)}`);
    assert.equal(err.category, category);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a failure');
}

describe('Panther SQL: values from alerts cannot alter the query', () => {
  const hostileUsers = [
    "x' OR '1'='1",
    "alice@acme.io') UNION SELECT * FROM panther_logs.public.aws_cloudtrail --",
    "o'brien@acme.io",
    "back\\slash' OR 1=1 --",
    "\\' OR '1'='1",
    "'; DROP TABLE okta_systemlog; --",
  ];
  for (const build of [loginLocationsSql, recentLoginsSql]) {
    for (const user of hostileUsers) {
      it(`${build.name}: ${JSON.stringify(user)} stays one string literal`, () => {
        const benign = build(okta, { user: 'alice@acme.io', from, to, limit: 5 });
        const hostile = build(okta, { user, from, to, limit: 5 });
        assert.equal(skeleton(hostile), skeleton(benign), 'the query structure is unchanged');
        assert.ok(hostile.includes(`LOWER(${sqlString(user)})`));
      });
    }
  }

  it('refuses control characters instead of quoting them', () => {
    assert.throws(() => loginLocationsSql(okta, { user: 'a\nb', from, to, limit: 5 }), SiemQueryError);
  });

  it("refuses a value that calls one of Panther's time macros, which Panther expands before Snowflake parses the literal", () => {
    for (const user of ['p_occurs_since(900)', 'x P_OCCURS_BETWEEN (1,2)', "p_occurs_since('1 d')"]) {
      assert.throws(() => loginLocationsSql(okta, { user, from, to, limit: 5 }), (err: unknown) => err instanceof SiemQueryError && /time macro/.test(err.message), user);
    }
    assert.doesNotThrow(() => loginLocationsSql(okta, { user: 'p_occurs@acme.io', from, to, limit: 5 }));
  });

  it('bounds LIMIT whatever the caller asks', () => {
    assert.match(loginLocationsSql(okta, { user: 'a', from, to, limit: 10_000 }), /LIMIT 100$/);
  });
});

describe('PantherSiem against the Panther fake', () => {
  let fake: PantherFake;
  let siem: PantherSiem;
  const client = () => new PantherClient({ apiUrl: fake.graphqlUrl, apiToken: FAKE_CREDENTIALS.pantherApiToken });
  const make = (opts: Partial<ConstructorParameters<typeof PantherSiem>[0]> = {}) =>
    new PantherSiem({ client: client(), consoleUrl: 'https://acme.runpanther.net', queryTimeoutMs: 10_000, pollStepMs: 50, ...opts });

  before(async () => {
    fake = new PantherFake({ apiKey: FAKE_CREDENTIALS.pantherApiToken });
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    siem = make();
  });

  it('runs the login-locations query in Okta\'s table with Panther syntax, polling until it succeeds, and reads upper-case columns', async () => {
    fake.respond = () => [
      { IP: '198.51.100.7', CITY: 'Lisbon', COUNTRY: 'Portugal', LOGINS: 79, LAST_SEEN: '2026-11-26 09:00:00.000', TOTAL: 88 },
      { IP: '198.51.100.20', CITY: 'Porto', COUNTRY: 'Portugal', LOGINS: 5, LAST_SEEN: '2026-10-01 09:00:00.000', TOTAL: 88 },
    ];
    const result = await siem.loginLocations({ user: 'alice.martin@acme.io', logType: 'Okta.SystemLog', from, to, limit: 5 });
    assert.equal(result.totalLogins, 88);
    assert.deepEqual(result.locations[0], { ip: '198.51.100.7', city: 'Lisbon', country: 'Portugal', count: 79, lastSeen: '2026-11-26T09:00:00.000Z' });
    const q = fake.queries[0]!;
    assert.equal(q.kind, 'sql');
    assert.match(q.sql!, /FROM panther_logs\.public\.okta_systemlog/);
    assert.match(q.sql!, /p_occurs_between\('2026-08-28T00:00:00\.000Z', '2026-11-26T12:00:00\.000Z'\)/);
    assert.match(q.sql!, /LOWER\(actor:alternateId::varchar\) = LOWER\('alice\.martin@acme\.io'\)/);
    assert.match(q.sql!, /eventType::varchar = 'user\.session\.start'/);
    assert.match(q.sql!, /outcome:result::varchar = 'SUCCESS'/);
    assert.equal(q.polls, 3, 'two "running" answers, then the result');
  });

  it('pages through results with endCursor', async () => {
    siem = make({ pageSize: 2 });
    fake.respond = () =>
      Array.from({ length: 5 }, (_, i) => ({ TIME: `2026-11-2${i} 10:00:00`, IP: `198.51.100.${i}`, CITY: 'Lisbon', COUNTRY: 'Portugal', USER_AGENT: 'ua' }));
    const result = await siem.recentLogins({ user: 'alice', logType: 'Okta.SystemLog', from, to, limit: 5 });
    assert.equal(result.logins.length, 5);
    assert.deepEqual(result.logins.map((l) => l.ip), ['198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']);
    assert.ok(fake.queries[0]!.polls >= 5, 'three result pages were read');
  });

  it('runs the indicator search through executeIndicatorSearchQuery and summarizes hits per table', async () => {
    fake.respond = () => [
      { p_log_type: 'Okta.SystemLog', p_event_time: '2026-11-24 09:13:00' },
      { p_log_type: 'Okta.SystemLog', p_event_time: '2026-11-26 11:40:00' },
      { p_log_type: 'AWS.CloudTrail', p_event_time: '2026-11-25 10:00:00' },
    ];
    const result = await siem.indicatorSearch({ indicator: '198.51.100.7', from, to });
    assert.equal(result.hits, 3);
    assert.equal(result.firstSeen, '2026-11-24T09:13:00.000Z');
    assert.equal(result.lastSeen, '2026-11-26T11:40:00.000Z');
    assert.deepEqual(result.tables, [{ table: 'okta_systemlog', hits: 2 }, { table: 'aws_cloudtrail', hits: 1 }]);
    assert.ok(result.link.startsWith('https://acme.runpanther.net/investigate/search/?query=198.51.100.7'));
    const input = fake.queries[0]!.input as { indicators: string[]; indicatorName: string; startTime: string; endTime: string };
    assert.deepEqual(input.indicators, ['198.51.100.7']);
    assert.equal(input.indicatorName, 'p_any_ip_addresses');
    assert.equal(input.startTime, from.toISOString());
  });

  it('says when first/last seen and the table counts come from only part of a busy IP\'s events', async () => {
    fake.respond = () =>
      Array.from({ length: 6_000 }, (_, i) => ({ p_log_type: i % 2 ? 'Okta.SystemLog' : 'AWS.CloudTrail', p_event_time: new Date(Date.parse('2026-11-26T11:00:00Z') - i * 30_000).toISOString() }));
    const result = await siem.indicatorSearch({ indicator: '198.51.100.7', from, to });
    assert.equal(result.hits, 6_000, 'the total is Panther\'s row count');
    assert.ok(result.eventsRead !== undefined && result.eventsRead >= 5_000 && result.eventsRead < 6_000, `read ${result.eventsRead}`);
    assert.equal(result.tables.reduce((n, t) => n + t.hits, 0), result.eventsRead, 'the per-table counts are of the events read');
    const line = describeIndicatorSearch(result)[0]!.map((span) => ('text' in span ? span.text : '')).join('');
    assert.match(line, /in 6000 events over \d+ days, first .*, seen in the 5994 events read · open the search/);
    // All of them read: nothing to say.
    fake.respond = () => [{ p_log_type: 'Okta.SystemLog', p_event_time: '2026-11-24 09:13:00' }];
    assert.equal((await siem.indicatorSearch({ indicator: '198.51.100.7', from, to })).eventsRead, undefined);
  });

  it('refuses an indicator that is not an IP without sending anything', async () => {
    await assert.rejects(siem.indicatorSearch({ indicator: "1.2.3.4' OR 1=1 --", from, to }), SiemQueryError);
    assert.equal(fake.queries.length, 0);
  });

  it('cancels a query that never finishes once its time is up', async () => {
    siem = make({ queryTimeoutMs: 600 });
    fake.neverFinishes = true;
    await expectProviderError(siem.recentLogins({ user: 'alice', logType: 'Okta.SystemLog', from, to, limit: 5 }), 'invalid_request', /still running after .* cancelled/);
    assert.equal(fake.cancellations.length, 1);
    assert.equal(fake.queries[0]!.status, 'cancelled');
  });

  it('gives up at its deadline even while a poll hangs, and cancels the query', async () => {
    siem = make({ queryTimeoutMs: 800 });
    fake.neverFinishes = true;
    // Panther takes 20 s to answer the first poll: the query's time ends long before.
    fake.injectFaults({ match: (r) => r.body.includes('GetDataLakeQuery'), hangMs: 20_000 });
    const started = Date.now();
    await expectProviderError(siem.recentLogins({ user: 'alice', logType: 'Okta.SystemLog', from, to, limit: 5 }), 'invalid_request', /still running after 1 s; cancelled/);
    assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms, not after the hung poll`);
    assert.equal(fake.cancellations.length, 1);
  });

  it('polls again after a poll Panther fails (502), without cancelling or re-running the query', async () => {
    fake.injectFaults({ match: (r) => r.body.includes('GetDataLakeQuery'), status: 502, body: 'Bad Gateway' });
    const result = await siem.recentLogins({ user: 'alice', logType: 'Okta.SystemLog', from, to, limit: 5 });
    assert.ok(result);
    assert.equal(fake.queries.length, 1, 'executed once');
    assert.equal(fake.cancellations.length, 0, 'not cancelled');
    assert.equal(fake.queries[0]!.status, 'succeeded');
  });

  it('cancels the query when the caller gives up (the activity is cancelled)', async () => {
    fake.neverFinishes = true;
    const abort = new AbortController();
    const running = siem.loginLocations({ user: 'alice', logType: 'Okta.SystemLog', from, to, limit: 5 }, abort.signal);
    // Give up once Panther has the query (and so something to cancel).
    assert.ok(await until(() => fake.queries.length > 0, 10_000, 20));
    abort.abort();
    await assert.rejects(running);
    assert.equal(fake.cancellations.length, 1);
  });

  it('reports a failed query with Panther\'s message, and a bad key as a configuration error', async () => {
    fake.respond = () => ({ error: 'SQL compilation error: invalid identifier' });
    await expectProviderError(siem.recentLogins({ user: 'a', logType: 'Okta.SystemLog', from, to, limit: 5 }), 'invalid_request', /invalid identifier/);
    const wrongKey = new PantherSiem({
      client: new PantherClient({ apiUrl: fake.graphqlUrl, apiToken: 'wrong' }),
      consoleUrl: 'x',
      queryTimeoutMs: 1000,
    });
    await expectProviderError(wrongKey.recentLogins({ user: 'a', logType: 'Okta.SystemLog', from, to, limit: 5 }), 'config', /PANTHER_API_TOKEN/);
  });

  it('retries what Panther answers as an internal error, and not its validation errors', async () => {
    fake.injectFaults({ path: '/public/graphql', status: 200, body: { data: null, errors: [{ message: 'Internal server error', path: ['alert'] }] } });
    const alerts = new PantherAlerts(client());
    await expectProviderError(alerts.get('a1'), 'transient', /Panther answered with an error: Internal server error/);
    await expectProviderError(client().graphql('query { noSuchField }', {}), 'invalid_request', /Panther rejected the request: Cannot query field "noSuchField"/);
  });

  it('reads an alert\'s events and writes back a comment and a status', async () => {
    fake.setAlert({ id: 'a1', events: [{ p_log_type: 'Okta.SystemLog', client: { ipAddress: '198.51.100.7' }, actor: { alternateId: 'alice@acme.io' } }] });
    const alerts = new PantherAlerts(client());
    const alert = await alerts.get('a1');
    assert.equal(alert.events.length, 1);
    assert.equal(alert.events[0]!.p_log_type, 'Okta.SystemLog');
    await alerts.comment('a1', 'autotriage found… [autotriage alert/panther/a1]');
    assert.equal(await alerts.hasComment('a1', '[autotriage alert/panther/a1]'), true);
    assert.equal(await alerts.hasComment('a1', '[autotriage alert/panther/other]'), false);
    await alerts.setStatus('a1', 'TRIAGED');
    assert.equal(fake.getAlert('a1')?.status, 'TRIAGED');
  });

  it('write-back: a retry that could not finish its look and its writes before the attempt times out leaves them to the next attempt', async () => {
    const quick = new PantherAlerts(new PantherClient({ apiUrl: fake.graphqlUrl, apiToken: FAKE_CREDENTIALS.pantherApiToken, timeoutMs: 1_000 }));
    const { writeBackToSiem } = createSiemAlertActivities({ panther: { alerts: quick, writeBack: true, comment: true } });
    const alert = { ...forgotPasswordAlert(), alertId: 'slow-comments' };
    fake.setAlert({ id: alert.alertId, events: [] });
    for (let i = 0; i < 60; i++) await quick.comment(alert.alertId, `analyst note ${i}`);
    fake.injectFaults({ method: 'GET', path: '/alert-comments', hangMs: 700 });
    // Calls of at most 1 s, an attempt of 4 s: a page only with 3 s left (the page, the comment, the status).
    const env = new MockActivityEnvironment({ attempt: 2, startToCloseTimeoutMs: 4_000 }, { logger: new DefaultLogger('ERROR') });
    const failed = await env.run(writeBackToSiem, { ticket: ticketInput({ alert }), where: 'auto-closed', event: 'auto-closed', status: 'RESOLVED' as const }).then(
      () => assert.fail('the write-back went ahead'),
      (err: unknown) => err,
    );
    assert.ok(failed instanceof ApplicationFailure && !failed.nonRetryable, String(failed));
    assert.match(failed.message, /looking for an earlier comment: not started with \d+ s of this attempt left/);
    assert.equal(fake.commentsFor(alert.alertId).length, 60, 'no comment added');
    assert.equal(fake.getAlert(alert.alertId)?.status, 'OPEN', 'no status set');
  });

  it('write-back off (a read-only token): a close neither comments nor sets the status, and is skipped, not failed', async () => {
    const { writeBackToSiem } = createSiemAlertActivities({ panther: { alerts: new PantherAlerts(client()), writeBack: false, comment: true, statusOnTicket: 'TRIAGED' } });
    const alert = { ...forgotPasswordAlert(), alertId: 'read-only' };
    fake.setAlert({ id: alert.alertId, events: [] });
    const before = fake.requests.length;
    const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
    for (const input of [
      { ticket: ticketInput({ alert }), where: 'ticketed', event: 'ticketed' },
      { ticket: ticketInput({ alert }), where: 'closed as benign', event: 'closed', status: 'RESOLVED' as const },
    ]) {
      const outcome = await env.run(writeBackToSiem, input);
      assert.deepEqual(outcome, skipped('PANTHER_WRITE_BACK=false: Panther alerts are not updated'));
    }
    assert.equal(fake.requests.length, before, 'nothing was sent to Panther');
    assert.equal(fake.getAlert(alert.alertId)?.status, 'OPEN');
    assert.equal(fake.commentsFor(alert.alertId).length, 0);
  });

  it('takes an empty answer to the comment lookup (a 204, a proxy\'s empty 200) as no comments, not a crash', async () => {
    fake.setAlert({ id: 'empty-page', events: [] });
    const alerts = new PantherAlerts(client());
    fake.injectFaults({ method: 'GET', path: '/alert-comments', status: 204, body: '' });
    assert.equal(await alerts.hasComment('empty-page', '[autotriage alert/panther/empty-page]'), false);
  });

  it('finds its comment on a busy alert, past the first page of comments', async () => {
    fake.setAlert({ id: 'busy', events: [] });
    const alerts = new PantherAlerts(client());
    for (let i = 0; i < 60; i++) await alerts.comment('busy', `analyst note ${i}`);
    await alerts.comment('busy', 'autotriage found… [autotriage alert/panther/busy]');
    assert.equal(await alerts.hasComment('busy', '[autotriage alert/panther/busy]'), true);
    const pages = fake.requests.filter((r) => r.path === '/alert-comments' && r.method === 'GET');
    assert.equal(pages.length, 2, 'two pages of 50');
    assert.equal(await alerts.hasComment('busy', '[autotriage alert/panther/other]'), false);
  });
});

describe('PantherAlertSource (the backfill\'s alert listing) against the Panther fake', () => {
  let fake: PantherFake;
  before(async () => {
    fake = new PantherFake({ apiKey: FAKE_CREDENTIALS.pantherApiToken });
    await fake.start();
  });
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  it('lists the alerts of the range, not its detection or system errors', async () => {
    const origin = { id: 'Okta.BruteForceLogins', name: 'Okta brute force' };
    const at = (m: number) => new Date(Date.UTC(2026, 9, 7, 0, m)).toISOString();
    fake.setAlert({ id: 'listed-rule', origin, createdAt: at(1) });
    fake.setAlert({ id: 'listed-error', origin, type: 'RULE_ERROR', createdAt: at(2) });
    fake.setAlert({ id: 'listed-system', origin, type: 'SYSTEM_ERROR', createdAt: at(3) });
    fake.setAlert({ id: 'listed-scheduled', origin, type: 'SCHEDULED_RULE', createdAt: at(4) });
    const source = new PantherAlertSource(new PantherClient({ apiUrl: fake.graphqlUrl, apiToken: FAKE_CREDENTIALS.pantherApiToken }), 'https://acme.runpanther.net');
    const read: string[] = [];
    for await (const alert of source.list(new Date('2026-10-07T00:00:00Z'), new Date('2026-10-08T00:00:00Z'))) read.push(alert.alertId);
    assert.deepEqual(read, ['listed-rule', 'listed-scheduled']);
  });

  it('stops with an error, after the alerts read so far, when the API hands back the cursor it was given', async () => {
    const origin = { id: 'Okta.BruteForceLogins', name: 'Okta brute force' };
    for (let i = 0; i < 3; i++) fake.setAlert({ id: `stuck-${i}`, origin, createdAt: new Date(Date.UTC(2026, 9, 5, 0, i)).toISOString() });
    // Every page after the first answers the same cursor, with no alerts: a server whose paging is stuck.
    const stuck = { data: { alerts: { edges: [], pageInfo: { hasNextPage: true, endCursor: 'stuck' } } } };
    fake.injectFaults(...Array.from({ length: 5 }, () => ({ match: (r: FakeRequest) => graphqlRootIs('alerts')(r) && !r.body.includes('"cursor":null'), status: 200, body: stuck })));
    const source = new PantherAlertSource(new PantherClient({ apiUrl: fake.graphqlUrl, apiToken: FAKE_CREDENTIALS.pantherApiToken }), 'https://acme.runpanther.net');
    const read: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const alert of source.list(new Date('2026-10-05T00:00:00Z'), new Date('2026-10-06T00:00:00Z'), { pageSize: 2 })) read.push(alert.alertId);
      })(),
      /answered the page after cursor "stuck" with the same cursor: its paging is stuck/,
    );
    assert.deepEqual(read, ['stuck-0', 'stuck-1'], 'the first page was read');
    assert.equal(fake.requests.filter(graphqlRootIs('alerts')).length, 3, 'it stopped at the first repeat');
  });
});
