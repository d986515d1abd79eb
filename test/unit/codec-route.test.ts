/** The codec server for the Temporal Web UI (src/api/routes/codec.ts), over real HTTP. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { codecRoutes, type CodecRouteOptions } from '../../src/api/routes/codec';
import { sendError } from '../../src/api/errors';
import { AesGcmCodec } from '../../src/temporal/codec/aes-gcm-codec';

const TOKEN = 'codec_tok_7d1f3a5c7e9b2a4c6e8f0a1b3c5d7e9f';
const UI = 'http://localhost:8233';
const USER = 'alice.martin@acme.io';
const IP = '198.51.100.7';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
interface PayloadsBody {
  payloads: JsonPayload[];
}
interface ErrorBody {
  error: string;
  details?: Array<{ field: string; message: string }>;
}

/** What the Web UI sends: proto JSON, bytes as base64. */
function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}
const metaText = (p: JsonPayload, key: string): string | undefined => {
  const v = p.metadata?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};

async function serve(opts: CodecRouteOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(codecRoutes(opts));
  app.use((_req, res) => sendError(res, 404, 'not found'));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

describe('codec routes (Temporal Web UI codec endpoint)', () => {
  const codec = new AesGcmCodec(new Map([['k1', randomBytes(32)]]), 'k1');
  let base: { url: string; close: () => Promise<void> };
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${base.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    base = await serve({ codec, authToken: TOKEN, allowedOrigins: [UI], maxBodyBytes: 64 * 1024 });
  });
  after(async () => {
    await base.close();
  });

  it('encodes and decodes through HTTP in the UI JSON shape', async () => {
    const originals = [
      defaultPayloadConverter.toPayload({ user: USER, sourceIp: IP }),
      defaultPayloadConverter.toPayload(`seen ${IP}`),
      defaultPayloadConverter.toPayload(null),
    ];
    const encRes = await post('/codec/encode', { payloads: originals.map(toJson) });
    assert.equal(encRes.status, 200);
    assert.equal(encRes.headers.get('access-control-allow-origin'), UI);
    assert.equal(encRes.headers.get('cache-control'), 'no-store');
    const encText = await encRes.text();
    assert.equal(encText.includes(Buffer.from(USER).toString('base64').slice(0, 12)), false);
    const encoded = (JSON.parse(encText) as PayloadsBody).payloads;
    assert.equal(encoded.length, 3);
    for (const p of encoded) {
      assert.equal(metaText(p, 'encoding'), 'binary/encrypted');
      assert.equal(metaText(p, 'encryption-key-id'), 'k1');
      assert.equal(Buffer.from(p.data ?? '', 'base64').includes(USER), false);
      assert.equal(Buffer.from(p.data ?? '', 'base64').includes(IP), false);
    }

    // What the UI does: decode the encrypted payloads it read from history (plus one never encrypted).
    const plain = toJson(defaultPayloadConverter.toPayload('not encrypted'));
    const decRes = await post('/codec/decode', { payloads: [...encoded, plain] });
    assert.equal(decRes.status, 200);
    const decoded = ((await decRes.json()) as PayloadsBody).payloads;
    assert.deepEqual(decoded[0]?.metadata, toJson(originals[0] as Payload).metadata);
    assert.deepEqual(defaultPayloadConverter.fromPayload(fromJson(decoded[0] as JsonPayload)), { user: USER, sourceIp: IP });
    assert.equal(defaultPayloadConverter.fromPayload(fromJson(decoded[1] as JsonPayload)), `seen ${IP}`);
    assert.equal(defaultPayloadConverter.fromPayload(fromJson(decoded[2] as JsonPayload)), null);
    assert.deepEqual(decoded[3], plain);
  });

  it('accepts payloads with null or missing fields and an empty list', async () => {
    const res = await post('/codec/decode', { payloads: [{ metadata: null, data: null }, {}] });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { payloads: [{}, {}] });
    const empty = await post('/codec/decode', { payloads: [] });
    assert.deepEqual(await empty.json(), { payloads: [] });
  });

  it('answers 401 to a missing or wrong bearer token (with CORS headers, so the UI can show it)', async () => {
    const { payloads } = { payloads: [toJson(defaultPayloadConverter.toPayload('x'))] };
    const wrong: Array<Record<string, string>> = [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${TOKEN}` }, { Authorization: `Bearer ${TOKEN}x` }];
    for (const headers of wrong) {
      for (const path of ['/codec/decode', '/codec/encode']) {
        const res = await post(path, { payloads }, headers);
        assert.equal(res.status, 401, `${path} ${JSON.stringify(headers)}`);
        const body = (await res.json()) as ErrorBody;
        assert.equal(typeof body.error, 'string');
        assert.equal(body.error.includes(TOKEN), false);
        assert.equal(res.headers.get('access-control-allow-origin'), UI);
      }
    }
    const lower = await post('/codec/decode', { payloads }, { Authorization: `bearer ${TOKEN}` });
    assert.equal(lower.status, 200);
  });

  it('trades the token, posted from its login form, for an HttpOnly session cookie that then decodes (the Web UI path)', async () => {
    const payloads = [toJson(defaultPayloadConverter.toPayload('x'))];
    const form = await fetch(`${base.url}/codec/login`);
    assert.equal(form.status, 200);
    assert.match(await form.text(), /<form method="post" action="login">/);
    assert.equal((await fetch(`${base.url}/codec/login?token=${TOKEN}`)).status, 400, 'never a token in a URL');
    const login = (token: string) =>
      fetch(`${base.url}/codec/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    assert.equal((await login('wrong')).status, 401);
    const ok = await login(TOKEN);
    assert.equal(ok.status, 200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^autotriage_codec=\d+\.[0-9a-f]{64};/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /Path=\/codec/);
    assert.equal(setCookie.includes(TOKEN), false, 'the cookie is not the token itself');
    const cookie = setCookie.split(';')[0]!;
    assert.equal((await post('/codec/decode', { payloads }, { Cookie: cookie })).status, 200);
    const forged = `autotriage_codec=${Math.floor(Date.now() / 1000)}.${'0'.repeat(64)}`;
    assert.equal((await post('/codec/decode', { payloads }, { Cookie: forged })).status, 401);
  });

  it('refuses a session cookie older than 12 h, however long the browser kept it', async () => {
    const payloads = [toJson(defaultPayloadConverter.toPayload('x'))];
    const session = (issuedAt: number) => `autotriage_codec=${issuedAt}.${createHmac('sha256', TOKEN).update(`autotriage codec session ${issuedAt}`).digest('hex')}`;
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await post('/codec/decode', { payloads }, { Cookie: session(now - 11 * 3600) })).status, 200, 'an 11-hour-old session still works');
    assert.equal((await post('/codec/decode', { payloads }, { Cookie: session(now - 13 * 3600) })).status, 401, 'a 13-hour-old one does not');
  });

  it('answers 400 naming the field for a bad body, 415 for non-JSON, 413 when too large', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /payloads/],
      [{ payloads: 'nope' }, /payloads/],
      [{ payloads: [{ data: 'not base64!' }] }, /payloads\.0\.data/],
      [{ payloads: [{ metadata: { encoding: 42 } }] }, /payloads\.0\.metadata\.encoding/],
      ['{"payloads": [', /not valid JSON/],
    ];
    for (const [body, pattern] of cases) {
      const res = await post('/codec/decode', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = (await res.json()) as ErrorBody;
      assert.match(err.error, pattern);
    }
    const missing = (await (await post('/codec/encode', {})).json()) as ErrorBody;
    assert.equal(missing.details?.[0]?.field, 'payloads');

    const text = await fetch(`${base.url}/codec/decode`, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: 'x' });
    assert.equal(text.status, 415);
    const big = await post('/codec/decode', { payloads: [{ data: Buffer.alloc(100 * 1024).toString('base64') }] });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as ErrorBody).error, /limit of \d+ bytes/);
    const login = await fetch(`${base.url}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'x'.repeat(5000) }).toString(),
    });
    assert.equal(login.status, 413);
    assert.match(((await login.json()) as ErrorBody).error, /limit of 4096 bytes/, 'the login form\'s own limit');
  });

  it('answers 400 (not 500) when a payload cannot be decrypted, naming the key id', async () => {
    const other = new AesGcmCodec(new Map([['k-old', randomBytes(32)]]), 'k-old');
    const [foreign] = await other.encode([defaultPayloadConverter.toPayload(USER)]);
    const res = await post('/codec/decode', { payloads: [toJson(foreign as Payload)] });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as ErrorBody).error, /"k-old" is not among the configured keys/);
  });

  it('answers a CORS preflight from an allowed origin with the headers, and not from another', async () => {
    const preflight = (origin: string, path = '/codec/decode') =>
      fetch(`${base.url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-namespace' },
      });
    for (const path of ['/codec/decode', '/codec/encode']) {
      const ok = await preflight(UI, path);
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get('access-control-allow-origin'), UI);
      assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
      assert.equal(ok.headers.get('access-control-allow-headers'), 'Content-Type, X-Namespace, Authorization');
      assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(ok.headers.get('access-control-allow-methods') ?? '', /OPTIONS/);
      assert.match(ok.headers.get('vary') ?? '', /Origin/);
    }
    for (const origin of ['https://evil.example', 'http://localhost:8234', `${UI}.evil.example`]) {
      const bad = await preflight(origin);
      assert.equal(bad.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(bad.headers.get('access-control-allow-credentials'), null, origin);
      assert.notEqual(bad.status, 204, origin);
    }
    // A request from a foreign origin is refused outright, even with the token.
    const foreign = await post('/codec/decode', { payloads: [] }, { ...auth, Origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    // Without an Origin (curl, the temporal CLI) CORS does not apply.
    const cli = await fetch(`${base.url}/codec/decode`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    assert.equal(cli.status, 200);
    assert.equal(cli.headers.get('access-control-allow-origin'), null);
  });

  it('refuses to serve at all without an auth token (503), while still answering preflights', async () => {
    // A real encrypted payload: the 503 body (not the decoded value) is what comes back.
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('alice@acme.io')]);
    for (const authToken of [undefined, '', '   ']) {
      const open = await serve({ codec, authToken, allowedOrigins: [UI] });
      try {
        for (const path of ['/codec/decode', '/codec/encode']) {
          const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer ' }, { Authorization: `Bearer ${TOKEN}` }];
          for (const headers of attempts) {
            const res = await fetch(`${open.url}${path}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Origin: UI, ...headers },
              body: JSON.stringify({ payloads: [toJson(sealed!)] }),
            });
            assert.equal(res.status, 503);
            const text = await res.text();
            assert.deepEqual(JSON.parse(text), { error: 'codec endpoint disabled: set CODEC_AUTH_TOKEN' });
            assert.doesNotMatch(text, /alice/);
          }
        }
        const pre = await fetch(`${open.url}/codec/decode`, { method: 'OPTIONS', headers: { Origin: UI, 'Access-Control-Request-Method': 'POST' } });
        assert.equal(pre.status, 204);
      } finally {
        await open.close();
      }
    }
  });
});
