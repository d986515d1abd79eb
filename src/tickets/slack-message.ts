/**
 * Ticket → Slack Block Kit. Every untrusted string is escaped for mrkdwn (`&`, `<`, `>`), so an alert
 * title of `<!channel>` or `<@U123>` renders as text and pings nobody; links only ever point to http(s)
 * URLs and cannot break out of `<url|label>`. Limits from reference/apis.md §3.3 are enforced here.
 */
import type { Line, Span } from './spans';
import { SEVERITY_EMOJI, type TicketDoc } from './ticket';
import { truncate } from './format';

export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, blocks: 50, fallbackText: 3000 } as const;

export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Only http(s); characters that would end the `<url|label>` token are percent-encoded. */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[<>|\s"`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function span(s: Span): string {
  if (s.kind === 'link') {
    const url = safeUrl(s.url);
    const label = escapeMrkdwn(s.text).replace(/\|/g, '¦');
    return url ? `<${url}|${label}>` : label;
  }
  if (!s.text) return '';
  let out = escapeMrkdwn(s.text);
  // Backticks or stars inside the value would end the code span / bold early: neutralize them there.
  if (s.code) out = `\`${out.replace(/`/g, 'ˋ')}\``;
  if (s.bold) out = `*${out.replace(/\*/g, '∗')}*`;
  return out;
}

export function lineToMrkdwn(line: Line): string {
  return line.map(span).join('');
}

/** Joins lines up to the section limit, ending with an ellipsis line when something was cut. */
function sectionText(title: string, lines: Line[]): string {
  let out = `*${escapeMrkdwn(title)}*`;
  for (const [i, line] of lines.entries()) {
    const next = `\n${lineToMrkdwn(line)}`;
    if (out.length + next.length > SLACK_LIMITS.sectionText - 40) {
      out += `\n… ${lines.length - i} more`;
      break;
    }
    out += next;
  }
  return out;
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export function renderSlackMessage(doc: TicketDoc): SlackMessage {
  const severity = `${SEVERITY_EMOJI[doc.severity]} *${doc.severity}*`;
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'header',
      // Escaped here too: no raw `<!channel>` from an alert may reach Slack in any text object.
      text: { type: 'plain_text', text: truncate(`${doc.emoji} ${escapeMrkdwn(doc.title)}`, SLACK_LIMITS.headerText), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${severity} · ${lineToMrkdwn(doc.meta)}`, SLACK_LIMITS.sectionText) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(`*Runbook:* ${escapeMrkdwn(doc.runbook)}`, SLACK_LIMITS.sectionText) }],
    },
    { type: 'divider' },
  ];
  for (const section of doc.sections) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: sectionText(section.title, section.lines) } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(lineToMrkdwn(doc.footer), 2000) }] });
  return {
    text: truncate(`${SEVERITY_EMOJI[doc.severity]} [${doc.severity}] ${escapeMrkdwn(doc.title)}`, SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}
