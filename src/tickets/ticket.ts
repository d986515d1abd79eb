/**
 * The ticket as a small format-neutral document: a title, a meta line and one section per enrichment,
 * each made of spans of untrusted text, links and emphasis. Slack, Jira and plain-text renderers turn it
 * into their markup, each escaping text for its own destination — so escaping lives in exactly three places.
 */
import type { Alert, Severity } from '../domain/alert';
import { type Actor, type AutoCloseVerdict, type Disposition, type TriageStatus } from '../domain/triage-state';
import { ENRICHMENT_SECTIONS, type Enrichments, type Outcome } from '../domain/enrichment';
import type { PlaybookId } from '../routing/playbooks';
import type { PlaybookRoute } from '../routing/route';
import { PLAYBOOKS } from '../routing/playbooks';
import { ago, shortDate } from './format';
import {
  describeAbuseIpReport,
  describeGreyNoiseReport,
  describeIndicatorSearch,
  describeIpReputation,
  describeLoginLocations,
  describeRecentLogins,
  loginLocationsTable,
  recentLoginsTable,
  type Table,
} from './describe';
import { actorSpan, link, text, type Line } from './spans';

export interface TicketSection {
  title: string;
  lines: Line[];
  /** The rows again as a table, for renderers that have tables (Jira). */
  table?: Table;
  status: Outcome<unknown>['status'];
}

/** Where the triage stands, as the ticket shows it (absent: a ticket being posted for the first time). */
export interface TicketTriage {
  status: TriageStatus;
  disposition?: Disposition;
  closedBy?: Actor;
  closedAt?: string;
  assignee?: Actor;
  shadow?: AutoCloseVerdict;
  autoClosed?: AutoCloseVerdict;
  /** The rule that had closed the alert before it fired again and was reopened. */
  autoCloseReopened?: AutoCloseVerdict;
  reopened: number;
}

export interface TicketInput {
  workflowId: string;
  alert: Alert;
  playbook: { id: PlaybookId; matchedBy: PlaybookRoute['matchedBy']; logTypeWorkflow: string };
  enrichments: Enrichments;
  jira?: { key: string; url: string };
  triage?: TicketTriage;
}

export interface TicketDoc {
  /** Plain title, untrusted text. */
  title: string;
  emoji: string;
  severity: Severity;
  meta: Line;
  runbook: string;
  sections: TicketSection[];
  /** Who closed/escalated/was assigned, when. */
  status?: Line;
  /** What automation decided (shadow: what it would have done). */
  automation?: Line;
  /** Buttons, while an analyst can still act. */
  actions: boolean;
  footer: Line;
}

export const SEVERITY_EMOJI: Record<Severity, string> = {
  CRITICAL: '🔴',
  HIGH: '🟠',
  MEDIUM: '🟡',
  LOW: '🔵',
  INFO: '⚪',
};

const PLAYBOOK_EMOJI: Record<PlaybookId, string> = { bruteForce: '🔐', identityTriage: '🪪', ipTriage: '🌐' };

function outcomeLines<T>(outcome: Outcome<T>, describe: (data: T) => Line[], anchor: Date): Line[] {
  switch (outcome.status) {
    case 'ok': {
      const lines = describe(outcome.data);
      if (outcome.cache?.hit && lines[0]) lines[0] = [...lines[0], text(` · cached ${ago(outcome.cache.fetchedAt, anchor)}`)];
      return lines;
    }
    case 'pending':
      return [[text('pending: ', { bold: true }), text(`${outcome.reason} — this ticket is updated when it arrives`)]];
    case 'unavailable':
      return [[text('unavailable: ', { bold: true }), text(outcome.reason)]];
    case 'not_configured':
      return [[text('not configured: '), text(outcome.reason)]];
    case 'skipped':
      return [[text('skipped: '), text(outcome.reason)]];
  }
}

function sectionFor(key: keyof Enrichments, input: TicketInput): Line[] | undefined {
  const { enrichments: e, alert } = input;
  const anchor = new Date(alert.createdAt);
  switch (key) {
    case 'ipReputation':
      return e.ipReputation && outcomeLines(e.ipReputation, describeIpReputation, anchor);
    case 'abuseIpdb':
      return e.abuseIpdb && outcomeLines(e.abuseIpdb, describeAbuseIpReport, anchor);
    case 'greyNoise':
      return e.greyNoise && outcomeLines(e.greyNoise, describeGreyNoiseReport, anchor);
    case 'indicatorSearch':
      return e.indicatorSearch && outcomeLines(e.indicatorSearch, describeIndicatorSearch, anchor);
    case 'loginLocations':
      return e.loginLocations && outcomeLines(e.loginLocations, (d) => describeLoginLocations(d, alert.ips, anchor), anchor);
    case 'recentLogins':
      return e.recentLogins && outcomeLines(e.recentLogins, (d) => describeRecentLogins(d, alert.ips, anchor), anchor);
  }
}

function tableFor(key: keyof Enrichments, input: TicketInput): Table | undefined {
  const { enrichments: e, alert } = input;
  const anchor = new Date(alert.createdAt);
  if (key === 'loginLocations' && e.loginLocations?.status === 'ok' && e.loginLocations.data.locations.length) {
    return loginLocationsTable(e.loginLocations.data, alert.ips, anchor);
  }
  if (key === 'recentLogins' && e.recentLogins?.status === 'ok' && e.recentLogins.data.logins.length) {
    return recentLoginsTable(e.recentLogins.data, alert.ips, anchor);
  }
  return undefined;
}

function statusLine(t: TicketTriage | undefined): Line | undefined {
  if (!t) return undefined;
  const at = (iso?: string) => (iso ? ` at ${shortDate(iso)} UTC` : '');
  const reopened = t.reopened ? [text(` · reopened ${t.reopened}×`)] : [];
  const assigned = t.assignee ? [text(' · assigned to '), actorSpan(t.assignee)] : [];
  switch (t.status) {
    case 'closed':
      return [text(`✅ Closed as ${(t.disposition ?? 'closed').replace('_', ' ')} by `, { bold: true }), actorSpan(t.closedBy), text(at(t.closedAt)), ...reopened];
    case 'auto_closed':
      return [text('🤖 Auto-closed', { bold: true }), text(` as ${t.autoClosed?.disposition.replace('_', ' ') ?? 'benign'}${at(t.closedAt)}`), ...reopened];
    case 'expired':
      return t.disposition === 'escalated'
        ? [text('⌛ Expired', { bold: true }), text(' after it was escalated by '), actorSpan(t.closedBy), text(at(t.closedAt)), text(': nobody closed it')]
        : [text('⌛ Expired: nobody closed it', { bold: true }), text(at(t.closedAt))];
    case 'escalated':
      return t.disposition === 'escalated'
        ? [text('🚨 Escalated by ', { bold: true }), actorSpan(t.closedBy), text(at(t.closedAt)), ...assigned, ...reopened]
        : [text('🚨 Escalated: past its SLA', { bold: true }), ...assigned, ...reopened];
    default:
      return [text('Open', { bold: true }), ...assigned, ...reopened];
  }
}

function automationLine(t: TicketTriage | undefined): Line | undefined {
  const v = t?.autoClosed ?? t?.shadow ?? t?.autoCloseReopened;
  if (!v) return undefined;
  const label = t?.autoClosed ? 'Auto-close' : t?.shadow ? 'Auto-close (shadow): would close' : 'Auto-closed earlier (reopened when the alert fired again)';
  return [text(`${label} as ${v.disposition.replace('_', ' ')} — ${v.reason} `), text(`[${v.ruleId} v${v.ruleVersion}]`, { code: true })];
}

function linkHost(url: string): Line {
  const host = URL.canParse(url) ? new URL(url).host : undefined;
  return host ? [text(` (${host})`)] : [];
}

export function buildTicket(input: TicketInput): TicketDoc {
  const { alert } = input;
  const playbook = PLAYBOOKS[input.playbook.id];
  const meta: Line = [text(alert.detectionId, { code: true }), text(' · '), text(alert.logType, { code: true })];
  // The one link that comes from the alert itself: its host is shown, so a look-alike (sent through a
  // route no console URL guards) is in plain sight. Punycode, so a homograph reads as xn--….
  if (alert.link) meta.push(text(' · '), link('SIEM alert ↗', alert.link), ...linkHost(alert.link));
  if (input.jira) meta.push(text(' · '), link(`Jira ${input.jira.key} ↗`, input.jira.url));
  const sections: TicketSection[] = [];
  for (const { key, title, optional } of ENRICHMENT_SECTIONS) {
    const outcome = input.enrichments[key];
    if (!outcome || (optional && outcome.status === 'not_configured')) continue;
    const lines = sectionFor(key, input);
    if (lines) sections.push({ title, lines, status: outcome.status, table: tableFor(key, input) });
  }
  const routing =
    input.playbook.matchedBy === 'fallback'
      ? `playbook ${playbook.id} (fallback: detection not in the routing table)`
      : input.playbook.matchedBy === 'detection-error'
        ? `playbook ${playbook.id} (fallback: the detection itself failed, ${alert.alertType ?? 'an error'}; fix the detection)`
        : `playbook ${playbook.id}`;
  const logTypeNote = alert.logTypeSource === 'payload' ? '' : ` · LogType from ${alert.logTypeSource}`;
  return {
    title: alert.title,
    emoji: PLAYBOOK_EMOJI[playbook.id],
    severity: alert.severity,
    meta,
    runbook: alert.runbook ?? playbook.runbook,
    sections,
    status: statusLine(input.triage),
    automation: automationLine(input.triage),
    actions: input.triage !== undefined && ['awaiting_analyst', 'escalated'].includes(input.triage.status),
    footer: [text(`${input.workflowId} · ${input.playbook.logTypeWorkflow} → ${routing}${logTypeNote}`)],
  };
}
