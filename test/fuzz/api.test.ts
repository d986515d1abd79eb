/**
 * The hostile-input fuzz run against the real service: the API and worker processes, the real Temporal
 * dev server, Slack and Panther fakes (SIEM=panther, so the data-lake SQL is recorded). Over 10,000
 * generated requests — malformed, oversized, deeply nested, wrongly typed, unicode-heavy, injection-laden,
 * forged — go to the intake and to the Slack interaction route, 12 in flight. Every answer must be the 4xx
 * the contract names (a JSON error naming the field for a bad schema) or a 2xx, never a 5xx; the processes
 * survive; the workflows on the task queue are exactly those the API said it started; what reaches Slack
 * holds no control sequence from alert text; and every SQL statement has a benign alert's shape.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import fc from 'fast-check';
import { triageState } from '../../src/temporal/triage-client';
import { BUTTONS } from '../../src/tickets/actions';
import { FAKE_CREDENTIALS, signSlackRequest, startFakes, type PantherQueryOutcome, type PantherQueryRequest, type RunningFakes } from '../fakes';
import {
  ALERT_ID_PLACEHOLDER,
  FUZZ_SEED,
  LOGIN_LOG_TYPES,
  SLACK_INJECTIONS,
  SLACK_MARKERS,
  hostileText,
  invalidPayload,
  malformedJsonText,
  nonStringJson,
  payloadText,
  validPayload,
  type HostilePayload,
} from '../helpers/hostile';
import { startServices, type RunningServices } from '../helpers/processes';
import { tempDir } from '../helpers/sample-logs';
import { testAddress, uniqueTaskQueue, visibilityCaughtUp } from '../helpers/temporal';
import { until } from '../helpers/until';
import { blockTexts, slackTextViolations, sqlShape } from './oracles';

const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';
const SIGNING_SECRET = FAKE_CREDENTIALS.slackSigningSecret;
const ANALYST = 'U0FUZZANALYST';
/** Smaller than the 1 MiB default so that hundreds of bodies over and just under it cost little. */
const MAX_BODY = 256 * 1024;
/** The Slack route's own limit (src/api/routes/slack-interactions.ts). */
const SLACK_MAX_BODY = 256 * 1024;
const IN_FLIGHT = 12;
const BENIGN_USER = 'benign.user@acme.io';
/** What the fake data lake answers: attacker-controlled event fields (city, user agent) are hostile too. */
const SIEM_TEXT = '<!channel> <@U0SIEMDATA> <https://evil.example|siem> *b* &lt;x&gt; \u202e';

/** How many of each kind of request (the run asserts that they add up to at least 10,000). */
const COUNTS = {
  validPanther: 40,
  validCanonical: 40,
  justUnderAccepted: 20,
  duplicates: 300,
  invalidPanther: 2_000,
  invalidCanonical: 2_000,
  notAnObject: 200,
  malformedJson: 800,
  wrongContentType: 400,
  authFailure: 1_200,
  oversize: 60,
  justUnderRejected: 20,
  encodings: 40,
  slackUnsigned: 300,
  slackForged: 400,
  slackStale: 300,
  slackOversize: 30,
  slackNotJson: 400,
  slackNotBlockActions: 600,
  slackHostileActions: 600,
  slackRefusedUser: 200,
  slackMissingWorkflow: 200,
  slackRealClicks: 30,
} as const;

interface Expect {
  status: number;
  /** For a 400 on a bad schema: a problem must name this field (or one inside it). */
  field?: string;
  /** …and say this. */
  says?: string;
  /** The JSON error's `error` (and `details`) must match. */
  error?: RegExp;
}

interface FuzzRequest {
  label: string;
  path: '/webhooks/panther' | '/webhooks/alerts' | '/slack/interactions';
  body: Buffer;
  /** Built when sent: signatures carry the current time. */
  headers: () => Record<string, string>;
  expect: Expect;
  /** For a valid alert: the workflow it starts (or finds already started). */
  workflowId?: string;
}

interface Outcome {
  request: FuzzRequest;
  status: number;
  body: string;
}

// ---- headers ----------------------------------------------------------------------------------------------

const JSON_TYPE = { 'content-type': 'application/json' };
const now = () => Math.floor(Date.now() / 1000);
/** The intake's HMAC, computed here rather than with the code under test. */
const hmac = (secret: string, ts: number | string, body: Buffer) => `sha256=${createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex')}`;

type AuthMode = 'secret' | 'bearer' | 'hmac';
function goodAuth(mode: AuthMode, body: Buffer): Record<string, string> {
  if (mode === 'secret') return { 'x-webhook-secret': WEBHOOK_SECRET };
  if (mode === 'bearer') return { authorization: `Bearer ${WEBHOOK_SECRET}` };
  const ts = now();
  return { 'x-signature-timestamp': String(ts), 'x-signature-256': hmac(WEBHOOK_SECRET, ts, body) };
}

/** Every way to fail the intake's authentication. */
const BAD_AUTH: ReadonlyArray<(body: Buffer) => Record<string, string>> = [
  () => ({}),
  () => ({ 'x-webhook-secret': 'wrong' }),
  () => ({ 'x-webhook-secret': '' }),
  () => ({ 'x-webhook-secret': `${WEBHOOK_SECRET}x` }),
  () => ({ 'x-webhook-secret': WEBHOOK_SECRET.toUpperCase() }),
  () => ({ 'x-webhook-secret': `${WEBHOOK_SECRET}, ${WEBHOOK_SECRET}` }),
  () => ({ authorization: 'Bearer wrong' }),
  () => ({ authorization: `Basic ${Buffer.from(`x:${WEBHOOK_SECRET}`).toString('base64')}` }),
  () => ({ authorization: WEBHOOK_SECRET }),
  (b) => ({ 'x-signature-timestamp': String(now()), 'x-signature-256': hmac('wrong', now(), b) }),
  (b) => ({ 'x-signature-timestamp': String(now() - 301), 'x-signature-256': hmac(WEBHOOK_SECRET, now() - 301, b) }),
  (b) => ({ 'x-signature-timestamp': String(now() + 400), 'x-signature-256': hmac(WEBHOOK_SECRET, now() + 400, b) }),
  (b) => ({ 'x-signature-timestamp': '0', 'x-signature-256': hmac(WEBHOOK_SECRET, 0, b) }),
  (b) => ({ 'x-signature-timestamp': `${now()}.5`, 'x-signature-256': hmac(WEBHOOK_SECRET, `${now()}.5`, b) }),
  (b) => ({ 'x-signature-timestamp': '1e9', 'x-signature-256': hmac(WEBHOOK_SECRET, '1e9', b) }),
  (b) => ({ 'x-signature-256': hmac(WEBHOOK_SECRET, now(), b) }),
  () => ({ 'x-signature-timestamp': String(now()), 'x-signature-256': hmac(WEBHOOK_SECRET, now(), Buffer.from('another body')) }),
  // (Upper-case hex is the same signature, and accepted; one hex digit short is not.)
  (b) => ({ 'x-signature-timestamp': String(now()), 'x-signature-256': hmac(WEBHOOK_SECRET, now(), b).slice(0, -1) }),
  (b) => ({ 'x-signature-timestamp': String(now()), 'x-signature-256': hmac(WEBHOOK_SECRET, now(), b).replace('sha256=', 'sha1=') }),
  // A valid secret does not rescue a bad signature: the HMAC header, when present, decides.
  (b) => ({ 'x-webhook-secret': WEBHOOK_SECRET, 'x-signature-timestamp': String(now()), 'x-signature-256': hmac('wrong', now(), b) }),
];

const NOT_JSON_TYPES = ['text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/xml', 'json', '*/*', 'application/ json'];

// ---- the fake data lake --------------------------------------------------------------------------------

function hostileLake(q: PantherQueryRequest): PantherQueryOutcome {
  const at = new Date(Date.now() - 3_600_000).toISOString();
  if (q.kind === 'indicator') return [{ p_log_type: SIEM_TEXT, p_event_time: at }];
  if ((q.sql ?? '').includes('top successful login locations')) {
    return [{ IP: '203.0.113.9', CITY: SIEM_TEXT, COUNTRY: SIEM_TEXT, LOGINS: 3, LAST_SEEN: at, TOTAL: 3 }];
  }
  return [{ TIME: at, IP: '203.0.113.9', CITY: SIEM_TEXT, COUNTRY: SIEM_TEXT, USER_AGENT: SIEM_TEXT }];
}

// ---- running requests ------------------------------------------------------------------------------------

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** A deterministic shuffle (the run is repeatable for a seed). */
function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] => (n === 0 ? [] : fc.sample(arb, { numRuns: n, seed: FUZZ_SEED + salt }));

/** What is wrong with an answer, or undefined when it is the one the contract owes. */
function problemWith(o: Outcome): string | undefined {
  const { request: r, status, body } = o;
  if (status >= 500) return `answered ${status}: ${body.slice(0, 300)}`;
  if (status !== r.expect.status) return `answered ${status}, expected ${r.expect.status}: ${body.slice(0, 300)}`;
  if (status === 200) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `answered ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
  }
  if (status === 202) {
    const reply = json as { workflowId?: unknown; status?: unknown };
    if (reply.workflowId !== r.workflowId) return `202 for ${String(reply.workflowId)}, expected ${r.workflowId}`;
    if (reply.status !== 'started' && reply.status !== 'duplicate') return `202 with status ${String(reply.status)}`;
    return undefined;
  }
  const error = json as { error?: unknown; details?: unknown };
  if (typeof error.error !== 'string' || error.error.length === 0) return `a ${status} without a JSON error: ${body.slice(0, 200)}`;
  if (r.expect.error && !r.expect.error.test(`${error.error} ${JSON.stringify(error.details ?? '')}`)) {
    return `error ${JSON.stringify(error.error)} does not match ${r.expect.error}`;
  }
  const { field, says } = r.expect;
  if (field !== undefined) {
    const problems = Array.isArray(error.details) ? (error.details as Array<{ field?: unknown; message?: unknown }>) : [];
    const named = problems.some(
      (p) => typeof p.field === 'string' && (p.field === field || p.field.startsWith(`${field}.`)) && (!says || String(p.message).includes(says)),
    );
    if (!named) return `400 does not name ${field}${says ? ` saying ${says}` : ''}: ${body.slice(0, 300)}`;
  }
  return undefined;
}

describe('fuzz: hostile input against the real API and worker processes', function () {
  this.timeout(300_000);
  const taskQueue = uniqueTaskQueue('fuzz');
  const nonce = taskQueue.slice(-8);
  let fakes: RunningFakes;
  let services: RunningServices;
  let base: string;
  let connection: Connection;
  let client: Client;
  const outcomes: Outcome[] = [];
  /** workflow id → the statuses its valid payloads got (exactly one `started`). */
  const starts = new Map<string, string[]>();
  /** Every workflow id the API answered `started` for, whatever the request. */
  const reported = new Set<string>();
  /** The bodies of the accepted alerts (every user in the SQL must come from one of them). */
  const acceptedBodies: string[] = [];
  const clicked = new Map<string, string>();
  /** The requests of valid alerts (each to be started once; their resends are duplicates). */
  const acceptedRequests: FuzzRequest[] = [];
  let seq = 0;
  const nextId = () => `fuzz-${nonce}-${seq++}`;

  before(async () => {
    fakes = await startFakes({ panther: { respond: hostileLake, pollsUntilDone: 0, autoCreateAlerts: true } });
    const f = fakes.env;
    // Slack and Panther (as SIEM) only: VirusTotal and Jira add cost, not attack surface for this run.
    const env = {
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WEBHOOK_SECRET,
      MAX_BODY_BYTES: String(MAX_BODY),
      SIEM: 'panther',
      PANTHER_API_URL: f['PANTHER_API_URL']!,
      PANTHER_API_TOKEN: f['PANTHER_API_TOKEN']!,
      SLACK_API_URL: f['SLACK_API_URL']!,
      SLACK_BOT_TOKEN: f['SLACK_BOT_TOKEN']!,
      SLACK_CHANNEL: f['SLACK_CHANNEL']!,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_ALLOWED_USERS: ANALYST,
      DATA_DIR: tempDir('fuzz-data'),
    };
    services = await startServices(env, 60_000);
    base = services.base;
    connection = await Connection.connect({ address: testAddress() });
    client = new Client({ connection });
  });

  const printServiceLogs = () =>
    console.log(`--- api ---\n${services?.api.output.slice(-20).join('\n')}\n--- worker ---\n${services?.worker.output.slice(-30).join('\n')}`);
  afterEach(function () {
    if (this.currentTest?.state === 'failed') printServiceLogs();
  });

  after(async () => {
    // Leave nothing running on the shared dev server: terminating a triage terminates its children.
    if (client) {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) ids.push(wf.workflowId);
      await inParallel(ids, 8, async (id) => {
        await client.workflow.getHandle(id).terminate('fuzz run over').catch(() => undefined);
      });
    }
    await services?.stop();
    await connection?.close();
    await fakes?.stop();
  });

  async function send(r: FuzzRequest): Promise<void> {
    let status: number;
    let body: string;
    try {
      const res = await fetch(`${base}${r.path}`, { method: 'POST', headers: r.headers(), body: r.body, signal: AbortSignal.timeout(30_000) });
      status = res.status;
      body = await res.text();
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      status = 0;
      body = `no answer: ${String(err)}${cause ? ` (${String(cause)})` : ''}`;
    }
    outcomes.push({ request: r, status, body });
    if (status === 202) {
      let reply: { workflowId?: unknown; status?: unknown } = {};
      try {
        reply = JSON.parse(body) as typeof reply;
      } catch {
        // problemWith reports the body.
      }
      if (reply.status === 'started' && typeof reply.workflowId === 'string') reported.add(reply.workflowId);
      if (r.workflowId) starts.set(r.workflowId, [...(starts.get(r.workflowId) ?? []), String(reply.status)]);
    }
  }

  function assertAnswers(which: (o: Outcome) => boolean): void {
    const bad = outcomes.filter(which).flatMap((o) => {
      const problem = o.status === 0 ? o.body : problemWith(o);
      return problem ? [`${o.request.label} → ${problem}`] : [];
    });
    assert.deepEqual(bad.slice(0, 15), [], `${bad.length} of ${outcomes.filter(which).length} answers were wrong`);
  }

  function intakeRequest(p: HostilePayload, label: string, headers: (body: Buffer) => Record<string, string>, expect: Expect): FuzzRequest {
    const id = nextId();
    const body = Buffer.from(payloadText(p, id));
    return { label, path: p.route === 'panther' ? '/webhooks/panther' : '/webhooks/alerts', body, headers: () => headers(body), expect };
  }

  /** A valid payload, to be accepted: its workflow id is `alert/<source>/<id>`. */
  function accepted(p: HostilePayload, mode: AuthMode): FuzzRequest {
    const id = nextId();
    const text = payloadText(p, id);
    const value = JSON.parse(text) as { source?: unknown };
    acceptedBodies.push(text);
    const source = p.route === 'panther' ? 'panther' : String(value.source);
    const body = Buffer.from(text);
    return {
      label: p.label,
      path: p.route === 'panther' ? '/webhooks/panther' : '/webhooks/alerts',
      body,
      headers: () => ({ ...JSON_TYPE, ...goodAuth(mode, body) }),
      expect: { status: 202 },
      workflowId: `alert/${source}/${id}`,
    };
  }

  /**
   * The run the tests below examine: the hostile intake requests, then (once the accepted alerts' tickets are
   * out) the hostile and real clicks. It runs once, before them, so each test checks one guarantee of it.
   */
  async function runFuzz(): Promise<void> {
    const modes = (n: number, salt: number) => sample(fc.constantFrom<AuthMode>('secret', 'bearer', 'hmac'), n, salt);

    // -- intake: valid hostile alerts (started once), their resends (duplicates), three benign controls --
    const valid = [
      ...sample(validPayload('panther'), COUNTS.validPanther, 1),
      ...sample(validPayload('alerts'), COUNTS.validCanonical, 2),
    ].map((p, i) => accepted(p, modes(1, 100 + i)[0]!));
    const benign = LOGIN_LOG_TYPES.map((logType, i) =>
      accepted(
        {
          route: 'alerts',
          value: {
            source: 'fuzz-control',
            alertId: ALERT_ID_PLACEHOLDER,
            detectionId: 'Okta.BruteForceLogins',
            title: `Benign control ${i}`,
            severity: 'LOW',
            logType,
            user: BENIGN_USER,
            ip: '192.0.2.10',
          },
          raw: [],
          expect: { status: 202 },
          label: 'benign control',
        },
        'secret',
      ),
    );
    // Just under the size limit: a Panther alert whose free-form alertContext is padded with hostile text.
    const justUnder = sample(validPayload('panther'), COUNTS.justUnderAccepted, 3).map((p, i) => {
      const r = accepted(p, 'secret');
      const filler = 'x'.repeat(Math.max(0, MAX_BODY - r.body.length - 64 - i));
      const body = Buffer.from(`{"pad":${JSON.stringify(filler)},${r.body.toString('utf8').slice(1)}`);
      assert.ok(body.length <= MAX_BODY && body.length > MAX_BODY - 1024, `padded to ${body.length}`);
      return { ...r, label: 'valid panther just under the limit', body, headers: () => ({ ...JSON_TYPE, ...goodAuth('hmac', body) }) };
    });
    const originals = [...valid, ...benign, ...justUnder];
    const duplicates = sample(fc.tuple(fc.nat(originals.length - 1), fc.constantFrom<AuthMode>('secret', 'bearer', 'hmac')), COUNTS.duplicates, 4).map(
      ([i, mode]): FuzzRequest => {
        const o = originals[i]!;
        return { ...o, label: 'resent (duplicate)', headers: () => ({ ...JSON_TYPE, ...goodAuth(mode, o.body) }) };
      },
    );

    // -- intake: rejections --
    const invalid = [
      ...sample(invalidPayload('panther'), COUNTS.invalidPanther, 5),
      ...sample(invalidPayload('alerts'), COUNTS.invalidCanonical, 6),
    ].map((p, i) => {
      if (p.expect.status !== 400) throw new Error('invalid payloads expect 400');
      const mode = modes(1, 10_000 + i)[0]!;
      return intakeRequest(p, `${p.route}: ${p.label}`, (b) => ({ ...JSON_TYPE, ...goodAuth(mode, b) }), { status: 400, field: p.expect.field, ...(p.expect.says ? { says: p.expect.says } : {}) });
    });
    const notAnObject = sample(
      fc.tuple(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
          fc.constantFrom(`${'['.repeat(10_000)}${']'.repeat(10_000)}`, `${'['.repeat(10_000)}"<!channel>"${']'.repeat(10_000)}`, '"<!channel>"', 'null', '[]', '0'),
        ),
        fc.nat(1),
      ),
      COUNTS.notAnObject,
      7,
    ).map(([json, r]): FuzzRequest => {
      const body = Buffer.from(json);
      return {
        label: 'not an object',
        path: r ? '/webhooks/panther' : '/webhooks/alerts',
        body,
        headers: () => ({ ...JSON_TYPE, ...goodAuth('secret', body) }),
        expect: { status: 400, field: '(body)' },
      };
    });
    const malformed = sample(fc.tuple(malformedJsonText, fc.nat(1), fc.constantFrom<AuthMode>('secret', 'hmac')), COUNTS.malformedJson, 8).map(
      ([json, r, mode]): FuzzRequest => {
        const body = Buffer.from(json);
        return {
          label: 'malformed JSON',
          path: r ? '/webhooks/panther' : '/webhooks/alerts',
          body,
          headers: () => ({ ...JSON_TYPE, ...goodAuth(mode, body) }),
          expect: { status: 400, error: /not valid JSON/ },
        };
      },
    );
    // A valid alert with a bad header starts nothing: these alert ids must never show up on the queue.
    const anyPayload = (salt: number, n: number) =>
      sample(fc.tuple(fc.oneof(validPayload('panther'), validPayload('alerts'), invalidPayload('panther'), invalidPayload('alerts')), fc.nat(1000)), n, salt);
    const wrongType = anyPayload(9, COUNTS.wrongContentType).map(([p, k]) =>
      intakeRequest(p, 'not JSON content type', (b) => ({ ...(k % 7 === 0 ? {} : { 'content-type': NOT_JSON_TYPES[k % NOT_JSON_TYPES.length]! }), ...goodAuth('secret', b) }), {
        status: 415,
        error: /application\/json/,
      }),
    );
    const badAuth = anyPayload(10, COUNTS.authFailure).map(([p, k]) =>
      intakeRequest(p, 'bad credentials', (b) => ({ ...(k % 5 === 0 ? { 'content-type': 'text/plain' } : JSON_TYPE), ...BAD_AUTH[k % BAD_AUTH.length]!(b) }), {
        status: 401,
        error: /unauthorized/,
      }),
    );
    // Over the limit, whatever the credentials (size is checked while reading, before anything else).
    const oversize = sample(fc.tuple(fc.integer({ min: 1, max: 64 * 1024 }), fc.nat(3), validPayload('panther')), COUNTS.oversize, 11).map(([over, k, p]): FuzzRequest => {
      const inner = payloadText(p, nextId());
      const filler = 'A'.repeat(Math.max(0, MAX_BODY + over - inner.length - 10));
      const body = Buffer.from(`{"pad":"${filler}",${inner.slice(1)}`);
      const headers = k === 0 ? () => ({ ...JSON_TYPE }) : () => ({ ...JSON_TYPE, ...goodAuth(k === 1 ? 'hmac' : 'secret', body) });
      return { label: 'over the size limit', path: k % 2 ? '/webhooks/alerts' : '/webhooks/panther', body, headers, expect: { status: 413, error: /larger than the limit/ } };
    });
    const justUnderRejected = sample(validPayload('alerts'), COUNTS.justUnderRejected, 12).map((p, i) => {
      const description = 'd'.repeat(MAX_BODY - 2048 - i);
      return intakeRequest({ ...p, value: { ...p.value, description } }, 'canonical just under the limit, description too long', (b) => ({ ...JSON_TYPE, ...goodAuth('secret', b) }), {
        status: 400,
        field: 'description',
      });
    });
    // Content-Encoding: a gzip bomb over the limit once inflated, corrupt gzip, encodings nobody supports.
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 4, 0x20));
    const encodings = Array.from({ length: COUNTS.encodings }, (_, i): FuzzRequest => {
      const kind = i % 4;
      const body = kind === 0 ? bomb : kind === 1 ? Buffer.from('\x1f\x8b\x08\x00not gzip at all') : Buffer.from('{"id":"x"}');
      const encoding = ['gzip', 'gzip', 'x-unknown', 'compress'][kind]!;
      return {
        label: `Content-Encoding ${encoding}${kind === 0 ? ' (bomb)' : ''}`,
        path: i % 2 ? '/webhooks/alerts' : '/webhooks/panther',
        body,
        headers: () => ({ ...JSON_TYPE, 'content-encoding': encoding, ...goodAuth('secret', body) }),
        expect: { status: kind === 0 ? 413 : kind === 1 ? 400 : 415 },
      };
    });

    const intake = shuffle(
      [...originals, ...duplicates, ...invalid, ...notAnObject, ...malformed, ...wrongType, ...badAuth, ...oversize, ...justUnderRejected, ...encodings],
      FUZZ_SEED,
    );
    const t0 = Date.now();
    await inParallel(intake, IN_FLIGHT, send);
    console.log(`      intake: ${intake.length} requests in ${Date.now() - t0} ms`);
    acceptedRequests.push(...originals);

    // -- the tickets of the accepted alerts are out before anyone clicks --
    const started = [...starts.keys()];
    const ticketed = () => new Set(fakes.slack.messages.map((m) => String(m.metadata?.event_payload['alert_key'] ?? '')));
    const allOut = await until(() => started.every((id) => ticketed().has(id)), 150_000, 500);
    assert.ok(allOut, `tickets missing for ${started.filter((id) => !ticketed().has(id)).slice(0, 5).join(', ')}`);

    // -- /slack/interactions --
    const slackRequests = slackFuzz(started);
    const t1 = Date.now();
    await inParallel(slackRequests, IN_FLIGHT, send);
    console.log(`      /slack/interactions: ${slackRequests.length} requests in ${Date.now() - t1} ms`);

    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    console.log(`      ${outcomes.length} requests, by status: ${[...byStatus].sort().map(([s, n]) => `${s}×${n}`).join(' ')}; ${started.length} alerts started`);
  }

  before(async () => {
    await runFuzz().catch((err: unknown) => {
      printServiceLogs();
      throw err;
    });
  });

  it(`answers ${Object.values(COUNTS).reduce<number>((a, b) => a + b, LOGIN_LOG_TYPES.length)} hostile requests on the intake and /slack/interactions as the contract says, never 5xx`, () => {
    assert.ok(outcomes.length >= 10_000, `${outcomes.length} requests`);
    assertAnswers((o) => o.request.path !== '/slack/interactions');
    assertAnswers((o) => o.request.path === '/slack/interactions');
  });

  it('starts each valid alert once, however often it is resent', () => {
    assert.ok(acceptedRequests.length >= COUNTS.validPanther + COUNTS.validCanonical);
    for (const o of acceptedRequests) {
      const statuses = starts.get(o.workflowId!) ?? [];
      assert.equal(statuses.filter((s) => s === 'started').length, 1, `${o.workflowId} was started once (got ${statuses.join(', ')})`);
    }
  });

  /** Signed and forged clicks; the analyst's real ones go to `targets` (tickets that are out). */
  function slackFuzz(targets: string[]): FuzzRequest[] {
    const signed = (body: Buffer) => () => ({ 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SIGNING_SECRET, body.toString('utf8')) });
    const form = (payloadText: string) => Buffer.from(new URLSearchParams({ payload: payloadText }).toString());
    const formJson = (payload: unknown) => form(JSON.stringify(payload));
    let actionTs = 0;
    const click = (o: { workflowId: string; user?: string; actionId?: string; username?: unknown; channel?: unknown }) => ({
      type: 'block_actions',
      user: { id: o.user ?? ANALYST, username: o.username ?? 'fuzz.analyst', team_id: 'T0FAKE' },
      team: { id: 'T0FAKE', domain: 'acme' },
      channel: { id: o.channel ?? FAKE_CREDENTIALS.slackChannel, name: 'soc-alerts' },
      container: { type: 'message', channel_id: FAKE_CREDENTIALS.slackChannel },
      actions: [{ action_id: o.actionId ?? BUTTONS[3]!.actionId, block_id: 'autotriage_actions', type: 'button', value: o.workflowId, action_ts: `1795700000.${actionTs++}` }],
    });
    const hostile = hostileText({ maxLength: 120 });
    const r = (label: string, body: Buffer, headers: () => Record<string, string>, expect: Expect): FuzzRequest => ({ label, path: '/slack/interactions', body, headers, expect });
    const validClick = () => formJson(click({ workflowId: targets[0]! }));

    const unsigned = sample(fc.nat(3), COUNTS.slackUnsigned, 20).map((k) => {
      const body = validClick();
      const signature = signSlackRequest(SIGNING_SECRET, body.toString())['x-slack-signature']!;
      const headers: Record<string, string> = [{}, { 'x-slack-request-timestamp': String(now()) }, { 'x-slack-signature': signature }, { 'x-slack-signature': '' }][k]!;
      return r('Slack: unsigned', body, () => ({ 'content-type': 'application/x-www-form-urlencoded', ...headers }), { status: 401, error: /unauthorized/ });
    });
    const forged = sample(fc.tuple(fc.nat(4), hostile), COUNTS.slackForged, 21).map(([k, junk]) => {
      const body = formJson(click({ workflowId: targets[k % targets.length]! }));
      const ts = now();
      const sig = [
        () => signSlackRequest('not-the-signing-secret', body.toString()),
        () => signSlackRequest(SIGNING_SECRET, `${body.toString()}x`),
        () => ({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, body.toString(), ts)['x-slack-signature']!.replace('v0=', 'v1=') }),
        () => ({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${Buffer.from(junk).toString('hex').slice(0, 64)}` }),
        () => ({ 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, body.toString(), ts)['x-slack-signature']!.toUpperCase() }),
      ][k]!;
      return r('Slack: forged signature', body, () => ({ 'content-type': 'application/x-www-form-urlencoded', ...sig() }), { status: 401 });
    });
    const stale = sample(fc.tuple(fc.integer({ min: 310, max: 10_000_000 }), fc.boolean(), fc.nat(3)), COUNTS.slackStale, 22).map(([delta, past, k]) => {
      const body = validClick();
      const ts = () => (k === 3 ? 'yesterday' : String(now() + (past ? -delta : delta)));
      const headers = () => {
        const t = ts();
        const sig = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${t}:${body.toString()}`).digest('hex')}`;
        return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': t, 'x-slack-signature': sig };
      };
      return r('Slack: stale or future timestamp', body, headers, { status: 401 });
    });
    const oversize = Array.from({ length: COUNTS.slackOversize }, (_, i) => {
      const body = Buffer.concat([validClick(), Buffer.from(`&pad=${'p'.repeat(SLACK_MAX_BODY + i * 100)}`)]);
      return r('Slack: over the size limit', body, i % 2 ? signed(body) : () => ({ 'content-type': 'application/x-www-form-urlencoded' }), { status: 413 });
    });
    const notJson = sample(
      fc.oneof(
        malformedJsonText.map((t) => Buffer.from(new URLSearchParams({ payload: t }).toString())),
        malformedJsonText.map((t) => Buffer.from(t)),
        fc.constantFrom(Buffer.from(''), Buffer.from('payload'), Buffer.from('payload=%7B%22type'), Buffer.from('payload=%E0%A4%A'), Buffer.from('a=1&b=2')),
      ),
      COUNTS.slackNotJson,
      23,
    ).map((body) => r('Slack: payload not JSON', body, signed(body), { status: 400, error: /not valid JSON/ }));
    // Valid signatures over JSON that is not a button click: acknowledged, ignored.
    const notBlockActions = sample(
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc
          .record({ type: fc.oneof(fc.constantFrom('view_submission', 'shortcut', 'message_action', 'block_actions '), hostile), user: fc.jsonValue({ maxDepth: 2 }) })
          .map((v) => JSON.stringify(v)),
        fc
          .record({ type: fc.constant('block_actions'), user: fc.oneof(nonStringJson, fc.record({ id: fc.oneof(hostile, nonStringJson) })), actions: fc.jsonValue({ maxDepth: 2 }) })
          .map((v) => JSON.stringify(v)),
        fc.constant(JSON.stringify({ type: 'block_actions', user: { id: ANALYST }, actions: [] })),
        fc.constant(JSON.stringify({ type: 'block_actions', user: { id: ANALYST }, actions: Array.from({ length: 6 }, () => click({ workflowId: targets[0]! }).actions[0]) })),
        fc.constant(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
        // Raw text: keys that JSON.stringify cannot write.
        fc.constant(
          `{"__proto__":{"type":"block_actions","user":{"id":"${ANALYST}"},"actions":[{"action_id":"autotriage_assign","value":"${targets[0]!}","action_ts":"1"}]},` +
            '"constructor":{"prototype":{"x":1}}}',
        ),
      ),
      COUNTS.slackNotBlockActions,
      24,
    ).map((payloadText) => {
      const body = form(payloadText);
      return r('Slack: signed, not a click', body, signed(body), { status: 200 });
    });
    // Clicks whose value or action is hostile: the value is not a workflow id of ours, so nothing happens.
    const hostileActions = sample(
      fc.tuple(
        fc.oneof(hostile, fc.constantFrom(...SLACK_INJECTIONS), fc.constantFrom('alert/panther/../../x', 'alert/Panther/x', `${targets[0]!} `, `${targets[0]!}\n`, 'alert//x')),
        fc.oneof(fc.constantFrom(...BUTTONS.map((b) => b.actionId)), hostile),
        fc.oneof(hostile, nonStringJson),
      ),
      COUNTS.slackHostileActions,
      25,
    ).map(([value, actionId, username]) => {
      const body = formJson(click({ workflowId: value, actionId, username }));
      return r('Slack: signed click, hostile value', body, signed(body), { status: 200 });
    });
    // Someone off the allow-list clicks real tickets: refused (ephemeral), the triage untouched.
    const refused = sample(fc.tuple(fc.stringMatching(/^[UW][A-Z0-9]{2,20}$/).filter((u) => u !== ANALYST), fc.nat(targets.length - 1), fc.nat(3)), COUNTS.slackRefusedUser, 26).map(
      ([user, t, b]) => {
        const body = formJson(click({ workflowId: targets[t]!, user, actionId: BUTTONS[b]!.actionId }));
        return r('Slack: signed click by someone not allowed', body, signed(body), { status: 200 });
      },
    );
    // The analyst clicks alerts that do not exist: the update finds no workflow, and none is started.
    const missing = Array.from({ length: COUNTS.slackMissingWorkflow }, (_, i) => {
      const body = formJson(click({ workflowId: `alert/panther/fuzz-${nonce}-missing-${i}`, actionId: BUTTONS[i % 4]!.actionId }));
      return r('Slack: click on a workflow that does not exist', body, signed(body), { status: 200 });
    });
    // Real clicks by the analyst, each on its own ticket: assign, escalate or close.
    const real = targets.slice(0, COUNTS.slackRealClicks).map((workflowId, i) => {
      const button = BUTTONS[i % 4]!;
      clicked.set(workflowId, button.kind);
      const body = formJson(click({ workflowId, actionId: button.actionId }));
      return r('Slack: the analyst clicks', body, signed(body), { status: 200 });
    });
    return shuffle([...unsigned, ...forged, ...stale, ...oversize, ...notJson, ...notBlockActions, ...hostileActions, ...refused, ...missing, ...real], FUZZ_SEED + 1);
  }

  it('keeps both processes alive and serving', async () => {
    for (const p of [services.api, services.worker]) assert.equal(p.child.exitCode ?? p.child.signalCode, null, `${p.name} exited`);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    // The error handler's 500 log, or anything Node prints outside the JSON logs (a crash's stack trace).
    const crashes = [...services.api.output, ...services.worker.output].filter((l) => l.includes('"msg":"unhandled error in request"') || (!l.startsWith('{') && /Error|Uncaught|Unhandled/.test(l)));
    assert.deepEqual(crashes.slice(0, 5), []);
  });

  it('starts exactly the workflows the API reported as started: no rejected request or click started one', async () => {
    const started = reported;
    assert.ok(started.size >= COUNTS.validPanther + COUNTS.validCanonical, `${started.size} started`);
    const list = async () => {
      const all: WorkflowExecutionInfo[] = [];
      for await (const wf of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) all.push(wf);
      return all;
    };
    // Visibility is eventually consistent: wait until the started ones show and a marker started after them does.
    assert.ok(await until(async () => (await list()).filter((w) => w.type === 'alertTriage').length >= started.size, 20_000, 500), 'the started triages show');
    await visibilityCaughtUp(client, taskQueue);
    const all = (await list()).filter((w) => w.type !== 'visibilityFence');
    const triages = new Set(all.filter((w) => w.type === 'alertTriage').map((w) => w.workflowId));
    assert.deepEqual([...triages].filter((id) => !started.has(id)), [], 'triages the API did not report as started');
    assert.deepEqual([...started].filter((id) => !triages.has(id)), [], 'started triages missing on the queue');
    const strays = all.filter((w) => w.type !== 'alertTriage' && !started.has(w.rootExecution?.workflowId ?? ''));
    assert.deepEqual(strays.map((w) => `${w.type} ${w.workflowId}`), [], 'workflows that are not part of a started triage');
  });

  it('changes only the triages the analyst clicked: forged, hostile and refused clicks change nothing', async () => {
    // Not vacuous: the run's real clicks (and the triages it started) are what this checks.
    assert.equal(clicked.size, COUNTS.slackRealClicks, 'the real clicks were made');
    assert.ok(starts.size > clicked.size, 'triages nobody clicked are there to stay unchanged');
    const states = new Map<string, Awaited<ReturnType<typeof triageState>>['state']>();
    const read = (ids: string[]) =>
      inParallel(ids, 6, async (id) => {
        states.set(id, (await triageState(client, id)).state);
      });
    // A click answered after Slack's 3 s lands a little later: wait for the real ones.
    const landed = () => [...clicked].every(([id, kind]) => (kind === 'assign' ? states.get(id)?.assignee : states.get(id)?.closedBy));
    await until(
      async () => {
        await read([...clicked.keys()]);
        return landed();
      },
      30_000,
      500,
    );
    await read([...starts.keys()]);
    const touched = [...states].filter(([, s]) => s.assignee || s.closedBy).map(([id]) => id);
    assert.deepEqual(touched.filter((id) => !clicked.has(id)), [], 'triages changed without a real click');
    for (const [id, kind] of clicked) {
      const s = states.get(id)!;
      const by = kind === 'assign' ? s.assignee : s.closedBy;
      assert.equal(by?.id, ANALYST, `${id} after ${kind}: ${JSON.stringify(s)}`);
    }
  });

  it('posts nothing to Slack that carries a control sequence or markup from alert or SIEM text', async () => {
    // Wait for the clicked tickets to be updated in place and answered in their thread (the reply comes
    // after the edit), so that both are checked too.
    const clickedMessages = () => fakes.slack.messages.filter((m) => clicked.has(String(m.metadata?.event_payload['alert_key'] ?? '')));
    const updated = () => clickedMessages().every((m) => m.edits.length > 0 && fakes.slack.replies(m.ts).length > 0);
    assert.ok(await until(() => clickedMessages().length === clicked.size && updated(), 30_000, 250), 'clicked tickets were updated and replied to');
    const allowed = new Set([ANALYST]);
    const texts: Array<{ where: string; text: string }> = [];
    for (const m of fakes.slack.allPosts()) {
      const at = `message ${m.ts}${m.thread_ts ? ` (reply to ${m.thread_ts})` : ''}`;
      texts.push({ where: `${at} text`, text: m.text }, ...blockTexts(m.blocks ?? [], `${at} blocks`));
      for (const e of m.edits) texts.push({ where: `${at} edit text`, text: e.text }, ...blockTexts(e.blocks ?? [], `${at} edit blocks`));
    }
    for (const e of fakes.slack.ephemerals) texts.push({ where: `ephemeral to ${e.user}`, text: e.text });
    const markers = texts.flatMap((t) => SLACK_MARKERS.filter((m) => t.text.includes(m)).map((m) => `${m} in ${t.where}: ${t.text.slice(0, 200)}`));
    assert.deepEqual(markers.slice(0, 5), [], `${markers.length} injected markers reached Slack raw`);
    const violations = texts.flatMap((t) => slackTextViolations(t.text, t.where, allowed));
    assert.deepEqual(violations.slice(0, 5), [], `${violations.length} Slack texts with markup`);
    // Not vacuous: the hostile text did reach Slack, escaped.
    const all = texts.map((t) => t.text).join('\n');
    assert.ok(all.includes('&lt;!channel&gt;'), 'hostile alert text reached Slack escaped');
    assert.ok(fakes.slack.messages.length >= starts.size);
    console.log(`      ${texts.length} Slack texts checked (${fakes.slack.allPosts().length} messages, ${fakes.slack.ephemerals.length} ephemerals)`);
  });

  it('sends the SIEM only SQL with a benign alert’s shape, the alert’s user as one literal', () => {
    const statements = (fakes.panther?.queries ?? []).filter((q) => q.kind === 'sql').map((q) => q.sql ?? '');
    // A statement whose literals do not even close has a shape no benign statement has.
    const shapes = statements.map((sql) => {
      try {
        return { sql, shape: sqlShape(sql) };
      } catch (err) {
        return { sql, shape: { skeleton: String(err), literals: [] } };
      }
    });
    const benign = shapes.filter((s) => s.shape.literals.includes(BENIGN_USER));
    assert.ok(benign.length >= LOGIN_LOG_TYPES.length, `${benign.length} statements for the benign controls`);
    const skeletons = new Map(benign.map((s) => [s.shape.skeleton, s.shape.literals.indexOf(BENIGN_USER)]));
    const altered = shapes.filter((s) => !skeletons.has(s.shape.skeleton));
    assert.deepEqual(altered.slice(0, 3).map((s) => s.sql), [], `${altered.length} of ${shapes.length} statements have a shape no benign alert's has`);
    // Each user literal is text of an accepted alert, verbatim (found JSON-escaped in one of their bodies).
    const bodies = acceptedBodies.join('\n');
    const strangers = shapes.filter((s) => {
      const user = s.shape.literals[skeletons.get(s.shape.skeleton)!] ?? '';
      return user.length === 0 || !bodies.includes(JSON.stringify(user).slice(1, -1));
    });
    assert.deepEqual(strangers.slice(0, 3).map((s) => s.sql), [], 'statements whose user literal is no alert’s user');
    const injected = shapes.filter((s) => /['\\]|\$\$|--|\/\*/.test(s.shape.literals[skeletons.get(s.shape.skeleton)!] ?? ''));
    assert.ok(injected.length >= 10, `only ${injected.length} statements carried SQL metacharacters in the user`);
    console.log(`      ${shapes.length} SQL statements checked, ${injected.length} with quotes, backslashes or comments in the user`);
  });
});
