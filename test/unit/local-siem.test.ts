/**
 * The embedded SIEM: real DuckDB over a small handmade log folder (src/siem/local/local-siem.ts).
 *
 * okta_systemlog/
 *   2025-06-a.jsonl      alice: 3 Lisbon + 2 Porto logins, 1 failure; bob: 2 Berlin logins; 1 malformed line;
 *                        1 bob event whose p_event_time (Jun 16 20:00) differs from published (Jun 2)
 *   2025-06-b.jsonl.gz   alice: 1 Madrid login (gzip)
 * aws_cloudtrail/
 *   2025-06.jsonl        one CloudTrail event from alice's Lisbon IP
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sendError } from '../../src/api/errors';
import { openOnFirstSearch, siemSearchRoutes } from '../../src/api/routes/siem-search';
import { LocalSiem } from '../../src/siem/local/local-siem';
import { searchLinkKey, searchLinkTtlMs, signSearchLink } from '../../src/siem/local/search-link';
import { SiemQueryError } from '../../src/siem/siem';
import { tempDir } from '../helpers/sample-logs';

const PUBLIC_URL = 'http://127.0.0.1:3000';
const FROM = new Date('2025-06-01T00:00:00.000Z');
const TO = new Date('2025-06-19T00:00:00.000Z');
const LISBON = '198.51.100.7';
const PORTO = '198.51.100.20';
const MADRID = '100.64.9.9';
const BERLIN = '203.0.113.9';
const SHIFTED = '192.0.2.55';
const ALICE = 'alice@acme.io';
const BOB = 'bob@acme.io';

interface Login {
  user: string;
  ip: string;
  at: string;
  city?: string;
  country?: string;
  result?: 'SUCCESS' | 'FAILURE';
  eventType?: string;
  pEventTime?: string;
}

/** An Okta System Log LogEvent, trimmed to the fields the SIEM reads plus a few realistic others. */
function oktaEvent(l: Login): Record<string, unknown> {
  return {
    uuid: `${l.user}-${l.at}`,
    published: l.at,
    ...(l.pEventTime ? { p_event_time: l.pEventTime, p_log_type: 'Okta.SystemLog' } : {}),
    eventType: l.eventType ?? 'user.session.start',
    displayMessage: 'User login to Okta',
    severity: 'INFO',
    actor: { id: '00u1abcdEFGHijkl2345', type: 'User', alternateId: l.user, displayName: l.user.split('@')[0] },
    client: {
      ipAddress: l.ip,
      userAgent: { rawUserAgent: `Mozilla/5.0 (${l.city ?? 'unknown'})`, os: 'Mac OS X', browser: 'CHROME' },
      geographicalContext: { city: l.city ?? null, country: l.country ?? null },
    },
    outcome: { result: l.result ?? 'SUCCESS', reason: l.result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null },
    request: { ipChain: [{ ip: l.ip }] },
  };
}

const jsonl = (events: Array<Record<string, unknown>>): string => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

function writeFixture(dir: string): void {
  const okta = path.join(dir, 'okta_systemlog');
  const aws = path.join(dir, 'aws_cloudtrail');
  fs.mkdirSync(okta, { recursive: true });
  fs.mkdirSync(aws, { recursive: true });
  const lines = [
    JSON.stringify(oktaEvent({ user: ALICE, ip: LISBON, at: '2025-06-10T08:00:00.000Z', city: 'Lisbon', country: 'Portugal' })),
    JSON.stringify(oktaEvent({ user: ALICE, ip: PORTO, at: '2025-06-11T09:00:00.000Z', city: 'Porto', country: 'Portugal' })),
    JSON.stringify(oktaEvent({ user: 'ALICE@Acme.io', ip: LISBON, at: '2025-06-12T08:00:00.000Z', city: 'Lisbon', country: 'Portugal' })),
    '{"published": "2025-06-13T00:00:00.000Z", "actor": {"alternateId": "alice@acme.io"', // malformed
    JSON.stringify(oktaEvent({ user: BOB, ip: BERLIN, at: '2025-06-14T07:30:00.000Z', city: 'Berlin', country: 'Germany' })),
    JSON.stringify(oktaEvent({ user: BOB, ip: BERLIN, at: '2025-06-16T07:30:00.000Z', city: 'Berlin', country: 'Germany' })),
    JSON.stringify(oktaEvent({ user: BOB, ip: SHIFTED, at: '2025-06-02T00:00:00.000Z', pEventTime: '2025-06-16 20:00:00.000', city: 'Paris', country: 'France' })),
    JSON.stringify(oktaEvent({ user: ALICE, ip: LISBON, at: '2025-06-17T08:00:00.000Z', city: 'Lisbon', country: 'Portugal' })),
    JSON.stringify(oktaEvent({ user: ALICE, ip: PORTO, at: '2025-06-18T10:00:00.000Z', city: 'Porto', country: 'Portugal' })),
    JSON.stringify(oktaEvent({ user: ALICE, ip: LISBON, at: '2025-06-18T11:50:00.000Z', city: 'Lisbon', country: 'Portugal', result: 'FAILURE' })),
    JSON.stringify(oktaEvent({ user: ALICE, ip: LISBON, at: '2025-06-18T11:51:00.000Z', city: 'Lisbon', country: 'Portugal', eventType: 'user.authentication.sso' })),
  ];
  fs.writeFileSync(path.join(okta, '2025-06-a.jsonl'), lines.join('\n') + '\n');
  fs.writeFileSync(
    path.join(okta, '2025-06-b.jsonl.gz'),
    gzipSync(jsonl([oktaEvent({ user: ALICE, ip: MADRID, at: '2025-06-15T07:00:00.000Z', city: 'Madrid', country: 'Spain' })])),
  );
  fs.writeFileSync(
    path.join(aws, '2025-06.jsonl'),
    jsonl([{ eventTime: '2025-06-09T00:00:00Z', eventName: 'ConsoleLogin', sourceIPAddress: LISBON, userIdentity: { userName: 'alice' } }]),
  );
}


/**
 * Runs `node -e script` as the worker's user sees files: root reads any file, so as root it runs without
 * root's capabilities (setpriv, util-linux). Returns what it printed.
 */
function withoutRootsCapabilities(script: string): string {
  const asRoot = process.getuid?.() === 0;
  const [command, args] = asRoot
    ? ['setpriv', ['--inh-caps=-all', '--bounding-set=-all', process.execPath, '-e', script]]
    : [process.execPath, ['-e', script]];
  return execFileSync(command, args, { encoding: 'utf8' });
}
describe('LocalSiem (DuckDB over JSON-lines logs)', function () {
  this.timeout(60_000);
  let dir: string;
  let siem: LocalSiem;

  before(async () => {
    dir = tempDir('siem');
    writeFixture(dir);
    siem = await LocalSiem.open({ logsDir: dir, publicUrl: PUBLIC_URL });
  });

  after(async () => {
    await siem?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads every well-formed event of .jsonl and .jsonl.gz files and skips the malformed line', async () => {
    const tables = Object.fromEntries((await siem.describe()).map((t) => [t.table, t.rows]));
    assert.deepEqual(tables, { okta_systemlog: 11, aws_cloudtrail: 1 });
  });

  describe('indicatorSearch', () => {
    it('counts hits per table, largest first, with first and last seen across tables', async () => {
      const r = await siem.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
      assert.equal(r.indicator, LISBON);
      assert.equal(r.hits, 6);
      assert.deepEqual(r.tables, [
        { table: 'okta_systemlog', hits: 5 },
        { table: 'aws_cloudtrail', hits: 1 },
      ]);
      assert.equal(r.firstSeen, '2025-06-09T00:00:00.000Z');
      assert.equal(r.lastSeen, '2025-06-18T11:51:00.000Z');
      assert.equal(r.from, FROM.toISOString());
      assert.equal(r.to, TO.toISOString());
      assert.equal(r.days, 18);
    });

    it('links to the results page for the same indicator and range', async () => {
      const r = await siem.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
      const url = new URL(r.link);
      assert.equal(`${url.origin}${url.pathname}`, `${PUBLIC_URL}/siem/search`);
      assert.equal(url.searchParams.get('indicator'), LISBON);
      assert.equal(url.searchParams.get('from'), FROM.toISOString());
      assert.equal(url.searchParams.get('to'), TO.toISOString());
    });

    it('only counts events inside [from, to)', async () => {
      const r = await siem.indicatorSearch({ indicator: LISBON, from: new Date('2025-06-11T00:00:00Z'), to: new Date('2025-06-18T11:50:00Z') });
      assert.equal(r.hits, 2);
      assert.deepEqual(r.tables, [{ table: 'okta_systemlog', hits: 2 }]);
      assert.equal(r.firstSeen, '2025-06-12T08:00:00.000Z');
      assert.equal(r.lastSeen, '2025-06-17T08:00:00.000Z');
    });

    it('matches the indicator exactly (198.51.100.2 does not match 198.51.100.20)', async () => {
      const r = await siem.indicatorSearch({ indicator: '198.51.100.2', from: FROM, to: TO });
      assert.equal(r.hits, 0);
      assert.deepEqual(r.tables, []);
      assert.equal(r.firstSeen, undefined);
    });

    it("uses a Panther export's p_event_time over published", async () => {
      const r = await siem.indicatorSearch({ indicator: SHIFTED, from: FROM, to: TO });
      assert.equal(r.hits, 1);
      assert.equal(r.firstSeen, '2025-06-16T20:00:00.000Z');
      const atPublished = await siem.indicatorSearch({ indicator: SHIFTED, from: FROM, to: new Date('2025-06-03T00:00:00Z') });
      assert.equal(atPublished.hits, 0, 'the published time is not the event time');
    });

    it('treats a hostile indicator as data: `1.2.3.4\' OR 1=1 --` matches nothing', async () => {
      const hostile = "1.2.3.4' OR 1=1 --";
      const r = await siem.indicatorSearch({ indicator: hostile, from: FROM, to: TO });
      assert.equal(r.hits, 0);
      assert.deepEqual(r.tables, []);
      assert.deepEqual(await siem.searchEvents({ indicator: hostile, from: FROM, to: TO }), []);
      const quoted = await siem.indicatorSearch({ indicator: '198.51.100.7" OR "1"="1', from: FROM, to: TO });
      assert.equal(quoted.hits, 0);
    });
  });

  describe('searchEvents', () => {
    it('returns the raw matching events, newest first, for the results page', async () => {
      const hits = await siem.searchEvents({ indicator: LISBON, from: FROM, to: TO });
      assert.equal(hits.length, 6);
      assert.deepEqual(
        hits.map((h) => h.time),
        [
          '2025-06-18T11:51:00.000Z',
          '2025-06-18T11:50:00.000Z',
          '2025-06-17T08:00:00.000Z',
          '2025-06-12T08:00:00.000Z',
          '2025-06-10T08:00:00.000Z',
          '2025-06-09T00:00:00.000Z',
        ],
      );
      assert.equal(hits[5]?.table, 'aws_cloudtrail');
      const newest = JSON.parse(hits[0]?.event ?? '{}') as { client?: { ipAddress?: string }; eventType?: string };
      assert.equal(newest.client?.ipAddress, LISBON);
      assert.equal(newest.eventType, 'user.authentication.sso');
      const aws = JSON.parse(hits[5]?.event ?? '{}') as { eventName?: string };
      assert.equal(aws.eventName, 'ConsoleLogin');
    });

    it('honours the limit', async () => {
      const hits = await siem.searchEvents({ indicator: LISBON, from: FROM, to: TO }, 2);
      assert.deepEqual(hits.map((h) => h.time), ['2025-06-18T11:51:00.000Z', '2025-06-18T11:50:00.000Z']);
    });
  });

  describe('loginLocations', () => {
    it('ranks successful-login IPs by count, with place, count and last seen', async () => {
      const r = await siem.loginLocations({ user: ALICE, logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO });
      assert.equal(r.user, ALICE);
      assert.equal(r.days, 18);
      assert.equal(r.totalLogins, 6, 'failures and SSO events are not logins');
      assert.deepEqual(r.locations, [
        { ip: LISBON, city: 'Lisbon', country: 'Portugal', count: 3, lastSeen: '2025-06-17T08:00:00.000Z' },
        { ip: PORTO, city: 'Porto', country: 'Portugal', count: 2, lastSeen: '2025-06-18T10:00:00.000Z' },
        { ip: MADRID, city: 'Madrid', country: 'Spain', count: 1, lastSeen: '2025-06-15T07:00:00.000Z' },
      ]);
    });

    it('matches the user case-insensitively', async () => {
      const r = await siem.loginLocations({ user: 'Alice@ACME.IO', logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO });
      assert.equal(r.user, 'Alice@ACME.IO');
      assert.equal(r.totalLogins, 6);
      assert.equal(r.locations[0]?.count, 3);
    });

    it('limits the locations but counts every login in the total', async () => {
      const r = await siem.loginLocations({ user: ALICE, logType: 'Okta.SystemLog', limit: 1, from: FROM, to: TO });
      assert.deepEqual(r.locations.map((l) => l.ip), [LISBON]);
      assert.equal(r.totalLogins, 6);
    });

    it('returns no locations for a user without logins', async () => {
      const r = await siem.loginLocations({ user: 'carol@acme.io', logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO });
      assert.deepEqual(r.locations, []);
      assert.equal(r.totalLogins, 0);
    });

    it("treats a hostile user `x' OR '1'='1` as data: zero rows", async () => {
      const hostile = "x' OR '1'='1";
      const locations = await siem.loginLocations({ user: hostile, logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO });
      assert.deepEqual(locations.locations, []);
      assert.equal(locations.totalLogins, 0);
      const recent = await siem.recentLogins({ user: hostile, logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO });
      assert.deepEqual(recent.logins, []);
    });

    it('rejects a LogType without a login profile with SiemQueryError', async () => {
      await assert.rejects(
        siem.loginLocations({ user: ALICE, logType: 'Box.Event', limit: 5, from: FROM, to: TO }),
        (err: unknown) => err instanceof SiemQueryError && /Box\.Event/.test(err.message),
      );
      await assert.rejects(siem.recentLogins({ user: ALICE, logType: 'Nope.Nothing', limit: 5, from: FROM, to: TO }), SiemQueryError);
      for (const inherited of ['constructor', '__proto__', 'toString']) {
        await assert.rejects(siem.recentLogins({ user: ALICE, logType: inherited, limit: 5, from: FROM, to: TO }), SiemQueryError, inherited);
      }
    });
  });

  describe('recentLogins', () => {
    it('lists successful logins newest first, with the limit', async () => {
      const r = await siem.recentLogins({ user: ALICE, logType: 'Okta.SystemLog', limit: 3, from: FROM, to: TO });
      assert.equal(r.user, ALICE);
      assert.deepEqual(r.logins, [
        { time: '2025-06-18T10:00:00.000Z', ip: PORTO, city: 'Porto', country: 'Portugal', userAgent: 'Mozilla/5.0 (Porto)' },
        { time: '2025-06-17T08:00:00.000Z', ip: LISBON, city: 'Lisbon', country: 'Portugal', userAgent: 'Mozilla/5.0 (Lisbon)' },
        { time: '2025-06-15T07:00:00.000Z', ip: MADRID, city: 'Madrid', country: 'Spain', userAgent: 'Mozilla/5.0 (Madrid)' },
      ]);
    });

    it('uses p_event_time for the login time', async () => {
      const r = await siem.recentLogins({ user: BOB, logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO });
      assert.deepEqual(r.logins.map((l) => `${l.time} ${l.ip ?? ''}`), [
        `2025-06-16T20:00:00.000Z ${SHIFTED}`,
        `2025-06-16T07:30:00.000Z ${BERLIN}`,
        `2025-06-14T07:30:00.000Z ${BERLIN}`,
      ]);
    });
  });
  it('reports UTC times whatever the host time zone (TZ=America/New_York)', () => {
    const modulePath = path.resolve(__dirname, '../../src/siem/local/local-siem.js');
    const script = `
      const { LocalSiem } = require(${JSON.stringify(modulePath)});
      (async () => {
        const siem = await LocalSiem.open({ logsDir: ${JSON.stringify(dir)}, publicUrl: 'http://x' });
        const q = { logType: 'Okta.SystemLog', limit: 1, from: new Date('${FROM.toISOString()}'), to: new Date('${TO.toISOString()}') };
        const alice = await siem.recentLogins({ ...q, user: 'alice@acme.io' });
        const bob = await siem.recentLogins({ ...q, user: 'bob@acme.io' });
        process.stdout.write(JSON.stringify([alice.logins[0].time, bob.logins[0].time]));
        await siem.close();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: 'America/New_York' }, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), ['2025-06-18T10:00:00.000Z', '2025-06-16T20:00:00.000Z']);
  });

  describe('new files', () => {
    let liveDir: string;
    let live: LocalSiem;

    before(async () => {
      liveDir = tempDir('siem-live');
      writeFixture(liveDir);
      live = await LocalSiem.open({ logsDir: liveDir, publicUrl: PUBLIC_URL, refreshIntervalMs: 0 });
    });

    after(async () => {
      await live?.close();
      fs.rmSync(liveDir, { recursive: true, force: true });
    });

    it('picks up a file added after the first query, without a restart', async () => {
      const q = { user: ALICE, logType: 'Okta.SystemLog', limit: 1, from: FROM, to: TO };
      assert.equal((await live.recentLogins(q)).logins[0]?.ip, PORTO);
      fs.writeFileSync(
        path.join(liveDir, 'okta_systemlog', '2025-06-c.jsonl'),
        jsonl([oktaEvent({ user: ALICE, ip: '192.0.2.200', at: '2025-06-18T11:00:00.000Z', city: 'Faro', country: 'Portugal' })]),
      );
      assert.deepEqual((await live.recentLogins(q)).logins[0], {
        time: '2025-06-18T11:00:00.000Z',
        ip: '192.0.2.200',
        city: 'Faro',
        country: 'Portugal',
        userAgent: 'Mozilla/5.0 (Faro)',
      });
      assert.equal((await live.indicatorSearch({ indicator: '192.0.2.200', from: FROM, to: TO })).hits, 1);
    });

    it('picks up a new table folder', async () => {
      const folder = path.join(liveDir, 'gsuite_reports');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'a.jsonl'), jsonl([{ id: { time: '2025-06-18T09:00:00.000Z' }, ipAddress: '192.0.2.201' }]));
      const r = await live.indicatorSearch({ indicator: '192.0.2.201', from: FROM, to: TO });
      assert.deepEqual(r.tables, [{ table: 'gsuite_reports', hits: 1 }]);
      assert.equal(r.firstSeen, '2025-06-18T09:00:00.000Z');
    });

    it('reads epoch times (seconds, milliseconds, as numbers or digits), and warns of events with no time it can read', async () => {
      const warnings: string[] = [];
      const dir = tempDir('siem-epoch');
      fs.mkdirSync(path.join(dir, 'crowdstrike_fdrevent'));
      const ip = '203.0.113.45';
      const inWindow = Date.parse('2025-06-10T12:00:00Z');
      fs.writeFileSync(
        path.join(dir, 'crowdstrike_fdrevent', 'a.jsonl'),
        jsonl([
          { timestamp: String(inWindow), aip: ip }, // CrowdStrike: milliseconds, as a string
          { time: inWindow / 1000 + 60, aip: ip }, // seconds, as a number
          { timestamp: inWindow + 120_000, aip: ip }, // milliseconds, as a number
          { timestamp: '2025-06-10T12:03:00Z', aip: ip },
          { created: 'yesterday', aip: ip }, // no time field it knows
          { timestamp: 35, time: '2025-06-10T12:04:00Z', aip: ip }, // `timestamp` a duration: the next field is the time
        ]),
      );
      const siem = await LocalSiem.open({ logsDir: dir, publicUrl: PUBLIC_URL, refreshIntervalMs: 0, onWarning: (m) => warnings.push(m) });
      try {
        const r = await siem.indicatorSearch({ indicator: ip, from: FROM, to: TO });
        assert.equal(r.hits, 5, 'the five timed events, whatever their format');
        assert.equal(r.firstSeen, '2025-06-10T12:00:00.000Z');
        assert.equal(r.lastSeen, '2025-06-10T12:04:00.000Z');
        assert.ok(warnings.some((w) => /1 of 6 events in crowdstrike_fdrevent\/ have no time/.test(w) && w.includes('p_event_time')), warnings.join('\n'));
        // Outside the window by its epoch time: not counted.
        assert.equal((await siem.indicatorSearch({ indicator: ip, from: new Date('2025-06-11T00:00:00Z'), to: TO })).hits, 0);
      } finally {
        await siem.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('skips a file it cannot read (a .gz that is not gzip yet), with a warning, and still answers from the rest of its table', async () => {
      const warnings: string[] = [];
      const dir = tempDir('siem-bad-file');
      writeFixture(dir);
      const bad = path.join(dir, 'okta_systemlog', '2025-06-z.jsonl.gz');
      const good = gzipSync(jsonl([oktaEvent({ user: ALICE, ip: '192.0.2.202', at: '2025-06-18T11:30:00.000Z', city: 'Braga', country: 'Portugal' })]));
      fs.writeFileSync(bad, 'partial copy, not gzip yet');
      const siem = await LocalSiem.open({ logsDir: dir, publicUrl: PUBLIC_URL, refreshIntervalMs: 0, onWarning: (m) => warnings.push(m) });
      try {
        const q = { user: ALICE, logType: 'Okta.SystemLog', limit: 1, from: FROM, to: TO };
        assert.equal((await siem.recentLogins(q)).logins[0]?.ip, PORTO, 'the readable files of the table answer');
        assert.ok((await siem.indicatorSearch({ indicator: LISBON, from: FROM, to: TO })).hits > 0, 'and the indicator search');
        assert.ok(warnings.some((w) => w.includes('2025-06-z.jsonl.gz') && /cannot be read/.test(w)), warnings.join('\n'));
        fs.writeFileSync(bad, good); // the copy completes: picked up
        assert.equal((await siem.recentLogins(q)).logins[0]?.ip, '192.0.2.202');
        // A new folder whose only file cannot be read yet: no table for it, and the others still answer.
        fs.mkdirSync(path.join(dir, 'gsuite_reports'));
        fs.writeFileSync(path.join(dir, 'gsuite_reports', 'a.jsonl.gz'), 'partial copy, not gzip yet');
        assert.ok((await siem.indicatorSearch({ indicator: LISBON, from: FROM, to: TO })).hits > 0, 'the indicator search runs over the readable tables');
        await assert.rejects(
          siem.recentLogins({ ...q, logType: 'GSuite.ActivityEvent' }),
          (err: unknown) => err instanceof SiemQueryError && /no .*logs|gsuite_reports/i.test(err.message),
        );
        assert.equal(warnings.filter((w) => w.includes('gsuite_reports')).length, 1, 'warned once, not at every refresh');
      } finally {
        await siem.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("skips a table folder the worker's user cannot list, with one warning, and answers from the other tables", () => {
    // Root reads any folder: as root, the check runs without root's capabilities (setpriv, util-linux).
    const dir = tempDir('siem-unlistable');
    writeFixture(dir); // okta_systemlog and aws_cloudtrail, both with the IP
    fs.chmodSync(path.join(dir, 'aws_cloudtrail'), 0o000);
    const modulePath = path.resolve(__dirname, '../../src/siem/local/local-siem.js');
    const script = `
      const { LocalSiem } = require(${JSON.stringify(modulePath)});
      (async () => {
        const warnings = [];
        const siem = await LocalSiem.open({ logsDir: ${JSON.stringify(dir)}, publicUrl: 'http://x', refreshIntervalMs: 0, onWarning: (m) => warnings.push(m) });
        const window = { from: new Date('${FROM.toISOString()}'), to: new Date('${TO.toISOString()}') };
        const first = await siem.indicatorSearch({ indicator: ${JSON.stringify(LISBON)}, ...window });
        const again = await siem.recentLogins({ ...window, user: 'alice@acme.io', logType: 'Okta.SystemLog', limit: 1 });
        process.stdout.write(JSON.stringify({ tables: first.tables.map((t) => t.table), login: again.logins.length, warnings }));
        await siem.close();
      })().catch((e) => { process.stdout.write(JSON.stringify({ error: String(e.message) })); });`;
    try {
      const out = JSON.parse(withoutRootsCapabilities(script)) as {
        tables?: string[];
        login?: number;
        warnings?: string[];
        error?: string;
      };
      assert.equal(out.error, undefined, out.error);
      assert.deepEqual(out.tables, ['okta_systemlog'], 'the indicator search answers from the readable table');
      assert.equal(out.login, 1, 'and the login queries too');
      assert.equal(out.warnings?.length, 1, `warned once over two refreshes: ${out.warnings?.join(' | ')}`);
      assert.match(out.warnings?.[0] ?? '', /aws_cloudtrail, which cannot be listed \(EACCES\)/);
    } finally {
      fs.chmodSync(path.join(dir, 'aws_cloudtrail'), 0o755);
    }
  });

  it('reads a file it skipped as unreadable once its permissions are fixed (a chown or chmod changes neither its size nor its modification time)', () => {
    const dir = tempDir('siem-chmod');
    writeFixture(dir);
    const file = path.join(dir, 'okta_systemlog', '2025-06-zz.jsonl');
    fs.writeFileSync(file, jsonl([oktaEvent({ user: ALICE, ip: '192.0.2.203', at: '2025-06-18T11:45:00.000Z', city: 'Braga', country: 'Portugal' })]));
    fs.chmodSync(file, 0o000);
    const modulePath = path.resolve(__dirname, '../../src/siem/local/local-siem.js');
    // Without root's capabilities (as the worker's user): the file is unreadable until its owner fixes it.
    const script = `
      const fs = require('node:fs');
      const { LocalSiem } = require(${JSON.stringify(modulePath)});
      (async () => {
        const warnings = [];
        const siem = await LocalSiem.open({ logsDir: ${JSON.stringify(dir)}, publicUrl: 'http://x', refreshIntervalMs: 0, onWarning: (m) => warnings.push(m) });
        const search = { indicator: '192.0.2.203', from: new Date('${FROM.toISOString()}'), to: new Date('${TO.toISOString()}') };
        const before = (await siem.indicatorSearch(search)).hits;
        fs.chmodSync(${JSON.stringify(file)}, 0o644);
        const after = (await siem.indicatorSearch(search)).hits;
        process.stdout.write(JSON.stringify({ before, after, warnings }));
        await siem.close();
      })().catch((e) => { process.stdout.write(JSON.stringify({ error: String(e.message) })); });`;
    try {
      const out = JSON.parse(withoutRootsCapabilities(script)) as { before?: number; after?: number; warnings?: string[]; error?: string };
      assert.equal(out.error, undefined, out.error);
      assert.equal(out.before, 0, 'skipped while unreadable');
      assert.ok(out.warnings?.some((w) => w.includes('2025-06-zz.jsonl') && /cannot be read/.test(w)), out.warnings?.join(' | '));
      assert.equal(out.after, 1, 'read once readable');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects login queries when the LogType has no logs with SiemQueryError', async () => {
    const emptyDir = tempDir('siem-empty');
    const empty = await LocalSiem.open({ logsDir: emptyDir, publicUrl: PUBLIC_URL });
    try {
      await assert.rejects(
        empty.recentLogins({ user: ALICE, logType: 'Okta.SystemLog', limit: 5, from: FROM, to: TO }),
        (err: unknown) => err instanceof SiemQueryError && /okta_systemlog/.test(err.message),
      );
      const r = await empty.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
      assert.equal(r.hits, 0);
    } finally {
      await empty.close();
      fs.rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('opens the SIEM on the first search, keeps it, and tries again after an open that failed', async () => {
    let opens = 0;
    const source = openOnFirstSearch(async () => {
      opens++;
      if (opens === 1) throw new Error('logs folder not readable yet');
      return { opened: opens };
    });
    await assert.rejects(source(), /not readable yet/);
    assert.deepEqual(await source(), { opened: 2 });
    assert.equal(await source(), await source());
    assert.equal(opens, 2);
  });

  describe('results page (GET /siem/search, over real HTTP)', () => {
    const KEY = searchLinkKey('webhook-secret-of-this-test');
    let signing: LocalSiem;
    let servers: Server[] = [];

    async function serve(linkKey?: Buffer): Promise<string> {
      const app = express();
      app.use(siemSearchRoutes(async () => signing, linkKey));
      app.use((_req, res) => sendError(res, 404, 'not found'));
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    /** The ticket's link, pointed at the test server. */
    const at = (base: string, link: string) => `${base}${new URL(link).pathname}${new URL(link).search}`;

    before(async () => {
      signing = await LocalSiem.open({ logsDir: dir, publicUrl: PUBLIC_URL, linkKey: KEY });
    });
    after(async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      servers = [];
      await signing?.close();
    });

    it('opens the signed link of a ticket and lists the raw events', async () => {
      const base = await serve(KEY);
      const { link } = await signing.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
      const res = await fetch(at(base, link));
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.ok(html.includes(LISBON));
      assert.match(html, /6 event\(s\)/);
    });

    it('refuses an unsigned, re-signed or edited link with 403 when the API is exposed', async () => {
      const base = await serve(KEY);
      const { link } = await signing.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
      const edit = (name: string, value: string | undefined) => {
        const u = new URL(at(base, link));
        if (value === undefined) u.searchParams.delete(name);
        else u.searchParams.set(name, value);
        return u;
      };
      const otherKeyLink = (await LocalSiem.open({ logsDir: dir, publicUrl: PUBLIC_URL, linkKey: searchLinkKey('another secret') }).then(async (s) => {
        try {
          return (await s.indicatorSearch({ indicator: LISBON, from: FROM, to: TO })).link;
        } finally {
          await s.close();
        }
      }));
      const longer = String(Number(new URL(link).searchParams.get('exp')) + 86_400 * 365);
      for (const forged of [edit('sig', undefined), edit('exp', undefined), edit('exp', longer), edit('indicator', BERLIN), edit('from', '2025-05-01T00:00:00.000Z'), new URL(at(base, otherKeyLink))]) {
        const res = await fetch(forged);
        assert.equal(res.status, 403, forged.search);
        assert.match(((await res.json()) as { error: string }).error, /not signed by autotriage/);
      }
    });

    it('refuses a signed link past its expiry (30 days after the ticket)', async () => {
      const base = await serve(KEY);
      const { link } = await signing.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
      const exp = Number(new URL(link).searchParams.get('exp'));
      const days = (exp * 1000 - Date.now()) / 86_400_000;
      assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
      const q = { indicator: LISBON, from: FROM.toISOString(), to: TO.toISOString(), exp: Math.floor(Date.now() / 1000) - 60 };
      const expired = new URLSearchParams({ ...q, exp: String(q.exp), sig: signSearchLink(KEY, q) });
      const res = await fetch(`${base}/siem/search?${expired.toString()}`);
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as { error: string }).error, /expired/);
    });

    it('signs links for as long as a ticket can be open when MAX_OPEN is longer than 30 days', async () => {
      const DAY = 86_400_000;
      assert.equal(searchLinkTtlMs({ maxOpenMs: 60 * DAY, reopenWindowMs: DAY }), 61 * DAY);
      assert.equal(searchLinkTtlMs({ maxOpenMs: 7 * DAY, reopenWindowMs: DAY }), 30 * DAY, 'never shorter than the default');
      const longLived = await LocalSiem.open({ logsDir: dir, publicUrl: PUBLIC_URL, linkKey: KEY, linkTtlMs: 61 * DAY });
      try {
        const { link } = await longLived.indicatorSearch({ indicator: LISBON, from: FROM, to: TO });
        const days = (Number(new URL(link).searchParams.get('exp')) * 1000 - Date.now()) / DAY;
        assert.ok(days > 60.9 && days <= 61, `expires in ${days} days`);
      } finally {
        await longLived.close();
      }
    });

    it('answers unsigned links when the API is loopback-only (no WEBHOOK_SECRET)', async () => {
      const base = await serve(undefined);
      const res = await fetch(`${base}/siem/search?indicator=${LISBON}&from=${FROM.toISOString()}&to=${TO.toISOString()}`);
      assert.equal(res.status, 200);
      assert.ok((await res.text()).includes(LISBON));
    });

    it('searches IP indicators only, over at most 91 days, naming the wrong field', async () => {
      const base = await serve(undefined);
      const cases: Array<[Record<string, string>, string]> = [
        [{ indicator: 'SUCCESS', from: FROM.toISOString(), to: TO.toISOString() }, 'indicator'],
        [{ indicator: ALICE, from: FROM.toISOString(), to: TO.toISOString() }, 'indicator'],
        [{ indicator: LISBON, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }, 'to'],
        [{ indicator: LISBON, from: TO.toISOString(), to: FROM.toISOString() }, 'to'],
      ];
      for (const [query, field] of cases) {
        const res = await fetch(`${base}/siem/search?${new URLSearchParams(query).toString()}`);
        assert.equal(res.status, 400, JSON.stringify(query));
        const body = (await res.json()) as { details: Array<{ field: string; message: string }> };
        assert.ok(body.details.some((d) => d.field === field), `${JSON.stringify(query)}: ${JSON.stringify(body.details)}`);
        if (field === 'indicator') assert.equal(body.details[0]?.message, 'must be an IPv4 or IPv6 address');
      }
    });
  });
});
