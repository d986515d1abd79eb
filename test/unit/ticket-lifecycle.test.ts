/**
 * Tickets that carry the triage state: buildTicket with `triage` (src/tickets/ticket.ts), the Slack
 * buttons and status lines (src/tickets/slack-message.ts, src/tickets/actions.ts) and plain text.
 */
import assert from 'node:assert/strict';
import type { AutoCloseVerdict } from '../../src/domain/triage-state';
import { ACTIONS_BLOCK_ID, BUTTONS, actionForButton } from '../../src/tickets/actions';
import { renderPlainText } from '../../src/tickets/plain-text';
import { MENTION_TARGET } from '../../src/tickets/slack-ids';
import { lineToMrkdwn, renderSlackMessage, type SlackMessage } from '../../src/tickets/slack-message';
import { buildTicket, type TicketTriage } from '../../src/tickets/ticket';
import { validateBlocks } from '../fakes/slack';
import { ticketInput } from '../helpers/ticket-fixtures';

const CLOSED_AT = '2025-06-18T15:02:00.000Z';

const VERDICT: AutoCloseVerdict = {
  ruleId: 'known-location',
  ruleVersion: 1,
  disposition: 'benign',
  reason: "the IP is the user's #1 login location (123 of 164 logins in 90 days) and VirusTotal reports it clean: the user most likely forgot the password",
  facts: { ip: '198.51.100.7', rank: 1 },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every mrkdwn/plain text in the message's blocks. */
function texts(message: SlackMessage): string[] {
  const out: string[] = [];
  for (const block of message.blocks) {
    const t = block['text'];
    if (isRecord(t) && typeof t['text'] === 'string') out.push(t['text']);
    const elements = block['elements'];
    if (Array.isArray(elements)) for (const el of elements) if (isRecord(el) && typeof el['text'] === 'string') out.push(el['text']);
  }
  return out;
}

function render(triage: TicketTriage | undefined): { message: SlackMessage; workflowId: string } {
  const input = ticketInput({ triage });
  return { message: renderSlackMessage(buildTicket(input), input.workflowId), workflowId: input.workflowId };
}

const actionsBlocks = (message: SlackMessage) => message.blocks.filter((b) => b['type'] === 'actions');

describe('ticket lifecycle rendering', () => {
  describe('an open ticket', () => {
    it('has an actions block autotriage_actions with four buttons that map back to the analyst actions and carry the workflow id', () => {
      const { message, workflowId } = render({ status: 'awaiting_analyst', reopened: 0 });
      const blocks = actionsBlocks(message);
      assert.equal(blocks.length, 1);
      const [block] = blocks;
      assert.ok(block);
      assert.equal(block['block_id'], ACTIONS_BLOCK_ID);
      assert.equal(ACTIONS_BLOCK_ID, 'autotriage_actions');
      const elements = block['elements'];
      assert.ok(Array.isArray(elements));
      assert.equal(elements.length, 4);
      const kinds = elements.map((el: unknown) => {
        assert.ok(isRecord(el));
        assert.equal(el['type'], 'button');
        assert.equal(el['value'], workflowId);
        assert.equal(typeof el['action_id'], 'string');
        return actionForButton(String(el['action_id']));
      });
      assert.deepEqual(kinds, ['close_benign', 'close_false_positive', 'escalate', 'assign']);
    });

    it('labels the buttons as the design shows them', () => {
      const { message } = render({ status: 'awaiting_analyst', reopened: 0 });
      const elements = actionsBlocks(message)[0]?.['elements'];
      assert.ok(Array.isArray(elements));
      const labels = elements.map((el: unknown) => (isRecord(el) && isRecord(el['text']) ? el['text']['text'] : undefined));
      assert.deepEqual(labels, ['Close as benign', 'False positive', 'Escalate', 'Assign to me']);
    });

    it('passes the Slack fake block validation with the buttons', () => {
      assert.deepEqual(validateBlocks(render({ status: 'awaiting_analyst', reopened: 0 }).message.blocks), []);
    });

    it('keeps the buttons while escalated', () => {
      assert.equal(actionsBlocks(render({ status: 'escalated', reopened: 0 }).message).length, 1);
    });

    it('has no buttons without a workflow id, or before there is a triage state', () => {
      const input = ticketInput({ triage: { status: 'awaiting_analyst', reopened: 0 } });
      assert.equal(actionsBlocks(renderSlackMessage(buildTicket(input))).length, 0);
      assert.equal(actionsBlocks(render(undefined).message).length, 0);
    });

    it('shows "Open" and the assignee as a Slack mention', () => {
      const { message } = render({ status: 'awaiting_analyst', reopened: 0, assignee: { kind: 'analyst', id: 'U0456EFGH' } });
      assert.ok(texts(message).some((t) => t.includes('Open') && t.includes('assigned to <@U0456EFGH>')));
    });

    it('shows how many times it was reopened', () => {
      const { message } = render({ status: 'awaiting_analyst', reopened: 2 });
      assert.ok(texts(message).some((t) => t.includes('reopened 2×')));
    });
  });

  describe('a closed ticket', () => {
    const closed: TicketTriage = {
      status: 'closed',
      disposition: 'benign',
      closedBy: { kind: 'analyst', id: 'U0123ABCD', name: 'alice' },
      closedAt: CLOSED_AT,
      reopened: 0,
    };

    it('has no actions block', () => {
      assert.equal(actionsBlocks(render(closed).message).length, 0);
    });

    it('says an escalated alert that expired was escalated, by whom', () => {
      const line = texts(render({ ...closed, status: 'expired', disposition: 'escalated' }).message).find((t) => t.includes('Expired'));
      assert.ok(line, 'no status line');
      assert.match(line, /Expired\* after it was escalated by <@U0123ABCD> at Jun 18 15:02 UTC: nobody closed it/);
      assert.equal(actionsBlocks(render({ ...closed, status: 'expired', disposition: 'escalated' }).message).length, 0);
    });

    it('renders a status line naming the disposition, the analyst as <@U0123ABCD> and the time', () => {
      const line = texts(render(closed).message).find((t) => t.includes('Closed as benign'));
      assert.ok(line, 'no status line');
      assert.ok(line.includes('<@U0123ABCD>'), line);
      assert.ok(line.includes('Jun 18 15:02 UTC'), line);
    });
    it('renders the bold part of the status line with no whitespace inside the asterisks (Slack would not bold it)', () => {
      for (const triage of [closed, { ...closed, status: 'escalated', disposition: 'escalated' } satisfies TicketTriage]) {
        const line = texts(render(triage).message).find((t) => t.includes('<@U0123ABCD>'));
        assert.ok(line, 'no status line');
        const bold = line.split('*').filter((_, i) => i % 2 === 1);
        assert.ok(bold.length > 0, line);
        for (const b of bold) assert.equal(b, b.trim(), `bold span ${JSON.stringify(b)} in ${line}`);
      }
    });

    it('renders false_positive as "false positive"', () => {
      const { message } = render({ ...closed, disposition: 'false_positive' });
      assert.ok(texts(message).some((t) => t.includes('Closed as false positive')));
    });

    it('never renders a raw <!channel> from a closedBy that is not a Slack user id', () => {
      const { message } = render({ ...closed, closedBy: { kind: 'analyst', id: '<!channel>' } });
      const all = texts(message).join('\n');
      assert.ok(!all.includes('<!channel>'), all);
      assert.ok(all.includes('&lt;!channel&gt;'), 'shown as escaped text');
    });

    it('does not turn a non-analyst closedBy into a mention even when it looks like a user id', () => {
      const { message } = render({ ...closed, closedBy: { kind: 'system', id: 'U0123ABCD' } });
      assert.ok(!texts(message).join('\n').includes('<@U0123ABCD>'));
    });

    it('has no actions block when auto-closed or expired', () => {
      assert.equal(actionsBlocks(render({ status: 'auto_closed', disposition: 'auto_closed', autoClosed: VERDICT, reopened: 0 }).message).length, 0);
      assert.equal(actionsBlocks(render({ status: 'expired', disposition: 'expired', reopened: 0 }).message).length, 0);
    });
  });

  describe('automation', () => {
    it('renders a shadow verdict as "Auto-close (shadow): would close as benign" with [known-location v1]', () => {
      const { message } = render({ status: 'awaiting_analyst', shadow: VERDICT, reopened: 0 });
      const context = message.blocks.filter((b) => b['type'] === 'context').flatMap((b) => {
        const elements = b['elements'];
        return Array.isArray(elements) ? elements.map((el: unknown) => (isRecord(el) ? String(el['text']) : '')) : [];
      });
      const line = context.find((t) => t.includes('Auto-close (shadow): would close as benign'));
      assert.ok(line, context.join('\n'));
      assert.ok(line.includes('[known-location v1]'), line);
      assert.ok(line.includes('forgot the password'), line);
    });

    it('says on a reopened ticket that a rule had auto-closed it, and why', () => {
      const all = texts(render({ status: 'awaiting_analyst', autoCloseReopened: VERDICT, reopened: 1 }).message).join('\n');
      assert.match(all, /Auto-closed earlier \(reopened when the alert fired again\) as benign — the IP is the user's #1 login location/);
      assert.match(all, /\[known-location v1\]/);
    });

    it('names the assignee of an escalated ticket, whoever escalated it', () => {
      const bo = { kind: 'analyst' as const, id: 'U0BO', name: 'bo' };
      const byAnalyst = texts(render({ status: 'escalated', disposition: 'escalated', closedBy: { kind: 'analyst', id: 'U0ANA', name: 'ana' }, assignee: bo, reopened: 0 }).message).join('\n');
      assert.match(byAnalyst, /Escalated by\* <@U0ANA>.* · assigned to <@U0BO>/);
      const bySla = texts(render({ status: 'escalated', assignee: bo, reopened: 0 }).message).join('\n');
      assert.match(bySla, /Escalated: past its SLA\* · assigned to <@U0BO>/);
    });

    it('renders an auto-closed triage as "Auto-closed"', () => {
      const { message } = render({ status: 'auto_closed', disposition: 'auto_closed', autoClosed: VERDICT, closedAt: CLOSED_AT, reopened: 0 });
      const all = texts(message);
      assert.ok(all.some((t) => t.includes('Auto-closed') && t.includes('as benign')), all.join('\n'));
      assert.ok(all.some((t) => t.includes('[known-location v1]')));
      assert.ok(!all.some((t) => t.includes('(shadow)')));
    });
  });

  describe('mention spans', () => {
    it('renders an escalation target subteam^S0123ABCD as <!subteam^S0123ABCD>', () => {
      assert.equal(lineToMrkdwn([{ kind: 'mention', userId: 'subteam^S0123ABCD' }]), '<!subteam^S0123ABCD>');
    });

    it('renders a user as <@U…>, and here / channel as <!here> / <!channel>', () => {
      assert.equal(lineToMrkdwn([{ kind: 'mention', userId: 'U0123ABCD' }]), '<@U0123ABCD>');
      assert.equal(lineToMrkdwn([{ kind: 'mention', userId: 'here' }]), '<!here>');
      assert.equal(lineToMrkdwn([{ kind: 'mention', userId: 'channel' }]), '<!channel>');
    });

    for (const target of ['<!channel>', 'everyone', 'subteam^S0123ABCD|x> <https://evil', 'U0123ABCD> <!here']) {
      it(`escapes a target that does not match MENTION_TARGET: ${target}`, () => {
        assert.equal(MENTION_TARGET.test(target), false);
        const out = lineToMrkdwn([{ kind: 'mention', userId: target }]);
        assert.ok(!out.includes('<') && !out.includes('>'), out);
        assert.equal(out, target.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      });
    }
  });

  describe('plain text', () => {
    it('includes the status line with the analyst', () => {
      const input = ticketInput({
        triage: { status: 'closed', disposition: 'benign', closedBy: { kind: 'analyst', id: 'U0123ABCD' }, closedAt: CLOSED_AT, reopened: 0 },
      });
      const lines = renderPlainText(buildTicket(input)).split('\n');
      assert.ok(lines.includes('✅ Closed as benign by @U0123ABCD at Jun 18 15:02 UTC'), lines.join('\n'));
    });

    it('includes the shadow verdict line', () => {
      const out = renderPlainText(buildTicket(ticketInput({ triage: { status: 'awaiting_analyst', shadow: VERDICT, reopened: 0 } })));
      assert.ok(out.includes('Auto-close (shadow): would close as benign'), out);
      assert.ok(out.includes('[known-location v1]'), out);
    });
  });

  it('BUTTONS has one button per analyst action, each found by actionForButton', () => {
    assert.deepEqual(
      BUTTONS.map((b) => actionForButton(b.actionId)),
      BUTTONS.map((b) => b.kind),
    );
    assert.equal(actionForButton('autotriage_unknown'), undefined);
  });
});
