/** Slack request signatures (src/api/slack-signature.ts), with vectors computed here per reference/apis.md §3.5. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SLACK_TOLERANCE_SECONDS, slackSignature, verifySlackSignature } from '../../src/api/slack-signature';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const OTHER_SECRET = 'a-different-signing-secret-00000';
const NOW = 1_750_256_700;
const BODY = Buffer.from(
  'payload=' +
    encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0123ABCD' },
        actions: [{ action_id: 'autotriage_close_benign', block_id: 'autotriage_actions', value: 'alert/panther/5f0c1e3b' }],
      }),
    ),
);

/** Slack's scheme, computed independently of the module under test. */
function sign(secret: string, timestamp: number, body: Buffer): string {
  return `v0=${createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`v0:${timestamp}:`), body])).digest('hex')}`;
}

/** Headers as Node/Express hand them over (lower-cased names). */
function headers(timestamp: number | string, signature: string): Record<string, string> {
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

describe('Slack request signatures', () => {
  it('allows 5 minutes of clock skew', () => {
    assert.equal(SLACK_TOLERANCE_SECONDS, 300);
  });

  it('slackSignature equals the independently computed v0 signature', () => {
    assert.equal(slackSignature(SECRET, NOW, BODY), sign(SECRET, NOW, BODY));
    assert.equal(slackSignature(SECRET, String(NOW), BODY.toString('utf8')), sign(SECRET, NOW, BODY));
    assert.match(slackSignature(SECRET, NOW, BODY), /^v0=[0-9a-f]{64}$/);
  });

  it('accepts a valid signature', () => {
    assert.deepEqual(verifySlackSignature(SECRET, headers(NOW, sign(SECRET, NOW, BODY)), BODY, NOW), { ok: true });
  });

  it('accepts header values given as arrays', () => {
    const h = { 'x-slack-request-timestamp': [String(NOW)], 'x-slack-signature': [sign(SECRET, NOW, BODY)] };
    assert.deepEqual(verifySlackSignature(SECRET, h, BODY, NOW), { ok: true });
  });

  it('rejects the body with one byte changed', () => {
    const tampered = Buffer.from(BODY);
    const i = tampered.indexOf('benign');
    assert.ok(i > 0);
    tampered[i] = 'B'.charCodeAt(0);
    const result = verifySlackSignature(SECRET, headers(NOW, sign(SECRET, NOW, BODY)), tampered, NOW);
    assert.deepEqual(result, { ok: false, reason: 'bad Slack signature' });
  });

  it('rejects a signature made with another secret', () => {
    const result = verifySlackSignature(SECRET, headers(NOW, sign(OTHER_SECRET, NOW, BODY)), BODY, NOW);
    assert.deepEqual(result, { ok: false, reason: 'bad Slack signature' });
  });

  it('rejects a signature for another timestamp', () => {
    const result = verifySlackSignature(SECRET, headers(NOW, sign(SECRET, NOW - 1, BODY)), BODY, NOW);
    assert.deepEqual(result, { ok: false, reason: 'bad Slack signature' });
  });

  it('rejects a request 301 s old and accepts one 299 s old', () => {
    const old = NOW - 301;
    assert.deepEqual(verifySlackSignature(SECRET, headers(old, sign(SECRET, old, BODY)), BODY, NOW), { ok: false, reason: 'stale Slack request' });
    const recent = NOW - 299;
    assert.deepEqual(verifySlackSignature(SECRET, headers(recent, sign(SECRET, recent, BODY)), BODY, NOW), { ok: true });
  });

  it('rejects a request 301 s in the future', () => {
    const future = NOW + 301;
    assert.deepEqual(verifySlackSignature(SECRET, headers(future, sign(SECRET, future, BODY)), BODY, NOW), {
      ok: false,
      reason: 'stale Slack request',
    });
  });

  it('rejects a request without the signature header', () => {
    const result = verifySlackSignature(SECRET, { 'x-slack-request-timestamp': String(NOW) }, BODY, NOW);
    assert.deepEqual(result, { ok: false, reason: 'missing Slack signature headers' });
  });

  it('rejects a request without the timestamp header', () => {
    const result = verifySlackSignature(SECRET, { 'x-slack-signature': sign(SECRET, NOW, BODY) }, BODY, NOW);
    assert.deepEqual(result, { ok: false, reason: 'missing Slack signature headers' });
  });

  it('rejects a timestamp that is not unix seconds', () => {
    const result = verifySlackSignature(SECRET, headers(`${NOW}.5`, sign(SECRET, NOW, BODY)), BODY, NOW);
    assert.deepEqual(result, { ok: false, reason: 'missing Slack signature headers' });
  });

  it('rejects a v1= signature even when its hex is right', () => {
    const v1 = sign(SECRET, NOW, BODY).replace(/^v0=/, 'v1=');
    assert.deepEqual(verifySlackSignature(SECRET, headers(NOW, v1), BODY, NOW), { ok: false, reason: 'unknown Slack signature version' });
  });
});
