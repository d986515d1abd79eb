/**
 * Bugs the fuzz run found, each pinned by a focused test.
 *
 * 1. A lone UTF-16 surrogate in alert text (JSON `"\ud800"` is valid; so is a surrogate pair cut in half by
 *    the renderer's truncation at Slack's limits) made @slack/web-api's form encoding throw "URI malformed".
 *    The post failed as a transient error and was retried forever: the ticket never went out.
 */
import assert from 'node:assert/strict';
import { SlackClient } from '../../src/connectors/slack';
import { SLACK_LIMITS, renderSlackMessage } from '../../src/tickets/slack-message';
import { buildTicket } from '../../src/tickets/ticket';
import { FAKE_CREDENTIALS, SlackFake, type SlackMessage } from '../fakes';
import { forgotPasswordAlert, ticketInput } from '../helpers/ticket-fixtures';
import { blockTexts } from './oracles';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CHANNEL = FAKE_CREDENTIALS.slackChannel;

/** Every text of a stored message, edits included. */
function textsOf(m: SlackMessage): string[] {
  return [m.text, ...blockTexts(m.blocks ?? []).map((t) => t.text), ...m.edits.flatMap((e) => [e.text, ...blockTexts(e.blocks ?? []).map((t) => t.text)])];
}

describe('fuzz regressions: Slack posts of text with lone surrogates', function () {
  this.timeout(30_000);
  let fake: SlackFake;
  let slack: SlackClient;

  before(async () => {
    fake = new SlackFake({ token: FAKE_CREDENTIALS.slackBotToken });
    await fake.start();
    slack = new SlackClient({ botToken: fake.token, apiUrl: fake.apiUrl });
  });
  after(async () => fake?.stop());

  const cases = [
    // From the alert: JSON.parse('"\\ud800"') is a lone high surrogate, '\\udf6c' a lone low one.
    { name: 'a lone surrogate in the alert title and runbook', alert: forgotPasswordAlert({ title: 'Brute force \ud800 on \udf6c', runbook: 'Check \udbb8' }) },
    // Made by the renderer: the header is cut at 150 UTF-16 units, here between the halves of an emoji.
    { name: 'a surrogate pair cut by the header’s truncation', alert: forgotPasswordAlert({ title: `a${'😀'.repeat(SLACK_LIMITS.headerText)}` }) },
  ];

  for (const c of cases) {
    it(`posts, updates and replies to a ticket with ${c.name}, U+FFFD in its place`, async () => {
      const input = ticketInput({ alert: c.alert });
      const message = renderSlackMessage(buildTicket(input), input.workflowId);
      const ref = await slack.postMessage({ channel: CHANNEL, alertKey: input.workflowId, ...message });
      await slack.updateMessage(ref, message);
      await slack.postReply({ channel: CHANNEL, threadTs: ref.ts, text: message.text, eventKey: 'regression' });
      const stored = fake.allPosts().filter((m) => m.ts === ref.ts || m.thread_ts === ref.ts);
      assert.equal(stored.length, 2, 'the ticket and its reply were posted');
      const texts = stored.flatMap(textsOf);
      assert.deepEqual(texts.filter((t) => LONE_SURROGATE.test(t)), [], 'no lone surrogate reached Slack');
      assert.ok(texts.some((t) => t.includes('\ufffd')), 'the broken character shows as U+FFFD');
    });
  }

  it('answers an analyst with an ephemeral message whose text has a lone surrogate', async () => {
    await slack.postEphemeral(CHANNEL, 'U0ANALYST1', 'This alert is already closed by \ud800.');
    assert.equal(fake.ephemerals.at(-1)?.text, 'This alert is already closed by \ufffd.');
  });
});
