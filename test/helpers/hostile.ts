/**
 * Hostile inputs for the fuzz suite (test/fuzz/): fast-check arbitraries of alert text that would ping,
 * mention, link or format in Slack, break out of SQL literals, confuse terminals and parsers (RTL overrides,
 * zero-width, astral plane, lone surrogates, NUL), plus whole payloads — valid-but-hostile alerts, payloads
 * with one field wrongly typed, malformed JSON text, deep nesting — each with the answer the API owes them.
 */
import fc from 'fast-check';
import { SEVERITIES } from '../../src/domain/alert';

/** The seed of every property and sample: fixed so that CI is repeatable; `FUZZ_SEED=<n>` explores further. */
export const FUZZ_SEED = Number.isSafeInteger(Number(process.env.FUZZ_SEED)) ? Number(process.env.FUZZ_SEED) : 20_251_126;

/** Slack mrkdwn control sequences and formatting: each would do something if it reached Slack raw. */
export const SLACK_INJECTIONS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<@U123ABC>',
  '<@W0HOSTILE9>',
  '<#C123|x>',
  '<#C0ABCDEF1>',
  '<!subteam^S0HOSTILE|@security>',
  '<!date^1392734382^{date}|x>',
  '<https://evil.example|click>',
  '<http://evil.example>',
  '<mailto:ceo@evil.example|mail>',
  '<https://evil.example/<!channel>|x>',
  '*bold*',
  '_italic_',
  '~strike~',
  '`code`',
  '```block```',
  '&lt;!channel&gt;',
  '&amp;lt;@U123ABC&amp;gt;',
  '&#60;!here&#62;',
  '> quoted',
  '\n>>> quoted',
  ':rotating_light:',
  '@channel',
  '@here',
  '|',
  '<',
  '>',
  '&',
] as const;

/**
 * Pieces of SLACK_INJECTIONS that must never appear raw in anything posted to Slack: broadcasts, mentions,
 * channel links, and the label of a planted link (a ticket's own link may point at an alert's URL, so the
 * URL alone proves nothing).
 */
export const SLACK_MARKERS = ['<!channel>', '<!here', '<!everyone>', '<@U123ABC>', '<@W0HOSTILE9>', '<#C', '<!subteam', '<!date', '<mailto:', '|click>', '|mail>', '|x>'] as const;

/** SQL that would end a literal, comment out the rest, or start a new statement if pasted in raw. */
export const SQL_INJECTIONS = [
  "x' OR '1'='1",
  "'; DROP TABLE x; --",
  "admin'--",
  "' UNION SELECT * FROM panther_logs.public.okta_systemlog --",
  "\\'; DROP TABLE x; --",
  '\\',
  '\\\\',
  "\\'",
  "''",
  "'",
  '$$',
  '$$ OR 1=1 $$',
  '/*',
  '*/',
  '/* comment */',
  '--',
  '-- comment',
  '#',
  ';',
  '"',
  '"); DROP TABLE x; --',
  '%',
  '_',
  '\\x27',
  '\\u0027',
  "\\\\' OR 1=1 --",
  'x\\',
] as const;

/** Code points that trip renderers, terminals and encoders. Lone surrogates come from `loneSurrogate`. */
export const UNICODE_EDGES = [
  '\u202e', // RIGHT-TO-LEFT OVERRIDE
  '\u202d',
  '\u2066',
  '\u2069',
  '\u200b', // ZERO WIDTH SPACE
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\r\n',
  '\t',
  '\u0301\u0301\u0301',
  '\ud83d\ude00', // 😀 (astral, a surrogate pair)
  '\u{1d54f}', // 𝕏
  '\u{10ffff}',
  '\u{e0001}\u{e0041}', // tag characters
  '\ufdfa',
  '\uff1c!channel\uff1e', // full-width < and >
  '\u2039!here\u203a',
  '\ufe64@U123ABC\ufe65',
  'İ',
  'ß',
] as const;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** One piece of hostile text. */
export const hostileFragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SLACK_INJECTIONS) },
  { weight: 4, arbitrary: fc.constantFrom(...SQL_INJECTIONS) },
  { weight: 4, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 3, arbitrary: fc.string({ maxLength: 10 }) },
);

/** Hostile text of at most `maxLength` UTF-16 units (cutting may split a surrogate pair: also hostile). */
export function hostileText(opts: { minLength?: number; maxLength: number; maxParts?: number }): fc.Arbitrary<string> {
  const min = opts.minLength ?? 0;
  return fc
    .array(hostileFragment, { minLength: 1, maxLength: opts.maxParts ?? 8 })
    .map((parts) => parts.join('').slice(0, opts.maxLength))
    .map((s) => (s.length >= min ? s : s.padEnd(min, '<')));
}

/** Text with no control characters (what a SIEM's SQL may carry; the SQL builders refuse the others). */
export function hostileSqlValue(maxLength = 256): fc.Arbitrary<string> {
  return hostileText({ minLength: 1, maxLength }).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, '') || "x' OR '1'='1");
}

export const severityAnyCase: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...SEVERITIES), fc.constantFrom('upper', 'lower', 'title'))
  .map(([s, c]) => (c === 'upper' ? s : c === 'lower' ? s.toLowerCase() : `${s[0]}${s.slice(1).toLowerCase()}`));

export const ipv4: fc.Arbitrary<string> = fc.ipV4();
/** IPv6 forms zod's `ipv6` accepts (fc.ipV6 also makes IPv4-mapped forms it may not). */
export const ipv6: fc.Arbitrary<string> = fc.constantFrom('2001:db8::1', '2001:db8:0:0:0:0:2:1', 'fe80::1', '::1', '2001:db8:85a3::8a2e:370:7334');

/** http(s) URLs that zod's `url()` accepts and that carry Slack and SQL markup in their path or query. */
export const HOSTILE_VALID_LINKS = [
  'https://evil.example/<!channel>',
  'https://evil.example/a?b=<!here>&c=|x|',
  'https://evil.example/>"<@U123ABC>',
  'https://evil.example/path with space/<#C123|x>',
  "https://evil.example/`code`*b*?q=x' OR '1'='1",
  'https://evil.example/\u202eexe.fdp',
  'HTTPS://EVIL.EXAMPLE/<https://evil.example|click>',
  'http://[::1]:8080/x',
] as const;

/** Values zod's `url({protocol: /^https?$/})` rejects. */
export const INVALID_LINKS = [
  'javascript:alert(1)',
  'ftp://evil.example/',
  'https://',
  'https:evil.example',
  'https://evil.example|click',
  'not a url',
  '<!channel>',
  `https://e.example/${'a'.repeat(2100)}`,
] as const;

/** Strings `parseTimestamp` cannot read. */
export const INVALID_TIMESTAMPS = ['yesterday', '2024-13-45T99:99:99Z', '', '0', '1700000000', 'not a date', '\u0000', '<!channel>'] as const;

/** Routing-table detections, so that hostile alerts reach every playbook (others are free-form hostile text). */
export const KNOWN_DETECTIONS = [
  'Okta.BruteForceLogins',
  'Standard.BruteForceByUser',
  'AWS.Console.LoginFailed',
  'GSuite.BruteForceLogin',
  'Okta.Anonymizing.VPN.Login',
  'Standard.BruteForceByIP',
] as const;
/** The LogTypes that have login history, so the SIEM's SQL runs with the alert's user. */
export const LOGIN_LOG_TYPES = ['Okta.SystemLog', 'AWS.CloudTrail', 'GSuite.ActivityEvent'] as const;

/** A JSON value that is neither a string nor null (wrong for any string field, lenient or not). */
export const nonStringJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constant({ __proto__: null, toString: 'x' }),
);

/** `depth` nested arrays or objects as raw JSON text (too deep to build as a value and stringify). */
export function deepJson(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** JSON text that `JSON.parse` refuses. */
export const malformedJsonText: fc.Arbitrary<string> = fc
  .oneof(
    fc.json({ maxDepth: 3 }).chain((j) => fc.integer({ min: 0, max: Math.max(0, j.length - 1) }).map((n) => j.slice(0, n))),
    fc.json({ maxDepth: 3 }).chain((j) => hostileText({ minLength: 1, maxLength: 20 }).map((junk) => `${j} ${junk}`)),
    fc.constantFrom(
      '',
      ' ',
      '{',
      '}',
      '{"id": "x", oops',
      "{'id': 'single quotes'}",
      '{"id": NaN}',
      '{"id": Infinity}',
      '{"id": undefined}',
      '{"id": 0x10}',
      '{"id": "x",}',
      '[1, 2,]',
      '{"id": "x" /* comment */}',
      '// comment\n{}',
      '\ufeff\ufeff{}', // one byte-order mark is allowed (RFC 8259 §8.1), a second is not JSON
      '{"a": "\u0000"}',
      '{"a": "tab\there"}',
      '{"a": "\\x41"}',
      '{"a": "\\u12"}',
      '{"a": "\\ud800"',
      'null null',
      '<xml/>',
      "x' OR '1'='1",
      deepJson(10_000, 'array').slice(0, -1),
      `${'{"a":'.repeat(10_000)}1`,
    ),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

/** The JSON text of a value with extra raw members spliced in first (keys JSON.stringify cannot make, e.g. `__proto__`). */
export function withRawMembers(value: Record<string, unknown>, raw: string[]): string {
  const json = JSON.stringify(value);
  if (raw.length === 0) return json;
  return `{${raw.join(',')}${json === '{}' ? '' : `,${json.slice(1, -1)}`}}`;
}

/** Members that would pollute a prototype, or shadow a method, if a parser copied them carelessly. */
export const PROTOTYPE_MEMBERS = [
  '"__proto__":{"polluted":true,"tags":"x","link":"https://evil.example/<!channel>","isAdmin":true}',
  '"constructor":{"prototype":{"polluted":true}}',
  '"prototype":{"polluted":true}',
  '"__proto__":null',
  '"hasOwnProperty":"x"',
  '"toString":{"a":1}',
] as const;

// ---- whole payloads, with what the API owes them --------------------------------------------------------

export type IntakeRoute = 'panther' | 'alerts';

/** What the API must answer: a start (or duplicate), or a 400 whose details name `field`. */
export type Expectation = { status: 202 } | { status: 400; field: string; says?: string };

/**
 * A webhook body. `value` is JSON; `raw` members are spliced in as text (keys JSON.stringify cannot write,
 * like `__proto__`, and nesting too deep to build as values). `alertId` is set by the caller so that
 * accepted alerts are unique per run (fast-check's bias would otherwise repeat small values).
 */
export interface HostilePayload {
  route: IntakeRoute;
  value: Record<string, unknown>;
  raw: string[];
  expect: Expectation;
  label: string;
}

/** Stands for the alert id until the caller gives each payload its own (see `payloadText`). */
export const ALERT_ID_PLACEHOLDER = '@@alert-id@@';

/** The body's JSON text, with the placeholder alert id replaced by `alertId`. */
export function payloadText(p: HostilePayload, alertId: string): string {
  const value = p.value['alertId'] === ALERT_ID_PLACEHOLDER ? { ...p.value, alertId } : p.value;
  // A raw member's key wins over the same key in `value` (JSON.parse keeps the last; raw goes first).
  const rawKeys = new Set(p.raw.map((m) => /^"((?:[^"\\]|\\.)*)"/.exec(m)?.[1]));
  return withRawMembers(Object.fromEntries(Object.entries(value).filter(([k]) => !rawKeys.has(k))), p.raw);
}

const iso = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') }).map((ms) => new Date(ms).toISOString());
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const text = (maxLength: number) => hostileText({ maxLength });
const someText = (maxLength: number) => hostileText({ minLength: 1, maxLength });

/** Where extractIps/extractUsers look in Panther's alertContext, filled with hostile and valid values. */
const alertContext: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      ip: fc.oneof(ipv4, ipv6, text(50), nonStringJson, fc.constant(null)),
      actor: fc.record({ alternateId: fc.oneof(hostileSqlValue(256), fc.constantFrom(...SQL_INJECTIONS)), email: text(100) }, { requiredKeys: [] }),
      client: fc.record({ ipAddress: fc.oneof(ipv4, text(50)) }, { requiredKeys: [] }),
      userIdentity: fc.record({ arn: text(200), userName: text(100) }, { requiredKeys: [] }),
      p_any_ip_addresses: fc.array(fc.oneof(ipv4, text(40)), { maxLength: 25 }),
      p_any_emails: fc.array(hostileSqlValue(100), { maxLength: 25 }),
      user: fc.oneof(hostileSqlValue(256), nonStringJson),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 4 }),
);

const looseLogType: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(...LOGIN_LOG_TYPES), text(200), nonStringJson, fc.constant(null));

/** A Panther "Custom Webhook" payload that is valid (its required fields are) yet hostile everywhere. */
export const validPanther: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    id: fc.oneof(fc.constantFrom(...KNOWN_DETECTIONS), someText(256)),
    // Over-long titles are truncated, a `New Alert: ` prefix stripped.
    title: fc.oneof(someText(1000), someText(200).map((t) => `New Alert: ${t}`), someText(3000).map((t) => t.padEnd(3000, '*'))),
    severity: severityAnyCase,
    // Optional fields of the wrong type are taken as absent (or as their text), never a lost alert.
    createdAt: opt(fc.oneof(iso, fc.constantFrom(...INVALID_TIMESTAMPS), nonStringJson)),
    type: opt(fc.oneof(text(50), nonStringJson)),
    link: opt(fc.oneof(fc.constantFrom(...HOSTILE_VALID_LINKS, ...INVALID_LINKS), nonStringJson)),
    name: opt(fc.oneof(text(600), nonStringJson)),
    description: opt(fc.oneof(text(5000), nonStringJson)),
    runbook: opt(fc.oneof(text(5000), nonStringJson)),
    version: opt(fc.oneof(text(20), nonStringJson)),
    tags: opt(fc.oneof(fc.array(fc.oneof(text(200), nonStringJson), { maxLength: 60 }), fc.integer(), fc.boolean(), text(20))),
    alertContext,
    logType: looseLogType,
    logTypes: fc.oneof(fc.array(looseLogType, { maxLength: 3 }), looseLogType),
  },
  { requiredKeys: ['id', 'title', 'severity'] },
);

/** A canonical alert that is valid and hostile: its user names carry SQL, its text Slack markup. */
export const validCanonical: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    source: fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/).filter((s) => s !== 'panther'), // 'panther' is refused on this route
    detectionId: fc.oneof(fc.constantFrom(...KNOWN_DETECTIONS), someText(256)),
    detectionName: text(512),
    title: someText(1000),
    severity: severityAnyCase,
    logType: fc.constantFrom(...LOGIN_LOG_TYPES),
    createdAt: iso,
    link: fc.constantFrom(...HOSTILE_VALID_LINKS),
    runbook: text(4000),
    description: text(4000),
    tags: fc.array(text(128), { maxLength: 10 }),
    ip: fc.oneof(ipv4, ipv6),
    ips: fc.array(ipv4, { maxLength: 5 }),
    user: fc.oneof(fc.constantFrom(...SQL_INJECTIONS.filter((s) => s.length > 0)), hostileSqlValue(256)),
    users: fc.array(hostileText({ minLength: 1, maxLength: 256 }), { maxLength: 4 }),
  },
  { requiredKeys: ['source', 'detectionId', 'title', 'severity', 'logType', 'user'] },
);

/** Severities that are wrong whatever their case. */
const badSeverity = fc.oneof(fc.constantFrom('URGENT', 'sev1', '', ' HIGH', 'HIGH ', 'hígh', '<!channel>'), text(20)).filter(
  (s) => !(SEVERITIES as readonly string[]).includes(s.toUpperCase()),
);
const badAlertId = fc.oneof(
  fc.constant(''),
  fc.constant('a'.repeat(129)),
  text(60).map((t) => `<${t}`),
  fc.constantFrom('../../etc/passwd', 'a b', 'alert/panther/x', '-leading-dash', "x' OR '1'='1", '\u202eabc', 'ａ'),
);
/** Strings that are not IP addresses. */
const notIp = fc.constantFrom('999.1.1.1', '1.2.3', '1.2.3.4.5', '<!channel>', "1.2.3.4' OR '1'='1", '1.2.3.4 ', '::g', '', 'localhost', '01.02.03.04x');

interface Mutation {
  field: string;
  apply: (v: Record<string, unknown>) => Record<string, unknown>;
  says?: string;
  raw?: string;
}

const set = (field: string, value: unknown): Mutation => ({ field, apply: (v) => ({ ...v, [field]: value }) });
const drop = (field: string): Mutation => ({
  field,
  apply: (v) => Object.fromEntries(Object.entries(v).filter(([k]) => k !== field)),
});

/** One required field of a Panther payload made wrong: missing, wrongly typed, or out of bounds. */
const pantherMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('id', 'alertId', 'title', 'severity').map(drop),
  fc.tuple(fc.constantFrom('id', 'alertId', 'title', 'severity'), fc.oneof(nonStringJson, fc.constant(null))).map(([f, v]) => set(f, v)),
  fc.constantFrom('', 'x'.repeat(257)).map((v) => set('id', v)),
  badAlertId.map((v) => set('alertId', v)),
  fc.constant(set('title', '')),
  badSeverity.map((v) => set('severity', v)),
);

const CANONICAL_STRINGS = ['source', 'alertId', 'detectionId', 'detectionName', 'title', 'severity', 'logType', 'createdAt', 'link', 'runbook', 'description', 'ip', 'user'] as const;
const CANONICAL_ARRAYS = ['tags', 'ips', 'users'] as const;
const UNKNOWN_KEYS = ['logtype', 'logTypes', 'alertContext', 'constructor', 'prototype', 'toString', '<!channel>', "'; DROP TABLE x; --", 'source ', 'ＳＯＵＲＣＥ'] as const;

/** One field of a canonical alert made wrong (the canonical format is strict: unknown keys are errors too). */
const canonicalMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('source', 'alertId', 'detectionId', 'title', 'severity').map(drop),
  fc.tuple(fc.constantFrom(...CANONICAL_STRINGS), fc.oneof(nonStringJson, fc.constant(null))).map(([f, v]) => set(f, v)),
  fc.tuple(fc.constantFrom(...CANONICAL_ARRAYS), fc.oneof(fc.integer(), text(20), fc.constant(null), fc.constant({ 0: 'x' }))).map(([f, v]) => set(f, v)),
  fc.tuple(fc.constantFrom(...CANONICAL_ARRAYS), nonStringJson).map(([f, v]) => ({ ...set(f, [v]), field: `${f}.0` })),
  fc.constantFrom('', 'Panther', '1panther', '-x', 'x'.repeat(33), 'pan ther', 'panther\u0000', '<!here>').map((v) => set('source', v)),
  badAlertId.map((v) => set('alertId', v)),
  fc.constantFrom('', 'd'.repeat(257)).map((v) => set('detectionId', v)),
  fc.constant(set('detectionName', 'n'.repeat(513))),
  fc.constantFrom('', 't'.repeat(1001)).map((v) => set('title', v)),
  badSeverity.map((v) => set('severity', v)),
  fc.constantFrom(...INVALID_LINKS).map((v) => set('link', v)),
  fc.constantFrom('runbook', 'description').map((f) => set(f, 'r'.repeat(4001))),
  fc.constant(set('tags', Array.from({ length: 51 }, (_, i) => `t${i}`))),
  fc.constant({ ...set('tags', ['x'.repeat(129)]), field: 'tags.0' }),
  notIp.map((v) => set('ip', v)),
  notIp.map((v) => ({ ...set('ips', ['192.0.2.1', v]), field: 'ips.1' })),
  fc.constant(set('ips', Array.from({ length: 21 }, (_, i) => `192.0.2.${i}`))),
  fc.constantFrom('', 'u'.repeat(257)).map((v) => set('user', v)),
  fc.constantFrom('', 'u'.repeat(257)).map((v) => ({ ...set('users', ['ok', v]), field: 'users.1' })),
  fc.constantFrom(...INVALID_TIMESTAMPS).map((v) => set('createdAt', v)),
  fc.constantFrom('Okta SystemLog', '.Okta', 'L'.repeat(129), '<!here>', "Okta'--", '').map((v) => set('logType', v)),
  // An unknown key is the field the error names.
  fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), fc.jsonValue({ maxDepth: 2 })).map(([k, v]): Mutation => ({ ...set(k, v), field: k, says: k })),
  fc.constantFrom(...PROTOTYPE_MEMBERS.filter((m) => m.startsWith('"__proto__"'))).map((raw): Mutation => ({ field: '__proto__', says: '__proto__', raw, apply: (v) => v })),
);

/** A payload of `route` with exactly one field made wrong, and the 400 that names it. */
export function invalidPayload(route: IntakeRoute): fc.Arbitrary<HostilePayload> {
  const base = route === 'panther' ? validPanther : validCanonical;
  const mutation = route === 'panther' ? pantherMutation : canonicalMutation;
  // alertId is filled in below, before the mutation, so that a mutation of alertId wins.
  return fc.tuple(base, mutation).map(([value, m]) => ({
    route,
    value: m.apply({ ...value, alertId: ALERT_ID_PLACEHOLDER }),
    raw: m.raw ? [m.raw] : [],
    expect: { status: 400, field: m.field, ...(m.says ? { says: m.says } : {}) },
    label: `invalid ${m.field}`,
  }));
}

/** A valid hostile payload of `route`, sometimes with prototype keys or 10,000-deep nesting alongside. */
export function validPayload(route: IntakeRoute): fc.Arbitrary<HostilePayload> {
  const base = route === 'panther' ? validPanther : validCanonical;
  // The canonical format is strict, so extra members only go to Panther (where alertContext is free-form).
  const extras =
    route === 'panther'
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constant<string[]>([]) },
          { weight: 1, arbitrary: fc.subarray<string>([...PROTOTYPE_MEMBERS], { minLength: 1 }) },
          {
            weight: 1,
            arbitrary: fc.constantFrom<string[]>(
              [`"alertContext":${deepJson(10_000, 'object')}`],
              [`"logTypes":${deepJson(10_000, 'array')}`],
              [`"tags":${deepJson(5_000, 'array', '"<!channel>"')}`],
            ),
          },
        )
      : fc.constant<string[]>([]);
  return fc.tuple(base, extras).map(([value, raw]) => ({
    route,
    value: { ...value, alertId: ALERT_ID_PLACEHOLDER },
    raw,
    expect: { status: 202 },
    label: `valid ${route}${raw.length ? ' with raw members' : ''}`,
  }));
}
