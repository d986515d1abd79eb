/**
 * Webhook authentication (DESIGN.md): a static secret in `X-Webhook-Secret` or `Authorization: Bearer …`
 * (Panther can only send static headers), or an HMAC: `X-Signature-256: sha256=<hex of
 * HMAC-SHA256(secret, "<X-Signature-Timestamp>.<raw body>")>` with a timestamp within 5 minutes.
 * All comparisons are constant-time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Constant-time string equality that does not leak the length (both sides are hashed first). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function signBody(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export type AuthResult = { ok: true; method: 'secret' | 'hmac' | 'none' } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function authenticateWebhook(
  secret: string | undefined,
  headers: Headers,
  rawBody: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): AuthResult {
  if (!secret) return { ok: true, method: 'none' };
  // An empty header is no signature: a sender that always sends it may authenticate with the secret.
  const signature = header(headers, 'x-signature-256')?.trim() || undefined;
  if (signature !== undefined) {
    const timestamp = header(headers, 'x-signature-timestamp');
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
      return { ok: false, reason: 'X-Signature-Timestamp is missing or not a unix timestamp' };
    }
    if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
      return { ok: false, reason: 'X-Signature-Timestamp is more than 5 minutes away from now' };
    }
    // Hex is hex in either case (.NET's Convert.ToHexString writes upper case).
    return safeEqual(signature.toLowerCase(), signBody(secret, timestamp, rawBody))
      ? { ok: true, method: 'hmac' }
      : { ok: false, reason: 'X-Signature-256 does not match the body' };
  }
  // An empty X-Webhook-Secret is none either (as with X-Signature-256 above): the Bearer token may follow.
  const presented = header(headers, 'x-webhook-secret')?.trim() || /^Bearer\s+(\S.*)$/i.exec(header(headers, 'authorization') ?? '')?.[1];
  if (presented === undefined) {
    return { ok: false, reason: 'missing credentials: send X-Webhook-Secret, Authorization: Bearer, or X-Signature-256' };
  }
  return safeEqual(presented.trim(), secret) ? { ok: true, method: 'secret' } : { ok: false, reason: 'wrong webhook secret' };
}
