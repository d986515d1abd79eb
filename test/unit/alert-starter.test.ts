import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCodec } from '../../src/temporal/codec/aes-gcm-codec';
import { isUnavailable, webUiSummary } from '../../src/temporal/alert-starter';
import { forgotPasswordAlert } from '../helpers/ticket-fixtures';

describe('alert starter helpers', () => {
  it('keeps Markdown and HTML out of the Web UI summary, so an alert cannot plant a link or an image', () => {
    const summary = webUiSummary(
      forgotPasswordAlert({ title: 'hi ![x](https://evil.example/p.png) [click](https://evil.example) <img src=x> **b**' }),
    );
    assert.doesNotMatch(summary, /[[\]()<>!*]/);
    assert.match(summary, /^MEDIUM · Okta\.BruteForceLogins · hi x https:\/\/evil\.example\/p\.png/);
    assert.ok(summary.length <= 300);
  });

  it('keeps the summary within the 400 bytes Temporal stores for it: long, non-Latin, encrypted under the longest key id', async () => {
    const codec = createCodec(`${'k'.repeat(64)}:${randomBytes(32).toString('base64')}`, undefined)!;
    const titles = ['a'.repeat(2000), 'ж'.repeat(2000), '漢'.repeat(2000), '🔐'.repeat(2000), '\u0001'.repeat(500), '"'.repeat(500), 'short'];
    for (const title of titles) {
      const summary = webUiSummary(forgotPasswordAlert({ title }));
      assert.ok(!summary.includes('\uFFFD') && !/\p{Cc}/u.test(summary), `no broken or control characters: ${summary.slice(0, 40)}`);
      const payload = defaultPayloadConverter.toPayload(summary);
      const [encrypted] = await codec.encode([payload]);
      const stored = (p: typeof payload) => temporal.api.common.v1.Payload.encode(p).finish().length;
      assert.ok(stored(payload) <= 400 && stored(encrypted!) <= 400, `${title.slice(0, 4)}…: ${stored(payload)} bytes plain, ${stored(encrypted!)} encrypted`);
    }
    assert.match(webUiSummary(forgotPasswordAlert({ title: '漢'.repeat(2000) })), /漢…$/, 'cut on a character, with an ellipsis');
  });

  it('recognizes gRPC "not now" codes, also when wrapped, and nothing else', () => {
    assert.equal(isUnavailable({ code: 14 }), true);
    assert.equal(isUnavailable(Object.assign(new Error('wrapped'), { cause: { code: 4 } })), true);
    assert.equal(isUnavailable({ code: 3 }), false);
    assert.equal(isUnavailable(new Error('plain')), false);
  });
});
