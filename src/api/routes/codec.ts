/**
 * Codec server for the Temporal Web UI (and `temporal --codec-endpoint`): with payload encryption on, the
 * UI shows ciphertext until it is given a "codec endpoint"; it POSTs `{payloads: [{metadata: {k: base64},
 * data: base64}]}` to `<endpoint>/decode` (and `/encode`) with `X-Namespace`, and expects the same shape
 * back. The endpoint here is `<api>/codec`.
 *
 * Decoded payloads are alert data (users, IPs, log lines), so this router never serves without a bearer
 * token (`CODEC_AUTH_TOKEN`): with none configured every request gets 503. Browsers reach it cross-origin
 * (the UI runs on another port), so CORS answers only the configured origins; a request carrying any other
 * Origin is refused. Order of checks: CORS → configured → bearer token → size → content type → JSON →
 * schema → codec.
 */
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response, type Router } from 'express';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { safeEqual } from '../auth';
import { sendError } from '../errors';
import { errorMessage } from '../../logging/error-message';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** Required to serve at all: the UI sends it as `Authorization: Bearer <token>`. */
  authToken?: string;
  /** Exact origins (scheme://host:port) of the Web UI, e.g. `http://localhost:8233`. */
  allowedOrigins: string[];
  maxBodyBytes?: number;
}

export const DEFAULT_CODEC_MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_PAYLOADS = 10_000;
const ALLOW_HEADERS = 'Content-Type, X-Namespace, Authorization';
const ALLOW_METHODS = 'POST, OPTIONS';

const Base64 = z.base64('must be base64');
const JsonPayloadSchema = z.object({
  metadata: z.record(z.string(), Base64).nullish(),
  data: Base64.nullish(),
});
const BodySchema = z.object({ payloads: z.array(JsonPayloadSchema).max(MAX_PAYLOADS) });
type JsonPayload = z.infer<typeof JsonPayloadSchema>;

interface JsonPayloadOut {
  metadata?: Record<string, string>;
  data?: string;
}

/** The login form carries one token. */
const LOGIN_MAX_BODY_BYTES = 4096;

export function payloadFromJson(p: JsonPayload): Payload {
  const payload: Payload = {};
  if (p.metadata) payload.metadata = Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  if (p.data != null) payload.data = Buffer.from(p.data, 'base64');
  return payload;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function payloadToJson(p: Payload): JsonPayloadOut {
  const out: JsonPayloadOut = {};
  if (p.metadata) out.metadata = Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, base64(v)]));
  if (p.data != null) out.data = base64(p.data);
  return out;
}

function isJson(req: Request): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type);
}

/** How long a codec session lasts, checked by the server (the cookie's max-age is only the browser's). */
const SESSION_MS = 12 * 3_600_000;

const LOGIN_FORM = `<!doctype html><meta charset="utf-8"><title>autotriage codec login</title>
<form method="post" action="login"><label>CODEC_AUTH_TOKEN <input type="password" name="token" autocomplete="off" autofocus></label>
<button>Start a 12-hour codec session</button></form>
<p>The Temporal Web UI then decodes payloads through this endpoint (codec server with "include cross-origin credentials").</p>`;

export function codecRoutes(opts: CodecRouteOptions): Router {
  const router = express.Router();
  const allowed = new Set(opts.allowedOrigins.map((o) => o.trim().replace(/\/+$/, '')).filter((o) => o !== ''));
  const authToken = opts.authToken?.trim() || undefined;
  const limit = opts.maxBodyBytes ?? DEFAULT_CODEC_MAX_BODY_BYTES;

  /** CORS headers for an allowed Origin; a request from any other Origin goes no further. */
  const cors = (req: Request, res: Response, next: NextFunction) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return next(); // not a browser (curl, the temporal CLI)
    if (!allowed.has(origin)) return sendError(res, 403, 'origin not allowed for the codec endpoint');
    res.set({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Allow-Methods': ALLOW_METHODS,
      'Access-Control-Max-Age': '600',
    });
    next();
  };

  // The Web UI cannot send a static bearer token, only cookies ("include cross-origin credentials"): the
  // login form trades the token for an HttpOnly session cookie — `<issued at>.<HMAC of it under the token>`,
  // so it expires on the server after SESSION_MS whatever the browser keeps, and dies with the token.
  const sessionMac = (issuedAt: number) => createHmac('sha256', authToken!).update(`autotriage codec session ${issuedAt}`).digest('hex');
  const newSession = () => {
    const issuedAt = Math.floor(Date.now() / 1000);
    return `${issuedAt}.${sessionMac(issuedAt)}`;
  };
  const validSession = (req: Request): boolean => {
    const m = /(?:^|;\s*)autotriage_codec=(\d{1,12})\.([0-9a-f]{64})/.exec(req.headers.cookie ?? '');
    if (!m || !authToken) return false;
    const issuedAt = Number(m[1]);
    const age = Date.now() - issuedAt * 1000;
    return age >= -60_000 && age <= SESSION_MS && safeEqual(m[2]!, sessionMac(issuedAt));
  };

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    if (!authToken) return sendError(res, 503, 'codec endpoint disabled: set CODEC_AUTH_TOKEN');
    if (validSession(req)) return next();
    const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (presented === undefined) {
      res.set('WWW-Authenticate', 'Bearer realm="autotriage-codec"');
      return sendError(res, 401, 'missing credentials: send Authorization: Bearer <CODEC_AUTH_TOKEN>');
    }
    if (!safeEqual(presented, authToken)) {
      res.set('WWW-Authenticate', 'Bearer realm="autotriage-codec", error="invalid_token"');
      return sendError(res, 401, 'wrong codec token');
    }
    next();
  };

  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    if (!isJson(req)) return sendError(res, 415, 'Content-Type must be application/json');
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return sendError(res, 400, 'body is not valid JSON', errorMessage(err));
    }
    const parsed = BodySchema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
      const first = problems[0];
      return sendError(res, 400, first ? `invalid body: ${first.field}: ${first.message}` : 'invalid body', problems);
    }
    const input = parsed.data.payloads.map(payloadFromJson);
    let output: Payload[];
    try {
      output = op === 'decode' ? await opts.codec.decode(input) : await opts.codec.encode(input);
    } catch (err) {
      // The payloads came from the caller: a payload this codec cannot read is a bad request, not a 500.
      return sendError(res, 400, `cannot ${op} the payloads: ${errorMessage(err)}`);
    }
    res.json({ payloads: output.map(payloadToJson) });
  };

  const readBody = express.raw({ type: () => true, limit });
  router.options('/codec/{*path}', cors, (_req, res) => {
    res.set('Allow', ALLOW_METHODS).status(204).end();
  });
  // A form, so the token never sits in a URL (browser history, proxy logs).
  router.get('/codec/login', (req, res) => {
    if (!authToken) return sendError(res, 503, 'codec endpoint disabled: set CODEC_AUTH_TOKEN');
    if (req.query.token !== undefined) return sendError(res, 400, 'send the token with the form at /codec/login (POST), not in the URL');
    res
      .set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; form-action 'self'" })
      .type('html')
      .send(LOGIN_FORM);
  });
  router.post('/codec/login', express.urlencoded({ extended: false, limit: LOGIN_MAX_BODY_BYTES }), (req, res) => {
    if (!authToken) return sendError(res, 503, 'codec endpoint disabled: set CODEC_AUTH_TOKEN');
    const token = typeof (req.body as Record<string, unknown> | undefined)?.['token'] === 'string' ? String((req.body as Record<string, unknown>)['token']) : '';
    if (!token || !safeEqual(token, authToken)) return sendError(res, 401, 'wrong codec token');
    res
      .set('Cache-Control', 'no-store')
      .cookie('autotriage_codec', newSession(), { httpOnly: true, secure: true, sameSite: 'none', path: '/codec', maxAge: SESSION_MS })
      .type('text/plain')
      .send(`autotriage: codec session set for ${SESSION_MS / 3_600_000} h. The Temporal Web UI can now decode payloads (codec endpoint with "include cross-origin credentials").\n`);
  });
  router.post('/codec/encode', cors, authenticate, readBody, handle('encode'));
  router.post('/codec/decode', cors, authenticate, readBody, handle('decode'));

  // Body-reading errors of these routes (too large, bad encoding), answered here so the router stands alone.
  const bodyErrors: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent || !req.path.startsWith('/codec/')) return next(err);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      return sendError(res, 413, `body larger than the limit of ${req.path === '/codec/login' ? LOGIN_MAX_BODY_BYTES : limit} bytes`);
    }
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return sendError(res, 415, e.message ?? 'unsupported encoding');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, e.message ?? 'bad request');
    return next(err);
  };
  router.use(bodyErrors);
  return router;
}
