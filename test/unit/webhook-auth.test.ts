/** Webhook authentication: static secret or HMAC with a timestamp (src/api/auth.ts). */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SIGNATURE_TOLERANCE_SECONDS, authenticateWebhook, safeEqual, signBody } from '../../src/api/auth';

const SECRET = 'whsec_3f9c2a7e5b1d4f08a6c2e9b7d1f3a5c7';
const NOW = 1_750_257_000; // 2025-06-18T14:30:00Z
const BODY = Buffer.from(JSON.stringify({ id: 'Standard.BruteForceByIP', alertId: '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1', severity: 'HIGH' }));

/** The signature a sender computes, independently of signBody. */
function hmacHeader(secret: string, timestamp: number | string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body.toString('utf8')}`).digest('hex')}`;
}

function signed(timestamp: number | string, body = BODY, secret = SECRET): Record<string, string> {
  return { 'x-signature-256': hmacHeader(secret, timestamp, body), 'x-signature-timestamp': String(timestamp) };
}

describe('authenticateWebhook', () => {
  describe('static secret', () => {
    it('accepts the secret in X-Webhook-Secret', () => {
      assert.deepEqual(authenticateWebhook(SECRET, { 'x-webhook-secret': SECRET }, BODY, NOW), { ok: true, method: 'secret' });
    });

    it('accepts the secret as Authorization: Bearer (any case of "bearer")', () => {
      assert.deepEqual(authenticateWebhook(SECRET, { authorization: `Bearer ${SECRET}` }, BODY, NOW), { ok: true, method: 'secret' });
      assert.deepEqual(authenticateWebhook(SECRET, { authorization: `bearer ${SECRET}` }, BODY, NOW), { ok: true, method: 'secret' });
    });

    it('rejects a wrong secret in either header', () => {
      for (const headers of [{ 'x-webhook-secret': `${SECRET}x` }, { authorization: 'Bearer nope' }, { 'x-webhook-secret': SECRET.slice(0, -1) }]) {
        const result = authenticateWebhook(SECRET, headers, BODY, NOW);
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.reason, /wrong webhook secret/);
      }
    });

    it('rejects a request without credentials, saying which headers to send', () => {
      for (const headers of [{}, { authorization: `Basic ${Buffer.from(`u:${SECRET}`).toString('base64')}` }]) {
        const result = authenticateWebhook(SECRET, headers, BODY, NOW);
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.reason, /missing credentials.*X-Webhook-Secret.*Bearer.*X-Signature-256/);
      }
    });

    it('reads an empty X-Webhook-Secret as absent: the Bearer token beside it counts, and alone it is no credential', () => {
      assert.deepEqual(authenticateWebhook(SECRET, { 'x-webhook-secret': '', authorization: `Bearer ${SECRET}` }, BODY, NOW), { ok: true, method: 'secret' });
      assert.deepEqual(authenticateWebhook(SECRET, { 'x-webhook-secret': ' ', authorization: `Bearer ${SECRET}` }, BODY, NOW), { ok: true, method: 'secret' });
      const alone = authenticateWebhook(SECRET, { 'x-webhook-secret': '' }, BODY, NOW);
      assert.equal(alone.ok, false);
      if (!alone.ok) assert.match(alone.reason, /missing credentials/);
    });

    it('uses the first value of a repeated header', () => {
      assert.equal(authenticateWebhook(SECRET, { 'x-webhook-secret': [SECRET, 'other'] }, BODY, NOW).ok, true);
      assert.equal(authenticateWebhook(SECRET, { 'x-webhook-secret': ['other', SECRET] }, BODY, NOW).ok, false);
    });
  });

  describe('HMAC', () => {
    it('accepts a valid signature over timestamp.body', () => {
      assert.deepEqual(authenticateWebhook(SECRET, signed(NOW), BODY, NOW), { ok: true, method: 'hmac' });
    });

    it('signBody produces the documented sha256=<hex> format', () => {
      assert.equal(signBody(SECRET, NOW, BODY), hmacHeader(SECRET, NOW, BODY));
    });

    it('rejects the signature when one byte of the body changed', () => {
      const tampered = Buffer.from(BODY);
      const i = tampered.indexOf('HIGH');
      tampered[i] = 'L'.charCodeAt(0);
      assert.notDeepEqual(tampered, BODY);
      const result = authenticateWebhook(SECRET, signed(NOW), tampered, NOW);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, /does not match/);
    });

    it('rejects a signature made with another secret', () => {
      assert.equal(authenticateWebhook(SECRET, signed(NOW, BODY, 'other-secret'), BODY, NOW).ok, false);
    });

    it('rejects a signature whose timestamp was changed after signing', () => {
      const headers = { ...signed(NOW - 10), 'x-signature-timestamp': String(NOW) };
      assert.equal(authenticateWebhook(SECRET, headers, BODY, NOW).ok, false);
    });

    it('accepts a timestamp 299 s old and rejects one 301 s old (5-minute window)', () => {
      assert.equal(SIGNATURE_TOLERANCE_SECONDS, 300);
      assert.deepEqual(authenticateWebhook(SECRET, signed(NOW - 299), BODY, NOW), { ok: true, method: 'hmac' });
      const old = authenticateWebhook(SECRET, signed(NOW - 301), BODY, NOW);
      assert.equal(old.ok, false);
      if (!old.ok) assert.match(old.reason, /5 minutes/);
    });

    it('rejects a timestamp 301 s in the future', () => {
      assert.equal(authenticateWebhook(SECRET, signed(NOW + 301), BODY, NOW).ok, false);
      assert.equal(authenticateWebhook(SECRET, signed(NOW + 299), BODY, NOW).ok, true);
    });

    it('rejects a non-numeric or missing timestamp', () => {
      for (const ts of ['yesterday', '1750257000.5', '-1750257000', '', '2025-06-18T14:30:00Z']) {
        const result = authenticateWebhook(SECRET, signed(ts), BODY, NOW);
        assert.equal(result.ok, false, `timestamp ${JSON.stringify(ts)}`);
        if (!result.ok) assert.match(result.reason, /X-Signature-Timestamp/);
      }
      const noTimestamp = { 'x-signature-256': hmacHeader(SECRET, NOW, BODY) };
      assert.equal(authenticateWebhook(SECRET, noTimestamp, BODY, NOW).ok, false);
    });

    it('accepts the signature in upper-case hex, and takes an empty X-Signature-256 for none (the secret then decides)', () => {
      const upper = { ...signed(NOW), 'x-signature-256': hmacHeader(SECRET, NOW, BODY).toUpperCase() };
      assert.deepEqual(authenticateWebhook(SECRET, upper, BODY, NOW), { ok: true, method: 'hmac' });
      assert.deepEqual(authenticateWebhook(SECRET, { 'x-signature-256': ' ', 'x-webhook-secret': SECRET }, BODY, NOW), { ok: true, method: 'secret' });
      assert.equal(authenticateWebhook(SECRET, { 'x-signature-256': '', 'x-webhook-secret': 'wrong' }, BODY, NOW).ok, false);
    });

    it('does not fall back to a correct static secret when a bad signature is present', () => {
      const headers = { ...signed(NOW, BODY, 'other-secret'), 'x-webhook-secret': SECRET };
      assert.equal(authenticateWebhook(SECRET, headers, BODY, NOW).ok, false);
    });
  });

  describe('no secret configured', () => {
    it("accepts everything with method 'none'", () => {
      assert.deepEqual(authenticateWebhook(undefined, {}, BODY, NOW), { ok: true, method: 'none' });
      assert.deepEqual(authenticateWebhook('', { 'x-webhook-secret': 'anything' }, BODY, NOW), { ok: true, method: 'none' });
    });
  });

  describe('safeEqual', () => {
    it('compares strings of any length', () => {
      assert.equal(safeEqual('abc', 'abc'), true);
      assert.equal(safeEqual('abc', 'abd'), false);
      assert.equal(safeEqual('abc', 'abcd'), false);
      assert.equal(safeEqual('', ''), true);
    });
  });
});
