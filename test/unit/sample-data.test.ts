import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import {
  ATTACKER_IP,
  SAMPLE_SCENARIOS,
  generateOktaEvents,
  isSampleRangeIp,
  type OktaLogEvent,
} from '../../src/sample-data/okta-events';
import { MANIFEST_FILE, OKTA_LOG_FOLDER, STAGING_FOLDER, writeSampleLogs, type SampleManifest } from '../../src/sample-data/write-logs';
import { main, parseArgs } from '../../src/sample-data/cli';

const NOW = new Date('2025-06-18T14:30:00.000Z');
const NOW_MS = NOW.getTime();
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ALICE = 'alice.martin@acme.io';
const BOB = 'bob.keller@acme.io';

const ISO_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function assertKeys(obj: unknown, keys: readonly string[], where: string): asserts obj is Record<string, unknown> {
  assert.ok(isObject(obj), `${where} is not an object`);
  for (const k of keys) assert.ok(k in obj, `${where} is missing "${k}"`);
}

function assertGeo(geo: unknown, where: string): void {
  assertKeys(geo, ['city', 'state', 'country', 'postalCode', 'geolocation'], where);
  assert.equal(typeof geo.city, 'string', `${where}.city`);
  assert.equal(typeof geo.country, 'string', `${where}.country`);
  assert.ok(String(geo.country).length > 3, `${where}.country should be a full name`);
  assertKeys(geo.geolocation, ['lat', 'lon'], `${where}.geolocation`);
  assert.equal(typeof geo.geolocation.lat, 'number');
  assert.equal(typeof geo.geolocation.lon, 'number');
}

/** Checks one event against the real Okta LogEvent shape. */
function assertOktaShape(e: OktaLogEvent): void {
  const where = `event ${e.uuid}`;
  assertKeys(e, [
    'uuid', 'published', 'eventType', 'legacyEventType', 'displayMessage', 'severity', 'version', 'actor', 'client',
    'authenticationContext', 'outcome', 'securityContext', 'debugContext', 'transaction', 'request', 'target',
  ], where);
  assert.match(e.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${where} uuid`);
  assert.match(e.published, ISO_MS_Z, `${where} published`);
  assert.equal(new Date(e.published).toISOString(), e.published);
  assert.match(e.eventType, /^[a-z_]+(\.[a-z_]+)+$/);
  assert.equal(e.version, '0');
  assert.ok(['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(e.severity));
  assert.equal(typeof e.displayMessage, 'string');

  assertKeys(e.actor, ['id', 'type', 'alternateId', 'displayName'], `${where}.actor`);
  assert.equal(e.actor.type, 'User');
  if (e.actor.id !== 'unknown') {
    assert.match(e.actor.id, /^00u[A-Za-z0-9]{17}$/, `${where} actor.id`);
    assert.match(e.actor.alternateId, /^[a-z0-9.]+@acme\.io$/, `${where} actor.alternateId`);
  } else {
    assert.equal(e.outcome.reason, 'UNKNOWN_USER');
  }

  assertKeys(e.client, ['userAgent', 'zone', 'device', 'id', 'ipAddress', 'geographicalContext'], `${where}.client`);
  assertKeys(e.client.userAgent, ['rawUserAgent', 'os', 'browser'], `${where}.client.userAgent`);
  assert.equal(e.client.id, null);
  assert.match(e.client.ipAddress, IPV4, `${where} client.ipAddress`);
  assertGeo(e.client.geographicalContext, `${where}.client.geographicalContext`);

  assertKeys(e.authenticationContext, ['authenticationProvider', 'credentialProvider', 'credentialType', 'issuer', 'interface', 'authenticationStep', 'externalSessionId'], `${where}.authenticationContext`);
  assertKeys(e.outcome, ['result', 'reason'], `${where}.outcome`);
  assert.ok(['SUCCESS', 'FAILURE'].includes(e.outcome.result));
  if (e.outcome.result === 'FAILURE') assert.equal(typeof e.outcome.reason, 'string');
  assertKeys(e.securityContext, ['asNumber', 'asOrg', 'isp', 'domain', 'isProxy'], `${where}.securityContext`);
  assert.equal(typeof e.securityContext.isProxy, 'boolean');
  assertKeys(e.debugContext.debugData, ['requestId', 'requestUri', 'url', 'threatSuspected'], `${where}.debugData`);
  assertKeys(e.transaction, ['type', 'id', 'detail'], `${where}.transaction`);
  assert.equal(e.transaction.type, 'WEB');
  assert.equal(e.transaction.id, e.debugContext.debugData.requestId);

  assert.equal(e.request.ipChain.length, 1);
  const hop = e.request.ipChain[0];
  assert.ok(hop);
  assertKeys(hop, ['ip', 'geographicalContext', 'version', 'source'], `${where}.ipChain[0]`);
  assert.equal(hop.ip, e.client.ipAddress);
  assert.equal(hop.version, 'V4');
  assert.equal(hop.source, null);
  assertGeo(hop.geographicalContext, `${where}.ipChain[0].geographicalContext`);

  assert.ok(e.target === null || Array.isArray(e.target), `${where} target`);
  if (e.eventType === 'user.authentication.sso') {
    assert.ok(e.target && e.target.some((t) => t.type === 'AppInstance'), `${where} SSO without AppInstance target`);
  }
}

const isLogin = (e: OktaLogEvent): boolean => e.eventType === 'user.session.start';
const isSuccessLogin = (e: OktaLogEvent): boolean => isLogin(e) && e.outcome.result === 'SUCCESS';

describe('sample-data: Okta System Log generator', function () {
  this.timeout(60_000);

  let events: OktaLogEvent[] = [];

  before(() => {
    events = generateOktaEvents({ now: NOW }); // defaults: 90 days, 250 users
  });

  it('is deterministic for the same seed and now, and varies with the seed', () => {
    const opts = { now: NOW, days: 10, users: 20, seed: 7 };
    const a = JSON.stringify(generateOktaEvents(opts));
    const b = JSON.stringify(generateOktaEvents(opts));
    assert.equal(a, b);
    const c = JSON.stringify(generateOktaEvents({ ...opts, seed: 8 }));
    assert.notEqual(a, c);
  });

  it('produces a realistic volume for the defaults', () => {
    assert.ok(events.length >= 40_000 && events.length <= 70_000, `event count ${events.length}`);
    const bytes = events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
    assert.ok(bytes < 80 * 1_048_576, `total size ${bytes}`);
  });

  it('sorts events by published and keeps them inside the window', () => {
    const start = NOW_MS - 90 * DAY;
    let prev = -Infinity;
    for (const e of events) {
      const t = Date.parse(e.published);
      assert.ok(t >= prev, `out of order at ${e.published}`);
      assert.ok(t > start && t <= NOW_MS, `outside the window: ${e.published}`);
      prev = t;
    }
    assert.equal(new Set(events.map((e) => e.uuid)).size, events.length, 'uuids are unique');
  });

  it('shapes every event like a real Okta LogEvent', () => {
    for (const e of events) assertOktaShape(e);
  });

  it('covers the expected event types and background behaviour', () => {
    const types = new Set(events.map((e) => e.eventType));
    for (const t of ['user.session.start', 'user.authentication.sso', 'user.authentication.auth_via_mfa', 'user.account.reset_password']) {
      assert.ok(types.has(t), `missing ${t}`);
    }
    assert.ok(events.some((e) => e.outcome.reason === 'UNKNOWN_USER'), 'UNKNOWN_USER noise');
    assert.ok(events.some((e) => e.securityContext.isProxy && isSampleRangeIp(e.client.ipAddress)), 'VPN logins');
    const locks = events.filter((e) => e.eventType === 'user.account.lock');
    for (const l of locks) assert.equal(l.displayMessage, 'Max sign in attempts exceeded');
    const actors = new Set(events.filter((e) => e.actor.id !== 'unknown').map((e) => e.actor.alternateId));
    assert.equal(actors.size, 250);
    const cities = new Set(events.map((e) => `${e.client.geographicalContext.city}|${e.client.geographicalContext.country}`));
    assert.ok(cities.size >= 20 && cities.size <= 50, `distinct cities ${cities.size}`);
    // Office egress IPs are shared by many people.
    const officeUsers = new Set(events.filter((e) => e.client.ipAddress === '198.51.100.21').map((e) => e.actor.alternateId));
    assert.ok(officeUsers.size >= 5, `Berlin office users ${officeUsers.size}`);
  });

  it("makes 198.51.100.7 Alice's top successful-login IP and puts her 6 failures in the last hour", () => {
    const counts = new Map<string, number>();
    for (const e of events) {
      if (e.actor.alternateId === ALICE && isSuccessLogin(e)) counts.set(e.client.ipAddress, (counts.get(e.client.ipAddress) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    assert.equal(ranked[0]?.[0], '198.51.100.7');
    assert.ok(counts.has('198.51.100.20'), 'Alice sometimes signs in from the Porto office');

    const lastHour = events.filter((e) => e.actor.alternateId === ALICE && Date.parse(e.published) > NOW_MS - HOUR);
    assert.equal(lastHour.length, 6);
    for (const e of lastHour) {
      assert.equal(e.eventType, 'user.session.start');
      assert.equal(e.outcome.result, 'FAILURE');
      assert.equal(e.outcome.reason, 'INVALID_CREDENTIALS');
      assert.equal(e.client.ipAddress, '198.51.100.7');
      assert.equal(e.client.geographicalContext.city, 'Lisbon');
      assert.equal(e.client.geographicalContext.country, 'Portugal');
    }
    const first = Date.parse(lastHour[0]?.published ?? '');
    const last = Date.parse(lastHour[5]?.published ?? '');
    assert.ok(last - first <= 11 * MINUTE, 'within ~10 minutes');
    assert.ok(NOW_MS - last >= 4 * MINUTE && NOW_MS - last <= 6 * MINUTE, 'ends ~5 minutes before now');
  });

  it('keeps the attacker IP to the last hour: a spray ending in one success for Bob', () => {
    const attack = events.filter((e) => e.client.ipAddress === ATTACKER_IP || e.request.ipChain.some((h) => h.ip === ATTACKER_IP));
    assert.ok(attack.length > 0);
    for (const e of attack) {
      assert.ok(Date.parse(e.published) > NOW_MS - HOUR, `attacker IP before the last hour: ${e.published}`);
      assert.equal(e.client.geographicalContext.city, 'Frankfurt am Main');
      assert.equal(e.client.geographicalContext.country, 'Germany');
      assert.equal(e.securityContext.isProxy, true);
      assert.equal(e.securityContext.asOrg, 'F3 Netze e.V.');
      assert.equal(e.client.userAgent.rawUserAgent, 'python-requests/2.31.0');
    }
    const failures = attack.filter((e) => e.outcome.result === 'FAILURE');
    assert.ok(failures.length >= 22 && failures.length <= 30, `failures ${failures.length}`);
    for (const f of failures) assert.equal(f.outcome.reason, 'INVALID_CREDENTIALS');
    const victims = new Set(failures.map((e) => e.actor.alternateId));
    assert.ok(victims.has(BOB));
    assert.ok(victims.size - 1 >= 5 && victims.size - 1 <= 10, `other victims ${victims.size - 1}`);
    const firstFail = Date.parse(failures[0]?.published ?? '');
    const lastFail = Date.parse(failures[failures.length - 1]?.published ?? '');
    assert.ok(lastFail - firstFail >= 12 * MINUTE && lastFail - firstFail <= 18 * MINUTE, 'spray lasts ~15 minutes');
    assert.ok(NOW_MS - lastFail >= 2.5 * MINUTE && NOW_MS - lastFail <= 4 * MINUTE, 'spray ends ~3 minutes before now');

    const successes = attack.filter((e) => e.outcome.result === 'SUCCESS');
    assert.equal(successes.length, 1);
    const win = successes[0];
    assert.ok(win);
    assert.equal(win.actor.alternateId, BOB);
    assert.equal(win.eventType, 'user.session.start');
    assert.equal(NOW_MS - Date.parse(win.published), 2 * MINUTE);

    // Bob normally signs in from Berlin.
    const bobHome = events.filter((e) => e.actor.alternateId === BOB && isSuccessLogin(e) && e.client.ipAddress !== ATTACKER_IP);
    assert.ok(bobHome.length > 20);
    const berlin = bobHome.filter((e) => e.client.geographicalContext.city === 'Berlin').length;
    assert.ok(berlin / bobHome.length > 0.8);
  });

  it('draws every other IP from the documentation / shared ranges', () => {
    for (const e of events) {
      for (const ip of [e.client.ipAddress, ...e.request.ipChain.map((h) => h.ip)]) {
        if (ip === ATTACKER_IP) continue;
        assert.ok(isSampleRangeIp(ip), `IP outside the allowed ranges: ${ip}`);
      }
    }
    assert.equal(isSampleRangeIp('8.8.8.8'), false);
    assert.equal(isSampleRangeIp('100.128.0.1'), false);
    assert.equal(isSampleRangeIp('198.19.255.255'), true);
  });

  it('exports the scenarios with the alert fields Panther would send', () => {
    const fp = SAMPLE_SCENARIOS.forgotPassword;
    assert.equal(fp.user, ALICE);
    assert.equal(fp.displayName, 'Alice Martin');
    assert.equal(fp.ip, '198.51.100.7');
    assert.equal(fp.homeCity, 'Lisbon');
    assert.equal(fp.homeCountry, 'Portugal');
    assert.equal(fp.detectionId, 'Okta.BruteForceLogins');
    assert.equal(fp.title, 'Suspected brute force Okta logins to account alice.martin@acme.io, due to [INVALID_CREDENTIALS]');
    const aliceFailure = events.find((e) => e.actor.alternateId === ALICE && Date.parse(e.published) > NOW_MS - HOUR);
    assert.ok(aliceFailure);
    const ctx = fp.alertContext;
    assert.deepEqual(ctx.actor, aliceFailure.actor);
    assert.deepEqual(ctx.client, aliceFailure.client);
    assert.deepEqual(ctx.outcome, aliceFailure.outcome);
    assert.deepEqual(ctx.ips, ['198.51.100.7']);
    assert.equal(ctx.event_type, '');
    assert.deepEqual(ctx.debug_context, {});
    assert.deepEqual(ctx.authentication_context, {});
    assert.deepEqual(ctx.security_context, {});

    const at = SAMPLE_SCENARIOS.attack;
    assert.equal(at.user, BOB);
    assert.equal(at.displayName, 'Bob Keller');
    assert.equal(at.ip, ATTACKER_IP);
    assert.equal(at.homeCity, 'Berlin');
    assert.equal(at.homeCountry, 'Germany');
    assert.equal(at.detectionId, 'Standard.BruteForceByUser');
    assert.equal(at.title, 'Okta.SystemLog: User [bob.keller@acme.io] has exceeded the failed logins threshold');
    assert.deepEqual(at.alertContext, {
      geolocation: 'Frankfurt am Main, Hesse in Germany',
      ip: '185.220.101.47',
      reverse_lookup: 'No reverse lookup hostname',
      ip_org: 'F3 Netze e.V.',
      parseDelay: '0 minute(s) 41 second(s)',
    });
  });

  it('places both scenarios in the last hour even for tiny populations', () => {
    const small = generateOktaEvents({ now: NOW, days: 2, users: 8, seed: 1 });
    const lastHour = small.filter((e) => Date.parse(e.published) > NOW_MS - HOUR);
    assert.equal(lastHour.filter((e) => e.actor.alternateId === ALICE).length, 6);
    assert.equal(lastHour.filter((e) => e.client.ipAddress === ATTACKER_IP && e.outcome.result === 'SUCCESS').length, 1);
  });

  it('rejects invalid options', () => {
    assert.throws(() => generateOktaEvents({ now: NOW, users: 3 }), RangeError);
    assert.throws(() => generateOktaEvents({ now: NOW, days: 0 }), RangeError);
    assert.throws(() => generateOktaEvents({ now: new Date('nope') }), RangeError);
  });
});

describe('sample-data: writeSampleLogs and CLI', function () {
  this.timeout(60_000);

  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'autotriage-sample-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSONL file per UTC day plus the manifest, replacing only its own files', async () => {
    const logDir = path.join(dir, OKTA_LOG_FOLDER);
    await mkdir(logDir, { recursive: true });
    // A previous run wrote 2000-01-01.jsonl (its manifest says so); someone added 2000-01-02.jsonl.
    await writeFile(path.join(logDir, '2000-01-01.jsonl'), '{"stale":true}\n');
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ files: ['2000-01-01.jsonl'] }));
    await writeFile(path.join(logDir, '2000-01-02.jsonl'), '{"theirs":true}\n');
    await writeFile(path.join(logDir, 'README.txt'), 'not ours\n');

    const messages: string[] = [];
    const result = await writeSampleLogs(dir, { now: NOW, days: 5, users: 12, seed: 3, onProgress: (m) => messages.push(m) });

    const names = (await readdir(logDir)).sort();
    assert.ok(!names.includes('2000-01-01.jsonl'), 'stale sample file removed');
    assert.ok(names.includes('README.txt'), 'foreign file kept');
    assert.ok(names.includes('2000-01-02.jsonl'), 'a day file the generator did not write is kept');

    assert.ok(!names.includes('_sample.json'));
    const logFiles = names.filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n) && n !== '2000-01-02.jsonl');
    assert.equal(logFiles.length, result.files);
    assert.ok(result.files >= 5 && result.files <= 6, `files ${result.files}`);

    let total = 0;
    let bytes = 0;
    const all: OktaLogEvent[] = [];
    for (const name of logFiles) {
      const text = await readFile(path.join(logDir, name), 'utf8');
      bytes += Buffer.byteLength(text);
      const lines = text.split('\n');
      assert.equal(lines.pop(), '', 'file ends with a newline');
      for (const line of lines) {
        const e = JSON.parse(line) as OktaLogEvent;
        assert.equal(e.published.slice(0, 10), name.slice(0, 10));
        all.push(e);
      }
      total += lines.length;
    }
    assert.equal(total, result.events);
    assert.equal(bytes, result.bytes);
    assert.equal(result.from, all[0]?.published);
    assert.equal(result.to, all[all.length - 1]?.published);
    assert.deepEqual(all, generateOktaEvents({ now: NOW, days: 5, users: 12, seed: 3 }));
    assert.ok(messages.length > result.files, 'progress reported');

    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as SampleManifest;
    assert.equal(manifest.now, NOW.toISOString());
    assert.equal(manifest.days, 5);
    assert.equal(manifest.users, 12);
    assert.equal(manifest.seed, 3);
    assert.equal(manifest.events, result.events);
    assert.ok(!Number.isNaN(Date.parse(manifest.generatedAt)));
    assert.deepEqual(manifest.scenarios, JSON.parse(JSON.stringify(SAMPLE_SCENARIOS)));
    assert.deepEqual(manifest.files, logFiles, 'the manifest lists the files it may delete next time');
  });

  it('leaves the previous sample as it was when a run is interrupted, and the next run completes', async () => {
    const logDir = path.join(dir, OKTA_LOG_FOLDER);
    const before = await writeSampleLogs(dir, { now: NOW, days: 3, users: 12, seed: 3 });
    const names = (await readdir(logDir)).sort();
    const manifest = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');

    // Interrupted once its first day file is written (as Ctrl-C would, mid-generation).
    const interrupted = writeSampleLogs(dir, {
      now: new Date(NOW.getTime() + 5 * 86_400_000),
      days: 5,
      users: 12,
      seed: 4,
      onProgress: (m) => {
        if (m.includes('MiB')) throw new Error('interrupted');
      },
    });
    await assert.rejects(interrupted, /interrupted/);
    assert.deepEqual((await readdir(logDir)).sort(), names, 'the folder the SIEM reads is untouched');
    assert.equal(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'), manifest);
    assert.ok(!(await readdir(dir)).includes(STAGING_FOLDER), 'no staging folder left behind');

    // Killed outright, a run leaves its staging folder: the next run clears it and finishes.
    await mkdir(path.join(dir, STAGING_FOLDER), { recursive: true });
    await writeFile(path.join(dir, STAGING_FOLDER, '2000-01-01.jsonl'), '{"half":true}\n');
    const after = await writeSampleLogs(dir, { now: new Date(NOW.getTime() + 5 * 86_400_000), days: 5, users: 12, seed: 4 });
    assert.ok(!(await readdir(dir)).includes(STAGING_FOLDER));
    const files = (await readdir(logDir)).sort();
    assert.deepEqual(files, (JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as SampleManifest).files.slice().sort());
    assert.equal(files.length, after.files);
    assert.ok(after.events > before.events);
  });

  it('a manifest left mid-swap (old and new files listed) lets the next run replace them all', async () => {
    const logDir = path.join(dir, OKTA_LOG_FOLDER);
    await mkdir(logDir, { recursive: true });
    // The swap was cut after the first manifest: one new file moved, an old one not yet deleted.
    await writeFile(path.join(logDir, '2000-01-01.jsonl'), '{"old":true}\n');
    await writeFile(path.join(logDir, '2000-02-01.jsonl'), '{"new":true}\n');
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ files: ['2000-01-01.jsonl', '2000-02-01.jsonl', '2000-02-02.jsonl'] }));
    const result = await writeSampleLogs(dir, { now: NOW, days: 3, users: 12, seed: 3 });
    const files = await readdir(logDir);
    assert.ok(!files.includes('2000-01-01.jsonl') && !files.includes('2000-02-01.jsonl'));
    assert.equal(files.length, result.files);
  });

  it('refuses to overwrite a day file it did not write, and touches nothing', async () => {
    const logDir = path.join(dir, OKTA_LOG_FOLDER);
    await mkdir(logDir, { recursive: true });
    const theirs = `${NOW.toISOString().slice(0, 10)}.jsonl`;
    await writeFile(path.join(logDir, theirs), '{"theirs":true}\n');
    await assert.rejects(writeSampleLogs(dir, { now: NOW, days: 5, users: 12, seed: 3 }), new RegExp(`did not write \\(${theirs.replace(/\./g, '\\.')}\\).*move them`));
    assert.equal(await readFile(path.join(logDir, theirs), 'utf8'), '{"theirs":true}\n');
    assert.deepEqual(await readdir(logDir), [theirs]);
  });

  it('parses CLI flags and LOCAL_SIEM_LOGS', () => {
    assert.equal(parseArgs([], {}).out, './data/logs');
    assert.equal(parseArgs([], { LOCAL_SIEM_LOGS: '/srv/logs' }).out, '/srv/logs');
    const o = parseArgs(['--days', '3', '--users=9', '--seed', '5', '--out', '/x', '--now', '2025-01-02T03:04:05Z'], {});
    assert.equal(o.days, 3);
    assert.equal(o.users, 9);
    assert.equal(o.seed, 5);
    assert.equal(o.out, '/x');
    assert.equal(o.now?.toISOString(), '2025-01-02T03:04:05.000Z');
    assert.throws(() => parseArgs(['--days', 'x'], {}));
    assert.throws(() => parseArgs(['--bogus'], {}));
  });

  it('runs the CLI end to end and fails with exit code 1 on errors', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--days', '2', '--users', '10', '--now', NOW.toISOString()], { LOCAL_SIEM_LOGS: dir }, (l) => out.push(l), (l) => err.push(l));
    assert.equal(code, 0, err.join('\n'));
    assert.ok(out.some((l) => /events in \d+ files/.test(l)), out.join('\n'));
    assert.ok((await readdir(path.join(dir, OKTA_LOG_FOLDER))).length >= 2);

    const bad = await main(['--users', '2', '--out', dir], {}, () => undefined, (l) => err.push(l));
    assert.equal(bad, 1);
    assert.ok(err.some((l) => l.includes('users must be')), err.join('\n'));
    const usage = await main(['--nope'], {}, () => undefined, (l) => err.push(l));
    assert.equal(usage, 1);
  });
});
