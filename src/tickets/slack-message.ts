/**
 * Ticket → Slack Block Kit. Every untrusted string is escaped for mrkdwn (`&`, `<`, `>`), so an alert
 * title of `<!channel>` or `<@U123>` renders as text and pings nobody; links only ever point to http(s)
 * URLs and cannot break out of `<url|label>`. Limits from reference/apis.md §3.3 are enforced here.
 */
import { oneLine, type Line, type Span } from './spans';
import { SEVERITY_EMOJI, type TicketDoc } from './ticket';
import { ACTIONS_BLOCK_ID, BUTTONS } from './actions';
import { truncate } from './format';
import { MENTION_TARGET, SLACK_USER_ID } from './slack-ids';

/**
 * `messageText`: the blocks' text in all. Slack refuses a message past about 13k characters of block text
 * with `msg_blocks_too_long` even when every block is within its own limit (reference/apis.md §3.3).
 */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, blocks: 50, fallbackText: 3000, messageText: 12_000 } as const;

/** The parts around the enrichment sections, each bounded so the sections always keep most of the budget. */
const PART_LIMITS = { meta: 2000, runbook: 1000, status: 1500, automation: 1500, footer: 1000 } as const;

export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Only http(s); characters that would end the `<url|label>` token are percent-encoded. */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[<>|\s"`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function mention(target: string): string {
  if (!MENTION_TARGET.test(target)) return escapeMrkdwn(target);
  return SLACK_USER_ID.test(target) ? `<@${target}>` : `<!${target}>`;
}

function span(raw: Span): string {
  // A mention only ever carries a Slack user id from a signed interaction, or the operator's configured
  // escalation target; checked again here, and anything else is escaped text.
  if (raw.kind === 'mention') return mention(raw.userId);
  const s = { ...raw, text: oneLine(raw.text) };
  if (s.kind === 'link') {
    const url = safeUrl(s.url);
    const label = escapeMrkdwn(s.text).replace(/\|/g, '¦');
    return url ? `<${url}|${label}>` : label;
  }
  if (!s.text) return '';
  if (!s.code && !s.bold) return escapeMrkdwn(s.text);
  // Slack formats `*x*` only with no space just inside the markers: keep edge whitespace outside them.
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(s.text) ?? [];
  if (!core) return escapeMrkdwn(s.text);
  let out = escapeMrkdwn(core);
  // Backticks or stars inside the value would end the code span / bold early: neutralize them there.
  if (s.code) out = `\`${out.replace(/`/g, 'ˋ')}\``;
  if (s.bold) out = `*${out.replace(/\*/g, '∗')}*`;
  return `${lead}${out}${trail}`;
}

export function lineToMrkdwn(line: Line): string {
  return line.map(span).join('');
}

/** Joins lines up to `limit` characters, ending with an ellipsis line when something was cut. */
function sectionText(title: string, lines: Line[], limit: number = SLACK_LIMITS.sectionText): string {
  let out = truncate(`*${escapeMrkdwn(title)}*`, limit);
  for (const [i, line] of lines.entries()) {
    const next = `\n${lineToMrkdwn(line)}`;
    if (out.length + next.length > limit - 40) {
      // A first line longer than the whole share is cut, not dropped: its start is still worth reading.
      if (i === 0 && limit - out.length > 200) out += truncate(next, limit - out.length - 40);
      out += `\n… ${lines.length - i} more`;
      break;
    }
    out += next;
  }
  return out;
}

/**
 * The sections' texts within `budget` characters in all: sections that fit their fair share stay whole,
 * the longer ones share what is left (each at least a title and a line).
 */
function fitSections(sections: TicketDoc['sections'], budget: number): string[] {
  const whole = sections.map((section) => sectionText(section.title, section.lines));
  if (whole.reduce((n, t) => n + t.length, 0) <= budget) return whole;
  const limits: number[] = [];
  let left = budget;
  let count = whole.length;
  for (const i of whole.map((_, i) => i).sort((a, b) => whole[a]!.length - whole[b]!.length)) {
    limits[i] = Math.max(300, Math.min(whole[i]!.length, Math.floor(left / count)));
    left -= limits[i]!;
    count--;
  }
  return sections.map((section, i) => (whole[i]!.length <= limits[i]! ? whole[i]! : sectionText(section.title, section.lines, limits[i])));
}

/** The characters of text in a message's blocks, as Slack counts them against its total. */
export function blockTextLength(blocks: Array<Record<string, unknown>>): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') n += x.length;
        else walk(x);
      }
    }
  };
  walk(blocks);
  return n;
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

function actionsBlock(workflowId: string): Record<string, unknown> {
  return {
    type: 'actions',
    block_id: ACTIONS_BLOCK_ID,
    elements: BUTTONS.map((b) => ({
      type: 'button',
      action_id: b.actionId,
      text: { type: 'plain_text', text: b.label },
      value: workflowId,
      ...(b.style ? { style: b.style } : {}),
    })),
  };
}

/**
 * A mrkdwn text object that Slack takes as written: our escaping keeps alert text from making `<…>` links
 * or mentions, and `verbatim` stops Slack's own parsing from turning a URL (a user name like
 * `https://evil.example/login`) or a `#channel` in it into a link. Our own `<url|label>` links still work.
 */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** One line (a thread reply, an audit line) as a message: a verbatim section, the same text as its fallback. */
export function renderSlackLine(line: Line): SlackMessage {
  return verbatimMessage(lineToMrkdwn(line));
}

/**
 * Escaped mrkdwn as a message of one verbatim section (Slack auto-links bare URLs and #channels in a
 * message's top-level text when it has no blocks; never in a verbatim section).
 */
export function verbatimMessage(text: string): SlackMessage {
  return { text: truncate(text, SLACK_LIMITS.fallbackText), blocks: [{ type: 'section', text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) }] };
}

export function renderSlackMessage(doc: TicketDoc, workflowId?: string): SlackMessage {
  const severity = `${SEVERITY_EMOJI[doc.severity]} *${doc.severity}*`;
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'header',
      // Escaped here too: no raw `<!channel>` from an alert may reach Slack in any text object.
      text: { type: 'plain_text', text: truncate(`${doc.emoji} ${escapeMrkdwn(oneLine(doc.title))}`, SLACK_LIMITS.headerText), emoji: true },
    },
    { type: 'section', text: mrkdwn(truncate(`${severity} · ${lineToMrkdwn(doc.meta)}`, PART_LIMITS.meta)) },
    {
      type: 'context',
      elements: [mrkdwn(truncate(`*Runbook:* ${escapeMrkdwn(oneLine(doc.runbook))}`, PART_LIMITS.runbook))],
    },
  ];
  if (doc.status) blocks.push({ type: 'section', text: mrkdwn(truncate(lineToMrkdwn(doc.status), PART_LIMITS.status)) });
  blocks.push({ type: 'divider' });
  const tail: Array<Record<string, unknown>> = [];
  if (doc.automation) tail.push({ type: 'context', elements: [mrkdwn(truncate(lineToMrkdwn(doc.automation), PART_LIMITS.automation))] });
  if (doc.actions && workflowId) tail.push(actionsBlock(workflowId));
  tail.push({ type: 'context', elements: [mrkdwn(truncate(lineToMrkdwn(doc.footer), PART_LIMITS.footer))] });
  // The enrichment sections get what the rest leaves of the message's budget: the buttons always go out.
  const budget = SLACK_LIMITS.messageText - blockTextLength(blocks) - blockTextLength(tail);
  for (const text of fitSections(doc.sections.slice(0, SLACK_LIMITS.blocks - blocks.length - tail.length), budget)) {
    blocks.push({ type: 'section', text: mrkdwn(text) });
  }
  blocks.push(...tail);
  return {
    text: truncate(`${SEVERITY_EMOJI[doc.severity]} [${doc.severity}] ${escapeMrkdwn(oneLine(doc.title))}`, SLACK_LIMITS.fallbackText),
    blocks,
  };
}
