/**
 * Deterministic generator of realistic Okta System Log events for the embedded
 * SIEM (pure: no I/O, no wall clock, no crypto randomness).
 *
 * The population, its habits and the two demo scenarios (SAMPLE_SCENARIOS) are
 * derived from `seed` and `now` only, so the same inputs give byte-identical
 * output. Events are shaped like the real `GET /api/v1/logs` LogEvent objects.
 *
 * IP addresses come only from documentation / shared / benchmark ranges
 * (SAMPLE_IP_RANGES) so no real person's address is ever named; the single
 * exception is the demo attacker ATTACKER_IP (a public Tor-exit range).
 */

import {
  APPS,
  BROADBAND,
  DESKTOP_AGENTS,
  HOME_CITY_WEIGHTS,
  HOSTING_SOURCES,
  MOBILE,
  MOBILE_AGENTS,
  NAMES,
  NOISE_AGENTS,
  OFFICES,
  OFFICE_FOR_CITY,
  TRIP_CITY_KEYS,
  UNKNOWN_USERNAMES,
  VPN_EXIT_CITY_KEYS,
  VPN_OPERATORS,
  city,
  type AppDef,
  type City,
  type NetOperator,
  type UserAgentInfo,
} from './catalog';
import { Rng } from './rng';

// ---------------------------------------------------------------------------
// Okta LogEvent shape
// ---------------------------------------------------------------------------

export interface OktaGeolocation {
  lat: number;
  lon: number;
}

export interface OktaGeographicalContext {
  city: string;
  state: string;
  country: string;
  postalCode: string;
  geolocation: OktaGeolocation;
}

export interface OktaActor {
  id: string;
  type: 'User';
  alternateId: string;
  displayName: string;
  detailEntry: null;
}

export interface OktaUserAgent {
  rawUserAgent: string;
  os: string;
  browser: string;
}

export interface OktaClient {
  userAgent: OktaUserAgent;
  zone: string | null;
  device: string;
  id: null;
  ipAddress: string;
  geographicalContext: OktaGeographicalContext;
}

export interface OktaAuthenticationContext {
  authenticationProvider: string | null;
  credentialProvider: string | null;
  credentialType: string | null;
  issuer: null;
  interface: null;
  authenticationStep: number;
  externalSessionId: string;
}

export interface OktaOutcome {
  result: 'SUCCESS' | 'FAILURE';
  reason: string | null;
}

export interface OktaSecurityContext {
  asNumber: number | null;
  asOrg: string | null;
  isp: string | null;
  domain: string | null;
  isProxy: boolean | null;
}

export interface OktaDebugContext {
  debugData: {
    requestId: string;
    requestUri: string;
    url: string;
    threatSuspected: 'true' | 'false';
  };
}

export interface OktaTransaction {
  type: 'WEB';
  id: string;
  detail: Record<string, never>;
}

export interface OktaIpChainEntry {
  ip: string;
  geographicalContext: OktaGeographicalContext;
  version: 'V4';
  source: null;
}

export interface OktaTarget {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry: Record<string, string> | null;
}

export type OktaSeverity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  version: '0';
  severity: OktaSeverity;
  legacyEventType: string | null;
  displayMessage: string;
  actor: OktaActor;
  client: OktaClient;
  authenticationContext: OktaAuthenticationContext;
  outcome: OktaOutcome;
  securityContext: OktaSecurityContext;
  debugContext: OktaDebugContext;
  transaction: OktaTransaction;
  request: { ipChain: OktaIpChainEntry[] };
  target: OktaTarget[] | null;
}

export interface GenerateOktaEventsOptions {
  /** End of the window (the newest events are just before it). */
  now: Date;
  /** Window length in days (default 90). */
  days?: number;
  /** Population size including the two demo users (default 250, minimum 8). */
  users?: number;
  /** PRNG seed (default 42). */
  seed?: number;
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

export const SAMPLE_DOMAIN = 'acme.io';
export const DEFAULT_DAYS = 90;
export const DEFAULT_USERS = 250;
export const DEFAULT_SEED = 42;
export const MIN_USERS = 8;

/** The demo attacker (a public Tor-exit range); the only IP outside SAMPLE_IP_RANGES. */
export const ATTACKER_IP = '185.220.101.47';

/** CIDR ranges every non-attacker IP is drawn from (documentation, benchmark, shared). */
export const SAMPLE_IP_RANGES: readonly string[] = [
  '198.51.100.0/24',
  '203.0.113.0/24',
  '192.0.2.0/24',
  '198.18.0.0/15',
  '100.64.0.0/10',
];

function ipv4ToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i += 1) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** True when `ip` is a valid IPv4 address inside one of SAMPLE_IP_RANGES. */
export function isSampleRangeIp(ip: string): boolean {
  const n = ipv4ToInt(ip);
  if (n === null) return false;
  return SAMPLE_IP_RANGES.some((cidr) => {
    const [base, bitsText] = cidr.split('/');
    const b = ipv4ToInt(base ?? '');
    const bits = Number(bitsText);
    if (b === null) return false;
    const size = 2 ** (32 - bits);
    return n >= b && n < b + size;
  });
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------

interface NetPoint {
  ip: string;
  loc: City;
  op: NetOperator;
  isProxy: boolean;
  zone: string | null;
}

const FRANKFURT: City = {
  key: 'frankfurt',
  city: 'Frankfurt am Main',
  state: 'Hesse',
  country: 'Germany',
  postalCode: '60313',
  lat: 50.1109,
  lon: 8.6821,
  tz: 'Europe/Berlin',
  fallbackOffsetMin: 60,
};

const ATTACKER_NET: NetPoint = {
  ip: ATTACKER_IP,
  loc: FRANKFURT,
  op: { asNumber: 205100, asOrg: 'F3 Netze e.V.', isp: 'F3 Netze e.V.', domain: 'f3netze.de' },
  isProxy: true,
  zone: null,
};

const ATTACKER_AGENT: UserAgentInfo = { rawUserAgent: 'python-requests/2.31.0', os: 'Unknown', browser: 'UNKNOWN', device: 'Unknown' };

const OFFICE_ZONE = 'Acme Offices';

function officeNets(officeKey: string): NetPoint[] {
  const office = OFFICES.find((o) => o.key === officeKey);
  if (!office) throw new Error(`unknown office ${officeKey}`);
  return office.ips.map((ip) => ({ ip, loc: city(office.cityKey), op: office.operator, isProxy: false, zone: OFFICE_ZONE }));
}

function broadbandFor(country: string): readonly NetOperator[] {
  const ops = BROADBAND[country];
  if (!ops || ops.length === 0) throw new Error(`no broadband operators for ${country}`);
  return ops;
}

function geoContext(loc: City): OktaGeographicalContext {
  return {
    city: loc.city,
    state: loc.state,
    country: loc.country,
    postalCode: loc.postalCode,
    geolocation: { lat: loc.lat, lon: loc.lon },
  };
}

function buildClient(net: NetPoint, agent: UserAgentInfo): OktaClient {
  return {
    userAgent: { rawUserAgent: agent.rawUserAgent, os: agent.os, browser: agent.browser },
    zone: net.zone,
    device: agent.device,
    id: null,
    ipAddress: net.ip,
    geographicalContext: geoContext(net.loc),
  };
}

function buildRequest(net: NetPoint): { ipChain: OktaIpChainEntry[] } {
  return { ipChain: [{ ip: net.ip, geographicalContext: geoContext(net.loc), version: 'V4', source: null }] };
}

// ---------------------------------------------------------------------------
// Demo users and scenarios
// ---------------------------------------------------------------------------

const ALICE = {
  id: '00u8qlm4zTfWa2JhR357',
  email: `alice.martin@${SAMPLE_DOMAIN}`,
  displayName: 'Alice Martin',
  home: city('lisbon'),
  office: 'porto',
  officeShare: 0.1,
  net: {
    ip: '198.51.100.7',
    loc: city('lisbon'),
    op: { asNumber: 3243, asOrg: 'MEO - SERVICOS DE COMUNICACOES E MULTIMEDIA S.A.', isp: 'MEO', domain: 'meo.pt' },
    isProxy: false,
    zone: null,
  } satisfies NetPoint,
  agent: {
    rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    os: 'Mac OS X',
    browser: 'CHROME',
    device: 'Computer',
  } satisfies UserAgentInfo,
} as const;

const BOB = {
  id: '00u9kb3xPeLr7mQcW357',
  email: `bob.keller@${SAMPLE_DOMAIN}`,
  displayName: 'Bob Keller',
  home: city('berlin'),
  office: 'berlin',
  officeShare: 0.5,
  net: {
    ip: '198.51.100.44',
    loc: city('berlin'),
    op: { asNumber: 3320, asOrg: 'Deutsche Telekom AG', isp: 'Deutsche Telekom AG', domain: 't-ipconnect.de' },
    isProxy: false,
    zone: null,
  } satisfies NetPoint,
  agent: {
    rawUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    os: 'Windows 10',
    browser: 'CHROME',
    device: 'Computer',
  } satisfies UserAgentInfo,
} as const;

export interface SampleScenario {
  /** Okta login (actor.alternateId). */
  user: string;
  displayName: string;
  /** The IP the alert is about. */
  ip: string;
  homeCity: string;
  homeCountry: string;
  /** Panther detection ID (webhook `id`). */
  detectionId: string;
  /** Panther alert title. */
  title: string;
  /** What Panther would put in the webhook `alertContext` for this detection. */
  alertContext: Record<string, unknown>;
}

function aliceAlertContext(): Record<string, unknown> {
  // okta_alert_context() from panther-analysis, applied to one of Alice's failed
  // logins. It reads lower-case keys, so on camelCase Okta events `eventtype`,
  // `debugcontext`, `authenticationcontext` and `securitycontext` come back as
  // their defaults ("" / {}); `severity` and `request` are lower-case already.
  // Panther drops null fields at ingest, so a null `target` falls back to [].
  return {
    event_type: '',
    severity: 'WARN',
    actor: { id: ALICE.id, type: 'User', alternateId: ALICE.email, displayName: ALICE.displayName, detailEntry: null },
    client: buildClient(ALICE.net, ALICE.agent),
    request: buildRequest(ALICE.net),
    outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    target: [],
    debug_context: {},
    authentication_context: {},
    security_context: {},
    ips: [ALICE.net.ip],
  };
}

export const SAMPLE_SCENARIOS: { readonly forgotPassword: SampleScenario; readonly attack: SampleScenario } = {
  forgotPassword: {
    user: ALICE.email,
    displayName: ALICE.displayName,
    ip: ALICE.net.ip,
    homeCity: ALICE.home.city,
    homeCountry: ALICE.home.country,
    detectionId: 'Okta.BruteForceLogins',
    title: `Suspected brute force Okta logins to account ${ALICE.email}, due to [INVALID_CREDENTIALS]`,
    alertContext: aliceAlertContext(),
  },
  attack: {
    user: BOB.email,
    displayName: BOB.displayName,
    ip: ATTACKER_IP,
    homeCity: BOB.home.city,
    homeCountry: BOB.home.country,
    detectionId: 'Standard.BruteForceByUser',
    title: `Okta.SystemLog: User [${BOB.email}] has exceeded the failed logins threshold`,
    alertContext: {
      geolocation: `${FRANKFURT.city}, ${FRANKFURT.state} in ${FRANKFURT.country}`,
      ip: ATTACKER_IP,
      reverse_lookup: 'No reverse lookup hostname',
      ip_org: ATTACKER_NET.op.asOrg,
      parseDelay: '0 minute(s) 41 second(s)',
    },
  },
};

// ---------------------------------------------------------------------------
// Time zones (memoised; falls back to a fixed offset without ICU data)
// ---------------------------------------------------------------------------

const dtfCache = new Map<string, Intl.DateTimeFormat | null>();
const offsetCache = new Map<string, number>();

function tzOffsetMin(loc: City, utcMs: number): number {
  const bucket = Math.floor(utcMs / HOUR);
  const key = `${loc.tz}|${bucket}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let dtf = dtfCache.get(loc.tz);
  if (dtf === undefined) {
    try {
      dtf = new Intl.DateTimeFormat('en-US', {
        timeZone: loc.tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      dtf = null;
    }
    dtfCache.set(loc.tz, dtf);
  }
  let offset = loc.fallbackOffsetMin;
  if (dtf) {
    const probe = bucket * HOUR;
    const parts = dtf.formatToParts(new Date(probe));
    const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
    if (Number.isFinite(asUtc)) offset = Math.round((asUtc - probe) / MINUTE);
  }
  if (offsetCache.size > 250_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** Local calendar day number (days since 1970-01-01 in `loc`'s zone). */
function localDayNum(loc: City, utcMs: number): number {
  return Math.floor((utcMs + tzOffsetMin(loc, utcMs) * MINUTE) / DAY);
}

/** UTC epoch ms of a local wall-clock time (`minuteOfDay` minutes after local midnight). */
function localToUtc(loc: City, dayNum: number, minuteOfDay: number): number {
  const wall = dayNum * DAY + Math.round(minuteOfDay * MINUTE);
  const first = wall - tzOffsetMin(loc, wall) * MINUTE;
  return wall - tzOffsetMin(loc, first) * MINUTE;
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7;
}

// ---------------------------------------------------------------------------
// Population
// ---------------------------------------------------------------------------

interface AppInstance {
  def: AppDef;
  id: string;
  exk: string;
}

interface UserApp {
  app: AppInstance;
  appUserId: string;
}

interface Trip {
  startDay: number;
  length: number;
  loc: City;
  net: NetPoint;
}

interface Person {
  id: string;
  email: string;
  displayName: string;
  home: City;
  homeNet: NetPoint;
  office: { nets: NetPoint[]; share: number } | null;
  desktop: UserAgentInfo;
  mobile: { agent: UserAgentInfo; op: NetOperator; opIndex: number } | null;
  vpn: { exits: NetPoint[]; share: number } | null;
  apps: UserApp[];
  mfaEnrollmentId: string;
  trip: Trip | null;
  vacation: { startDay: number; length: number } | null;
  special: 'alice' | 'bob' | null;
}

/** A stable (seed-independent) catalogue of the org's SSO apps. */
const APP_INSTANCES: readonly AppInstance[] = (() => {
  const rng = new Rng(0x0a77, 'apps');
  return APPS.map((def) => ({ def, id: `0oa${rng.alnum(17)}`, exk: `exk${rng.alnum(17)}` }));
})();

const ALL_MOBILE_OPS: readonly NetOperator[] = Object.values(MOBILE).flat();

function emailLocalPart(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

function pickApps(rng: Rng, special: boolean): UserApp[] {
  const core = APP_INSTANCES.filter((a) => ['Google Workspace', 'Slack', 'Okta Dashboard'].includes(a.def.label));
  const optional = APP_INSTANCES.filter((a) => !core.includes(a));
  const extra = special ? 3 : rng.int(1, 4);
  const chosen = new Set<AppInstance>(core);
  while (chosen.size < core.length + extra) {
    chosen.add(rng.weighted(optional.map((a) => [a, a.def.weight] as const)));
  }
  return [...chosen].map((app) => ({ app, appUserId: `0ua${rng.alnum(17)}` }));
}

interface Population {
  people: Person[];
  alice: Person;
  bob: Person;
}

function buildPopulation(rng: Rng, count: number, firstDay: number, lastDay: number): Population {
  const usedEmails = new Set<string>([ALICE.email, BOB.email]);
  const usedIps = new Set<string>();
  const people: Person[] = [];
  const totalDays = lastDay - firstDay + 1;
  let hotelCounter = 0;

  const vpnExits: NetPoint[] = [];
  for (let i = 0; i < 24; i += 1) {
    const exitCity = city(VPN_EXIT_CITY_KEYS[i % VPN_EXIT_CITY_KEYS.length] ?? 'amsterdam');
    const vpnOp = VPN_OPERATORS[i % VPN_OPERATORS.length];
    if (!vpnOp) throw new Error('no VPN operators');
    vpnExits.push({ ip: `192.0.2.${10 + i}`, loc: exitCity, op: vpnOp, isProxy: true, zone: null });
  }

  const homeIp = (): string => {
    for (;;) {
      const ip = `100.${rng.int(64, 127)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      if (!usedIps.has(ip)) {
        usedIps.add(ip);
        return ip;
      }
    }
  };

  const makeTrip = (home: City, avoidLastDays: number): Trip | null => {
    const maxStart = lastDay - avoidLastDays - 5;
    if (maxStart <= firstDay + 1) return null;
    const dest = city(rng.pick(TRIP_CITY_KEYS.filter((k) => k !== home.key)));
    hotelCounter += 1;
    return {
      startDay: rng.int(firstDay + 1, maxStart),
      length: rng.int(2, 5),
      loc: dest,
      net: { ip: `203.0.113.${1 + ((hotelCounter - 1) % 120)}`, loc: dest, op: rng.pick(broadbandFor(dest.country)), isProxy: false, zone: null },
    };
  };

  const makeVacation = (avoidLastDays: number): Person['vacation'] => {
    const maxStart = lastDay - avoidLastDays - 9;
    if (maxStart <= firstDay) return null;
    return { startDay: rng.int(firstDay, maxStart), length: rng.int(5, 9) };
  };

  const mobileFor = (home: City): Person['mobile'] => {
    const ops = MOBILE[home.country];
    if (!ops || ops.length === 0) return null;
    const mobileOp = rng.pick(ops);
    return { agent: rng.weighted(MOBILE_AGENTS), op: mobileOp, opIndex: ALL_MOBILE_OPS.indexOf(mobileOp) };
  };

  for (const special of [ALICE, BOB]) {
    usedIps.add(special.net.ip);
    const isAlice = special === ALICE;
    people.push({
      id: special.id,
      email: special.email,
      displayName: special.displayName,
      home: special.home,
      homeNet: special.net,
      office: { nets: officeNets(special.office), share: special.officeShare },
      desktop: special.agent,
      mobile: mobileFor(special.home),
      vpn: null,
      apps: pickApps(rng, true),
      mfaEnrollmentId: `pfd${rng.alnum(17)}`,
      trip: isAlice ? null : totalDays > 20 ? makeTrip(special.home, 10) : null,
      vacation: totalDays > 30 ? makeVacation(10) : null,
      special: isAlice ? 'alice' : 'bob',
    });
  }

  while (people.length < count) {
    const home = city(rng.weighted(HOME_CITY_WEIGHTS));
    const names = NAMES[home.country] ?? NAMES['United States'];
    if (!names) throw new Error('no name pool');
    let first = rng.pick(names.first);
    let last = rng.pick(names.last);
    let email = `${emailLocalPart(first)}.${emailLocalPart(last)}@${SAMPLE_DOMAIN}`;
    for (let attempt = 0; usedEmails.has(email) && attempt < 20; attempt += 1) {
      first = rng.pick(names.first);
      last = rng.pick(names.last);
      email = `${emailLocalPart(first)}.${emailLocalPart(last)}@${SAMPLE_DOMAIN}`;
    }
    for (let n = 2; usedEmails.has(email); n += 1) {
      email = `${emailLocalPart(first)}.${emailLocalPart(last)}${n}@${SAMPLE_DOMAIN}`;
    }
    usedEmails.add(email);

    const officeRule = OFFICE_FOR_CITY[home.key];
    const office =
      officeRule && rng.chance(0.75)
        ? { nets: officeNets(officeRule[0]), share: Math.min(0.85, officeRule[1] * rng.real(0.6, 1.4)) }
        : null;

    people.push({
      id: `00u${rng.alnum(17)}`,
      email,
      displayName: `${first} ${last}`,
      home,
      homeNet: { ip: homeIp(), loc: home, op: rng.pick(broadbandFor(home.country)), isProxy: false, zone: null },
      office,
      desktop: rng.weighted(DESKTOP_AGENTS),
      mobile: rng.chance(0.7) ? mobileFor(home) : null,
      vpn: rng.chance(0.1)
        ? { exits: rng.shuffle(vpnExits).slice(0, rng.int(1, 2)), share: rng.real(0.15, 0.45) }
        : null,
      apps: pickApps(rng, false),
      mfaEnrollmentId: `pfd${rng.alnum(17)}`,
      trip: totalDays > 10 && rng.chance(0.25) ? makeTrip(home, 0) : null,
      vacation: totalDays > 14 && rng.chance(0.3) ? makeVacation(0) : null,
      special: null,
    });
  }

  const [alice, bob] = people;
  if (!alice || !bob) throw new Error('population is missing the demo users');
  return { people, alice, bob };
}

// ---------------------------------------------------------------------------
// Event plan (compact specs, materialised lazily in time order)
// ---------------------------------------------------------------------------

type SpecKind = 'login_ok' | 'login_fail' | 'mfa' | 'sso' | 'lock' | 'reset';

interface ActorRef {
  id: string;
  alternateId: string;
  displayName: string;
}

interface Spec {
  t: number;
  seq: number;
  kind: SpecKind;
  actor: ActorRef;
  reason: string | null;
  net: NetPoint;
  agent: UserAgentInfo;
  sessionId: string | null;
  app: UserApp | null;
  mfaEnrollmentId: string | null;
  threat: boolean;
}

class Plan {
  readonly specs: Spec[] = [];
  private seq = 0;

  add(spec: Omit<Spec, 'seq'>): void {
    this.specs.push({ ...spec, seq: this.seq });
    this.seq += 1;
  }
}

function actorOf(p: Person): ActorRef {
  return { id: p.id, alternateId: p.email, displayName: p.displayName };
}

function sessionId(rng: Rng): string {
  return `102${rng.alnum(22)}`;
}

function mobileNet(rng: Rng, p: Person, loc: City): NetPoint | null {
  if (!p.mobile) return null;
  const k = p.mobile.opIndex;
  const ip = `198.${18 + (k >> 5)}.${(k & 31) * 8 + rng.int(0, 7)}.${rng.int(1, 254)}`;
  return { ip, loc, op: p.mobile.op, isProxy: false, zone: null };
}

/** A successful sign-in plus what usually follows it (MFA, SSO into apps). */
function addSession(plan: Plan, rng: Rng, p: Person, t: number, net: NetPoint, agent: UserAgentInfo, allowTypo: boolean): void {
  const actor = actorOf(p);
  const common = { actor, net, agent, app: null, mfaEnrollmentId: null, threat: false };
  if (allowTypo && rng.chance(0.025)) {
    plan.add({ ...common, t: t - rng.int(6_000, 45_000), kind: 'login_fail', reason: 'INVALID_CREDENTIALS', sessionId: null });
  }
  const sid = sessionId(rng);
  plan.add({ ...common, t, kind: 'login_ok', reason: null, sessionId: sid });
  if (rng.chance(0.2)) {
    plan.add({ ...common, t: t + rng.int(3_000, 20_000), kind: 'mfa', reason: null, sessionId: sid, mfaEnrollmentId: p.mfaEnrollmentId });
  }
  const ssoCount = rng.weighted([[0, 65], [1, 27], [2, 8]] as const);
  for (let i = 0; i < ssoCount; i += 1) {
    const app = rng.weighted(p.apps.map((a) => [a, a.app.def.weight] as const));
    plan.add({ ...common, t: t + rng.int(20_000, 4 * HOUR), kind: 'sso', reason: null, sessionId: sid, app });
  }
}

function planPersonActivity(plan: Plan, rng: Rng, p: Person, start: number, now: number): void {
  const firstDay = localDayNum(p.home, start);
  const lastDay = localDayNum(p.home, now);
  for (let day = firstDay; day <= lastDay; day += 1) {
    const trip = p.trip && day >= p.trip.startDay && day < p.trip.startDay + p.trip.length ? p.trip : null;
    const onVacation = !trip && p.vacation !== null && day >= p.vacation.startDay && day < p.vacation.startDay + p.vacation.length;
    const wd = weekday(day);
    const weekend = wd === 0 || wd === 6;
    const loc = trip ? trip.loc : p.home;

    const minutes: number[] = [];
    if (onVacation) {
      if (rng.chance(0.08)) minutes.push(rng.real(10 * 60, 20 * 60));
    } else if (weekend) {
      if (rng.chance(0.28)) minutes.push(rng.real(9.5 * 60, 21 * 60));
    } else {
      const n = rng.weighted([[1, 55], [2, 35], [3, 10]] as const);
      const first = Math.min(11 * 60, Math.max(6.5 * 60, rng.normal(8.75 * 60, 40)));
      minutes.push(first);
      for (let i = 1; i < n; i += 1) minutes.push(rng.real(first + 90, 18.75 * 60));
    }
    if (minutes.length === 0) continue;
    minutes.sort((a, b) => a - b);

    let dayNet = p.homeNet;
    if (trip) dayNet = trip.net;
    else if (!weekend && !onVacation && p.office && rng.chance(p.office.share)) dayNet = rng.pick(p.office.nets);

    for (const minute of minutes) {
      const t = localToUtc(loc, day, minute);
      let net = dayNet;
      let agent = p.desktop;
      const mobileShare = weekend || onVacation ? 0.35 : 0.07;
      const mNet = !trip && p.mobile && rng.chance(mobileShare) ? mobileNet(rng, p, loc) : null;
      if (mNet && p.mobile) {
        net = mNet;
        agent = p.mobile.agent;
      } else if (p.vpn && rng.chance(p.vpn.share)) {
        net = rng.pick(p.vpn.exits);
      }
      addSession(plan, rng, p, t, net, agent, true);
    }
  }
}

/** "Forgot my password": 3–8 failures from home, maybe a lockout, then a reset and a sign-in. */
function planForgotPassword(plan: Plan, rng: Rng, p: Person, start: number, now: number): void {
  const firstDay = localDayNum(p.home, start) + 1;
  const lastDay = localDayNum(p.home, now) - 2;
  if (lastDay < firstDay) return;
  let day = rng.int(firstDay, lastDay);
  for (let tries = 0; tries < 10 && (weekday(day) === 0 || weekday(day) === 6); tries += 1) day = rng.int(firstDay, lastDay);
  const actor = actorOf(p);
  const common = { actor, net: p.homeNet, agent: p.desktop, sessionId: null, app: null, mfaEnrollmentId: null, threat: false };
  let t = localToUtc(p.home, day, rng.real(8 * 60, 10 * 60));
  const failures = rng.int(3, 8);
  for (let i = 0; i < failures; i += 1) {
    plan.add({ ...common, t, kind: 'login_fail', reason: 'INVALID_CREDENTIALS' });
    t += rng.int(15_000, 70_000);
  }
  if (failures >= 5 && rng.chance(0.5)) {
    plan.add({ ...common, t: t - rng.int(5_000, 14_000), kind: 'lock', reason: 'LOCKED_OUT' });
  }
  t += rng.int(5 * MINUTE, 45 * MINUTE);
  plan.add({ ...common, t, kind: 'reset', reason: null });
  addSession(plan, rng, p, t + rng.int(30_000, 120_000), p.homeNet, p.desktop, false);
}

/** Background noise: sign-in attempts for usernames that do not exist. */
function planUnknownUserNoise(plan: Plan, rng: Rng, people: readonly Person[], start: number, now: number): void {
  const known = new Set(people.map((p) => p.email));
  const sources: NetPoint[] = [];
  for (let i = 0; i < 32; i += 1) {
    const src = HOSTING_SOURCES[i % HOSTING_SOURCES.length];
    if (!src) throw new Error('no hosting sources');
    sources.push({ ip: `203.0.113.${140 + i}`, loc: city(src[1]), op: src[0], isProxy: false, zone: null });
  }
  const typoOf = (email: string): string => {
    const [local = '', domain = SAMPLE_DOMAIN] = email.split('@');
    if (local.length < 4) return `${local}x@${domain}`;
    const i = rng.int(0, local.length - 2);
    return `${local.slice(0, i)}${local.charAt(i + 1)}${local.charAt(i)}${local.slice(i + 2)}@${domain}`;
  };
  const nameFor = (): string => {
    if (rng.chance(0.3)) {
      const candidate = typoOf(rng.pick(people).email);
      if (!known.has(candidate)) return candidate;
    }
    return `${rng.pick(UNKNOWN_USERNAMES)}@${SAMPLE_DOMAIN}`;
  };
  for (let dayStart = start; dayStart < now; dayStart += DAY) {
    const count = rng.int(1, 5);
    for (let i = 0; i < count; i += 1) {
      const src = rng.pick(sources);
      const agent = rng.pick(NOISE_AGENTS);
      let t = dayStart + rng.int(0, DAY - 1);
      const attempts = rng.chance(0.15) ? rng.int(2, 4) : 1;
      for (let a = 0; a < attempts; a += 1) {
        const alternateId = nameFor();
        plan.add({
          t,
          kind: 'login_fail',
          reason: 'UNKNOWN_USER',
          actor: { id: 'unknown', alternateId, displayName: 'unknown' },
          net: src,
          agent,
          sessionId: null,
          app: null,
          mfaEnrollmentId: null,
          threat: false,
        });
        t += rng.int(20_000, 4 * MINUTE);
      }
    }
  }
}

function planScenarios(plan: Plan, rng: Rng, pop: Population, now: number): void {
  // forgotPassword: 6 failures from Alice's home IP over ~10 minutes, the last ~5 minutes before now.
  const alice = pop.alice;
  const aliceCommon = { actor: actorOf(alice), net: alice.homeNet, agent: alice.desktop, sessionId: null, app: null, mfaEnrollmentId: null, threat: false };
  const aliceTimes: number[] = [];
  let t = now - 5 * MINUTE - rng.int(0, 20_000);
  for (let i = 0; i < 6; i += 1) {
    aliceTimes.unshift(t);
    t -= rng.int(95_000, 125_000);
  }
  for (const at of aliceTimes) plan.add({ ...aliceCommon, t: at, kind: 'login_fail', reason: 'INVALID_CREDENTIALS' });

  // attack: password spraying from the Tor exit against Bob (20 tries) and 5–7 colleagues
  // (one try each) over ~15 minutes, ending ~3 minutes before now; then Bob's password works.
  const others = rng.shuffle(pop.people.filter((p) => p.special === null)).slice(0, rng.int(5, 7));
  const victims: Person[] = rng.shuffle([...Array.from({ length: 20 }, () => pop.bob), ...others]);
  const first = now - 18 * MINUTE;
  const last = now - 3 * MINUTE;
  const step = (last - first) / (victims.length - 1);
  victims.forEach((victim, i) => {
    const jitter = i === 0 || i === victims.length - 1 ? 0 : rng.int(-8_000, 8_000);
    plan.add({
      t: Math.round(first + i * step + jitter),
      kind: 'login_fail',
      reason: 'INVALID_CREDENTIALS',
      actor: actorOf(victim),
      net: ATTACKER_NET,
      agent: ATTACKER_AGENT,
      sessionId: null,
      app: null,
      mfaEnrollmentId: null,
      threat: true,
    });
  });
  plan.add({
    t: now - 2 * MINUTE,
    kind: 'login_ok',
    reason: null,
    actor: actorOf(pop.bob),
    net: ATTACKER_NET,
    agent: ATTACKER_AGENT,
    sessionId: sessionId(rng),
    app: null,
    mfaEnrollmentId: null,
    threat: true,
  });
}

interface NormalisedOptions {
  now: number;
  start: number;
  days: number;
  users: number;
  seed: number;
}

function normaliseOptions(opts: GenerateOktaEventsOptions): NormalisedOptions {
  const now = opts.now.getTime();
  if (!Number.isFinite(now)) throw new RangeError('generateOktaEvents: `now` is not a valid date');
  const days = opts.days ?? DEFAULT_DAYS;
  const users = opts.users ?? DEFAULT_USERS;
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new RangeError(`generateOktaEvents: days must be an integer 1..3660 (got ${days})`);
  if (!Number.isInteger(users) || users < MIN_USERS || users > 100_000) {
    throw new RangeError(`generateOktaEvents: users must be an integer ${MIN_USERS}..100000 (got ${users})`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`generateOktaEvents: seed must be an integer (got ${seed})`);
  return { now, start: now - days * DAY, days, users, seed };
}

function buildPlan(o: NormalisedOptions): Spec[] {
  const plan = new Plan();
  const popRng = new Rng(o.seed, 'population');
  const pop = buildPopulation(popRng, o.users, Math.floor(o.start / DAY), Math.floor(o.now / DAY));

  pop.people.forEach((p, i) => planPersonActivity(plan, new Rng(o.seed, `activity:${i}`), p, o.start, o.now));

  const burstRng = new Rng(o.seed, 'forgot-password');
  const burstCount = Math.max(1, Math.round(o.users * 0.05));
  const burstUsers = burstRng.shuffle(pop.people.filter((p) => p.special === null)).slice(0, burstCount);
  for (const p of burstUsers) planForgotPassword(plan, burstRng, p, o.start, o.now);

  planUnknownUserNoise(plan, new Rng(o.seed, 'noise'), pop.people, o.start, o.now);

  // The demo users' story owns the last hour: drop their routine activity there.
  const quietFrom = o.now - HOUR;
  const demoIds = new Set([pop.alice.id, pop.bob.id]);
  const specs = plan.specs.filter((s) => !(s.t > quietFrom && demoIds.has(s.actor.id)));
  plan.specs.length = 0;
  plan.specs.push(...specs);

  planScenarios(plan, new Rng(o.seed, 'scenarios'), pop, o.now);

  return plan.specs
    .filter((s) => s.t > o.start && s.t <= o.now)
    .sort((a, b) => a.t - b.t || a.seq - b.seq);
}

// ---------------------------------------------------------------------------
// Materialisation
// ---------------------------------------------------------------------------

const UUID_EPOCH_OFFSET = 0x01b21dd213814000n; // 100 ns intervals 1582-10-15 → 1970-01-01

/** A time-based (v1) UUID like Okta's, with PRNG clock sequence and node. */
function uuidV1(ms: number, rng: Rng): string {
  const ticks = BigInt(ms) * 10_000n + UUID_EPOCH_OFFSET + BigInt(rng.int(0, 9_999));
  const low = (ticks & 0xffffffffn).toString(16).padStart(8, '0');
  const mid = ((ticks >> 32n) & 0xffffn).toString(16).padStart(4, '0');
  const hi = (((ticks >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, '0');
  const clockSeq = ((rng.int(0, 0x3fff) | 0x8000) >>> 0).toString(16).padStart(4, '0');
  return `${low}-${mid}-${hi}-${clockSeq}-${rng.hex(12)}`;
}

interface KindInfo {
  eventType: string;
  legacyEventType: string | null;
  displayMessage: string;
  severity: OktaSeverity;
}

const KIND_INFO: Readonly<Record<SpecKind, KindInfo>> = {
  login_ok: { eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_success', displayMessage: 'User login to Okta', severity: 'INFO' },
  login_fail: { eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_failed', displayMessage: 'User login to Okta', severity: 'WARN' },
  mfa: { eventType: 'user.authentication.auth_via_mfa', legacyEventType: 'core.user.factor.attempt_success', displayMessage: 'Authentication of user via MFA', severity: 'INFO' },
  sso: { eventType: 'user.authentication.sso', legacyEventType: 'app.auth.sso', displayMessage: 'User single sign on to app', severity: 'INFO' },
  lock: { eventType: 'user.account.lock', legacyEventType: 'core.user_auth.account_locked', displayMessage: 'Max sign in attempts exceeded', severity: 'WARN' },
  reset: {
    eventType: 'user.account.reset_password',
    legacyEventType: 'core.user.config.user_status.password_reset',
    displayMessage: "Fired when the user's Okta password is reset",
    severity: 'INFO',
  },
};

function requestPath(s: Spec): { uri: string; url: string } {
  switch (s.kind) {
    case 'login_ok':
    case 'login_fail':
    case 'lock':
      return s.agent.device === 'Unknown'
        ? { uri: '/api/v1/authn', url: '/api/v1/authn?' }
        : { uri: '/idp/idx/identify', url: '/idp/idx/identify?' };
    case 'mfa':
      return { uri: '/idp/idx/challenge/answer', url: '/idp/idx/challenge/answer?' };
    case 'reset':
      return { uri: '/idp/idx/recover', url: '/idp/idx/recover?' };
    case 'sso': {
      const app = s.app?.app;
      if (!app) return { uri: '/app/UserHome', url: '/app/UserHome?' };
      if (app.def.signOnMode === 'OPENID_CONNECT') return { uri: '/oauth2/v1/authorize', url: `/oauth2/v1/authorize?client_id=${app.id}` };
      const uri = `/app/${app.def.slug}/${app.exk}/sso/saml`;
      return { uri, url: `${uri}?` };
    }
  }
}

function targetsOf(s: Spec): OktaTarget[] | null {
  switch (s.kind) {
    case 'sso':
      if (!s.app) return null;
      return [
        { id: s.app.app.id, type: 'AppInstance', alternateId: s.app.app.def.label, displayName: s.app.app.def.label, detailEntry: { signOnModeType: s.app.app.def.signOnMode } },
        { id: s.app.appUserId, type: 'AppUser', alternateId: s.actor.alternateId, displayName: s.actor.displayName, detailEntry: null },
      ];
    case 'mfa':
      return [{ id: s.mfaEnrollmentId ?? 'unknown', type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: 'Okta Verify', detailEntry: null }];
    case 'reset':
      return [{ id: s.actor.id, type: 'User', alternateId: s.actor.alternateId, displayName: s.actor.displayName, detailEntry: null }];
    default:
      return null;
  }
}

function materialise(s: Spec, rng: Rng): OktaLogEvent {
  const info = KIND_INFO[s.kind];
  const requestId = `${rng.alnum(22)}AA${rng.alnum(3)}`;
  const path = requestPath(s);
  const failed = s.kind === 'login_fail' || s.kind === 'lock';
  const isMfa = s.kind === 'mfa';
  return {
    uuid: uuidV1(s.t, rng),
    published: new Date(s.t).toISOString(),
    eventType: info.eventType,
    version: '0',
    severity: info.severity,
    legacyEventType: info.legacyEventType,
    displayMessage: info.displayMessage,
    actor: { id: s.actor.id, type: 'User', alternateId: s.actor.alternateId, displayName: s.actor.displayName, detailEntry: null },
    client: buildClient(s.net, s.agent),
    authenticationContext: {
      authenticationProvider: isMfa ? 'FACTOR_PROVIDER' : null,
      credentialProvider: isMfa ? 'OKTA_CREDENTIAL_PROVIDER' : null,
      credentialType: isMfa ? 'OTP' : null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      externalSessionId: s.sessionId ?? 'unknown',
    },
    outcome: failed ? { result: 'FAILURE', reason: s.reason } : { result: 'SUCCESS', reason: null },
    securityContext: { asNumber: s.net.op.asNumber, asOrg: s.net.op.asOrg, isp: s.net.op.isp, domain: s.net.op.domain, isProxy: s.net.isProxy },
    debugContext: { debugData: { requestId, requestUri: path.uri, url: path.url, threatSuspected: s.threat ? 'true' : 'false' } },
    transaction: { type: 'WEB', id: requestId, detail: {} },
    request: buildRequest(s.net),
    target: targetsOf(s),
  };
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * Lazily yields the events in `published` order. The plan (a few bytes per
 * event) is built up front; full LogEvent objects are created one at a time.
 */
export function* iterateOktaEvents(opts: GenerateOktaEventsOptions): Generator<OktaLogEvent, void, undefined> {
  const o = normaliseOptions(opts);
  const specs = buildPlan(o);
  const rng = new Rng(o.seed, 'materialise');
  for (const spec of specs) yield materialise(spec, rng);
}

/** All events for the window ending at `opts.now`, sorted by `published`. */
export function generateOktaEvents(opts: GenerateOktaEventsOptions): OktaLogEvent[] {
  return Array.from(iterateOktaEvents(opts));
}
