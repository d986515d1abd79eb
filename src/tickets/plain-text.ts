/** Ticket → plain text, for the console, the demo and the local ticket file when Slack is not configured. */
import { oneLine, type Line } from './spans';
import { SEVERITY_EMOJI, type TicketDoc } from './ticket';

export function lineToText(line: Line): string {
  return line
    .map((s) => (s.kind === 'link' ? `${s.text.replace(/\s*↗$/, '')} <${s.url}>` : s.kind === 'mention' ? `@${s.userId}` : oneLine(s.text)))
    .join('')
    // Terminal control characters (C0, DEL, C1: ESC, CSI, OSC…) in alert text must not reach an operator's terminal.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '�');
}

export function renderPlainText(doc: TicketDoc): string {
  // One line each: a newline in an alert title must not forge extra ticket lines.
  const sanitize = (s: string) => lineToText([{ kind: 'text', text: s }]);
  const out = [
    `${doc.emoji} ${sanitize(doc.title)}    ${SEVERITY_EMOJI[doc.severity]} ${doc.severity}`,
    lineToText(doc.meta),
    `Runbook: ${sanitize(doc.runbook)}`,
  ];
  if (doc.status) out.push(lineToText(doc.status));
  if (doc.automation) out.push(lineToText(doc.automation));
  for (const section of doc.sections) {
    out.push(`${section.title}`);
    for (const line of section.lines) out.push(`    ${lineToText(line)}`);
  }
  out.push(lineToText(doc.footer));
  return out.join('\n');
}
