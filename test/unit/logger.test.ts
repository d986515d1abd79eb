/** Log redaction (src/logging/logger.ts): token-like keys are hidden in any case, at any depth, inside errors. */
import assert from 'node:assert/strict';
import { ClientRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { AxiosHeaders } from 'axios';
import { REDACTED, REDACT_MAX_DEPTH, createLogger, redactSecrets, wantsColor } from '../../src/logging/logger';
import { temporalLogger } from '../../src/worker/temporal-logger';

const SECRETS = {
  bearer: 'Bearer xoxb-111-222-bearerbearerbearer',
  apiKey: 'vt-api-key-5f0c1e3b9a7d4c22b1e8f0a6d3c4',
  webhook: 'whsec_3f9c2a7e5b1d4f08a6c2e9b7d1f3a5c7',
  cookie: 'session=8d7f6e5d4c3b2a19',
  botToken: 'xoxb-000000000000-0000000000000-deepdeepdeep',
  basic: `Basic ${Buffer.from('bot@example.com:ATATT-jira-token').toString('base64')}`,
};

/** A JSON logger whose lines the test reads back. */
function capture(): { log: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>>; raw: () => string } {
  const out: string[] = [];
  const log = createLogger({ name: 'test', level: 'info', format: 'json', destination: { write: (s: string) => void out.push(s) } });
  return { log, raw: () => out.join(''), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function assertNoSecret(raw: string): void {
  for (const [name, value] of Object.entries(SECRETS)) assert.ok(!raw.includes(value), `${name} leaked: ${raw}`);
}

describe('logger redaction', () => {
  it('redacts credential headers whatever their case, and keeps the other headers', () => {
    const { log, lines, raw } = capture();
    log.info(
      {
        headers: {
          Authorization: SECRETS.bearer,
          'X-Api-Key': SECRETS.apiKey,
          'x-webhook-secret': SECRETS.webhook,
          Cookie: SECRETS.cookie,
          'Set-Cookie': [SECRETS.cookie],
          'Content-Type': 'application/json',
        },
      },
      'request',
    );
    assertNoSecret(raw());
    assert.deepEqual(lines()[0]?.['headers'], {
      Authorization: REDACTED,
      'X-Api-Key': REDACTED,
      'x-webhook-secret': REDACTED,
      Cookie: REDACTED,
      'Set-Cookie': REDACTED,
      'Content-Type': 'application/json',
    });
  });

  it("redacts the providers' `Key`/`key` headers, signatures and the codec's key list, but not ids named …Key", () => {
    const out = redactSecrets({
      abuseIpdb: { Key: 'k1', Accept: 'application/json' },
      greyNoise: { key: 'k2' },
      codec: { keys: [{ id: 'k', key: 'k3' }], defaultKeyId: 'k' },
      env: { CODEC_KEYS: 'k:k4' },
      headers: { 'X-Slack-Signature': 'v0=abc', 'x-signature-256': 'sha256=abc' },
      issueKey: 'SOC-12',
      eventKey: 'alert/panther/1 ticketed',
    });
    assert.deepEqual(out, {
      abuseIpdb: { Key: REDACTED, Accept: 'application/json' },
      greyNoise: { key: REDACTED },
      codec: { keys: REDACTED, defaultKeyId: 'k' },
      env: { CODEC_KEYS: REDACTED },
      headers: { 'X-Slack-Signature': REDACTED, 'x-signature-256': REDACTED },
      issueKey: 'SOC-12',
      eventKey: 'alert/panther/1 ticketed',
    });
  });

  it('redacts nested objects and arrays several levels down, keeping their other fields', () => {
    const { log, lines, raw } = capture();
    log.info({ config: { slack: { botToken: SECRETS.botToken, channel: 'C0SOC' }, hooks: [{ req: { headers: { authorization: SECRETS.bearer } } }] } }, 'config');
    assertNoSecret(raw());
    assert.deepEqual(lines()[0]?.['config'], {
      slack: { botToken: REDACTED, channel: 'C0SOC' },
      hooks: [{ req: { headers: { authorization: REDACTED } } }],
    });
  });

  it('redacts inside a logged error (an HTTP client error carrying its request config) and still logs it as an error', () => {
    const { log, lines, raw } = capture();
    const err = Object.assign(new TypeError('request failed'), { config: { headers: { Authorization: SECRETS.basic } } });
    log.error({ err }, 'jira call failed');
    log.error({ error: err, attempt: 2 }, 'jira call failed again');
    assertNoSecret(raw());
    const [first, second] = lines();
    const logged = first?.['err'] as Record<string, unknown>;
    assert.equal(logged['type'], 'TypeError');
    assert.equal(logged['message'], 'request failed');
    assert.match(String(logged['stack']), /^TypeError: request failed\n\s+at /);
    assert.deepEqual(logged['config'], { headers: { Authorization: REDACTED } });
    // `error` (the Temporal SDK's key for failures) is an error too: message and stack, not `{}`.
    const asError = second?.['error'] as Record<string, unknown>;
    assert.equal(asError['message'], 'request failed');
    assert.match(String(asError['stack']), /^TypeError: request failed\n\s+at /);
    assert.deepEqual(asError['config'], { headers: { Authorization: REDACTED } });
    assert.equal(err.config.headers.Authorization, SECRETS.basic, 'the caller’s error is not modified');
  });

  it("redacts a class instance as it prints (axios' AxiosHeaders of a failed Jira call), and never prints an outgoing request's raw headers", () => {
    const { log, raw, lines } = capture();
    const headers = new AxiosHeaders({ Authorization: SECRETS.basic, Accept: 'application/json' });
    const request = new ClientRequest({ host: '127.0.0.1', port: 9, path: '/rest/api/3/issue', headers: { Authorization: SECRETS.basic }, createConnection: () => new PassThrough() as never });
    request.on('error', () => undefined);
    request.flushHeaders(); // as sent: the raw header block, Authorization included
    assert.ok(String((request as unknown as { _header?: string })._header).includes(SECRETS.basic), 'the request holds the credential');
    // What jira.js rethrows when Jira does not answer: an AxiosError with its config and request.
    const err = Object.assign(new Error('timeout of 10000ms exceeded'), { config: { url: '/rest/api/3/issue', headers }, request });
    log.error({ err }, 'jira call failed');
    request.destroy();
    assertNoSecret(raw());
    const logged = lines()[0]?.['err'] as { config: { url: string; headers: Record<string, string> }; request: unknown };
    assert.deepEqual(logged.config, { url: '/rest/api/3/issue', headers: { Authorization: REDACTED, Accept: 'application/json' } });
    assert.equal(logged.request, '[ClientRequest]');
    assert.equal(headers.get('Authorization'), SECRETS.basic, 'the caller’s headers are not modified');
    // An instance with nothing to hide is logged as it was, not copied.
    const url = new URL('https://acme.atlassian.net/browse/SEC-1');
    assert.equal(redactSecrets({ url }).url, url);
  });

  it("prints the SDK's failures (its `error` key) with their message and stack, next to the workflow id", () => {
    const { log, lines } = capture();
    const sdk = temporalLogger(log);
    sdk.warn('Activity failed', { workflowId: 'alert/panther/1', error: ApplicationFailure.create({ message: 'VirusTotal unreachable: ECONNRESET', type: 'VirusTotal.transient' }) });
    sdk.error('Failed to process Workflow Activation', { workflowId: 'alert/panther/2', error: new Error('cannot decrypt payload: encryption key id "k2025b" is not among the configured keys') });
    const [activity, activation] = lines();
    assert.equal(activity?.['workflowId'], 'alert/panther/1');
    assert.match(String((activity?.['error'] as Record<string, unknown>)['message']), /ECONNRESET/);
    assert.equal((activity?.['error'] as Record<string, unknown>)['type'], 'ApplicationFailure');
    assert.equal((activity?.['error'] as Record<string, unknown>)['failureType'], 'VirusTotal.transient', 'its category kept');
    assert.match(String((activation?.['error'] as Record<string, unknown>)['message']), /key id "k2025b" is not among the configured keys/);
    assert.match(String((activation?.['error'] as Record<string, unknown>)['stack']), /^Error: cannot decrypt payload/);
  });

  it('copies nothing when nothing needs redacting, and only the path to a secret when something does', () => {
    const clean = { workflowId: 'alert/panther/1', enrichment: { vt: { malicious: 3 }, logins: [{ ip: '198.51.100.7' }] } };
    assert.equal(redactSecrets(clean), clean);
    const mixed = { big: clean, auth: { token: SECRETS.botToken } };
    const out = redactSecrets(mixed);
    assert.notEqual(out, mixed);
    assert.equal(out.big, clean, 'a branch without secrets is shared, not cloned');
    assert.deepEqual(out.auth, { token: REDACTED });
    assert.equal(mixed.auth.token, SECRETS.botToken, 'the logged object is not modified');
  });

  it('logs a cyclic object and stops walking at the depth cap', () => {
    const { log, lines, raw } = capture();
    const cyclic: Record<string, unknown> = { token: SECRETS.botToken };
    cyclic['self'] = cyclic;
    log.info({ cyclic }, 'cycle');
    assertNoSecret(raw());
    assert.deepEqual(lines()[0]?.['cyclic'], { token: REDACTED, self: '[Circular]' });
    let deep: Record<string, unknown> = { token: 'beyond-the-cap' };
    for (let i = 0; i < REDACT_MAX_DEPTH; i++) deep = { next: deep };
    assert.equal(redactSecrets(deep), deep, 'past REDACT_MAX_DEPTH nothing is walked');
  });
});

describe('logger colour', () => {
  it('colours on a terminal, off one only with FORCE_COLOR, and never with FORCE_COLOR=0/false or NO_COLOR', () => {
    assert.equal(wantsColor({}, true), true);
    assert.equal(wantsColor({}, false), false);
    assert.equal(wantsColor({ FORCE_COLOR: '1' }, false), true);
    assert.equal(wantsColor({ FORCE_COLOR: '' }, false), true, 'set but empty forces colour, as in Node');
    for (const off of ['0', 'false', 'FALSE']) assert.equal(wantsColor({ FORCE_COLOR: off }, true), false, off);
    assert.equal(wantsColor({ NO_COLOR: '1' }, true), false);
    assert.equal(wantsColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, false), true, 'FORCE_COLOR wins');
  });
});
