/**
 * Ticket → Jira issue fields: summary, labels that identify the alert, and an ADF description in which
 * every untrusted string is a text node (ADF has no markup to inject into). Empty text nodes are invalid
 * ADF, so they are dropped.
 */
import { createHash } from 'node:crypto';
import type { Alert } from '../domain/alert';
import { truncate } from './format';
import { jiraLabel, plainAlertLabel, usesDigestLabel } from './jira-label';
import { rowLine, type Table } from './describe';
import { oneLine, type Line, type Span } from './spans';
import type { TicketDoc, TicketSection } from './ticket';

type AdfMark = { type: 'strong' } | { type: 'code' } | { type: 'link'; attrs: { href: string } };
export interface AdfText {
  type: 'text';
  text: string;
  marks?: AdfMark[];
}
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: Array<AdfNode | AdfText>;
}
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

function adfSpan(raw: Span): AdfText | undefined {
  if (raw.kind === 'mention') return { type: 'text', text: `Slack user ${raw.userId}` };
  const s = { ...raw, text: oneLine(raw.text) };
  if (!s.text) return undefined;
  if (s.kind === 'link') {
    return /^https?:\/\//i.test(s.url) ? { type: 'text', text: s.text, marks: [{ type: 'link', attrs: { href: s.url } }] } : { type: 'text', text: s.text };
  }
  const marks: AdfMark[] = [];
  if (s.bold) marks.push({ type: 'strong' });
  if (s.code) marks.push({ type: 'code' });
  return marks.length ? { type: 'text', text: s.text, marks } : { type: 'text', text: s.text };
}

export function adfParagraph(line: Line): AdfNode {
  const content = line.map(adfSpan).filter((n): n is AdfText => n !== undefined);
  return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
}

function heading(textValue: string, level = 3): AdfNode {
  return { type: 'heading', attrs: { level }, content: [{ type: 'text', text: textValue }] };
}

export function adfTable(table: Table): AdfNode {
  const cell = (type: 'tableHeader' | 'tableCell', line: Line): AdfNode => ({ type, attrs: {}, content: [adfParagraph(line)] });
  return {
    type: 'table',
    attrs: { isNumberColumnEnabled: false, layout: 'default' },
    content: [
      { type: 'tableRow', content: table.header.map((h) => cell('tableHeader', h ? [{ kind: 'text', text: h }] : [])) },
      ...table.rows.map((row) => ({ type: 'tableRow', content: row.map((c) => cell('tableCell', c)) })),
    ],
  };
}

/** A section as ADF: its rows as a table where it has one, the other lines as a bullet list. */
export function adfSection(section: TicketSection): AdfNode[] {
  const rowKeys = new Set((section.table?.rows ?? []).map((r) => JSON.stringify(rowLine(r))));
  const lines = section.lines.filter((l) => !rowKeys.has(JSON.stringify(l)));
  const nodes: AdfNode[] = [heading(section.title)];
  if (lines.length) {
    nodes.push({ type: 'bulletList', content: lines.map((line) => ({ type: 'listItem', content: [adfParagraph(line)] })) });
  }
  if (section.table) nodes.push(adfTable(section.table));
  return nodes;
}

export function renderJiraDescription(doc: TicketDoc): AdfDoc {
  const content: AdfNode[] = [
    adfParagraph([{ kind: 'text', text: `${doc.severity} · `, bold: true }, ...doc.meta]),
    adfParagraph([{ kind: 'text', text: 'Runbook: ', bold: true }, { kind: 'text', text: doc.runbook }]),
  ];
  // What a rule decided (an issue created closed must say why) or would have decided (shadow).
  if (doc.automation) content.push(adfParagraph(doc.automation));
  for (const section of doc.sections) content.push(...adfSection(section));
  content.push(adfParagraph(doc.footer));
  return { type: 'doc', version: 1, content };
}

/**
 * A comment (late enrichment, an analyst's action, an auto-close). The marker line identifies it, so a
 * retried comment can see that it was already added.
 */
export function renderJiraComment(marker: string, intro: Line, sections: TicketSection[] = []): AdfDoc {
  return {
    type: 'doc',
    version: 1,
    content: [adfParagraph(intro), ...sections.flatMap(adfSection), adfParagraph([{ kind: 'text', text: marker, code: true }])],
  };
}

/**
 * The label that identifies the alert: a retried create looks it up before creating, so no two alerts may
 * share it. `autotriage-<source>-<alertId>` is unambiguous while the source has no "-" and the id no
 * capitals (alert ids are label-safe already); otherwise `acme-edr`/`1` and `acme`/`edr-1` would meet, or
 * `AbC1` and `abc1` (Jira matches labels regardless of case), and a digest is used.
 */
export function alertLabel(alert: Pick<Alert, 'source' | 'alertId'>): string {
  if (!usesDigestLabel(alert)) return plainAlertLabel(alert);
  return `autotriage_${createHash('sha256').update(`${alert.source}\n${alert.alertId}`).digest('hex').slice(0, 40)}`;
}

/**
 * The label issues carried before sources with a "-" got a digest, where it differs: a create retried
 * across the upgrade (Jira retries last up to a day) still finds the issue its first attempt made. Only
 * for runs started before then (the workflow says so): it may be another alert's label now.
 */
export function legacyAlertLabel(alert: Pick<Alert, 'source' | 'alertId'>): string | undefined {
  return usesDigestLabel(alert) ? jiraLabel(plainAlertLabel(alert)) : undefined;
}

export interface JiraIssueFields {
  summary: string;
  labels: string[];
  description: AdfDoc;
}

export function renderJiraIssue(doc: TicketDoc, alert: Alert): JiraIssueFields {
  return {
    summary: truncate(`[${doc.severity}] ${doc.title}`.replace(/[\r\n]+/g, ' '), 255),
    labels: ['autotriage', alertLabel(alert), jiraLabel(`detection-${alert.detectionId}`)],
    description: renderJiraDescription(doc),
  };
}
