/**
 * Slack request signatures (reference/apis.md §3.5): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * with the app's signing secret, and a timestamp within 5 minutes. Constant-time comparison.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from './auth';

export const SLACK_TOLERANCE_SECONDS = 300;

export function slackSignature(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export function verifySlackSignature(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): { ok: true } | { ok: false; reason: string } {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = one('x-slack-request-timestamp');
  const signature = one('x-slack-signature');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return { ok: false, reason: 'missing Slack signature headers' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_TOLERANCE_SECONDS) return { ok: false, reason: 'stale Slack request' };
  if (!signature.startsWith('v0=')) return { ok: false, reason: 'unknown Slack signature version' };
  return safeEqual(signature, slackSignature(secret, timestamp, rawBody)) ? { ok: true } : { ok: false, reason: 'bad Slack signature' };
}
