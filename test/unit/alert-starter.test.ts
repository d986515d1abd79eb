import assert from 'node:assert/strict';
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

  it('recognizes gRPC "not now" codes, also when wrapped, and nothing else', () => {
    assert.equal(isUnavailable({ code: 14 }), true);
    assert.equal(isUnavailable(Object.assign(new Error('wrapped'), { cause: { code: 4 } })), true);
    assert.equal(isUnavailable({ code: 3 }), false);
    assert.equal(isUnavailable(new Error('plain')), false);
  });
});
