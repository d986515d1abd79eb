/**
 * The ticket as a small format-neutral document: a title, a meta line and one section per enrichment,
 * each made of spans of untrusted text, links and emphasis. Slack, Jira and plain-text renderers turn it
 * into their markup, each escaping text for its own destination — so escaping lives in exactly three places.
 */
import type { Alert, Severity } from '../domain/alert';
import { ENRICHMENT_SECTIONS, type Enrichments, type Outcome } from '../domain/enrichment';
import type { PlaybookId } from '../routing/playbooks';
import { PLAYBOOKS } from '../routing/playbooks';
import { ago } from './format';
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
import { link, text, type Line } from './spans';

export interface TicketSection {
  title: string;
  lines: Line[];
  /** The rows again as a table, for renderers that have tables (Jira). */
  table?: Table;
  status: Outcome<unknown>['status'];
}

export interface TicketInput {
  workflowId: string;
  alert: Alert;
  playbook: { id: PlaybookId; matchedBy: 'routing-table' | 'fallback'; logTypeWorkflow: string };
  enrichments: Enrichments;
  jira?: { key: string; url: string };
}

export interface TicketDoc {
  /** Plain title, untrusted text. */
  title: string;
  emoji: string;
  severity: Severity;
  meta: Line;
  runbook: string;
  sections: TicketSection[];
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

export function buildTicket(input: TicketInput): TicketDoc {
  const { alert } = input;
  const playbook = PLAYBOOKS[input.playbook.id];
  const meta: Line = [text(alert.detectionId, { code: true }), text(' · '), text(alert.logType, { code: true })];
  if (alert.link) meta.push(text(' · '), link('SIEM alert ↗', alert.link));
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
      : `playbook ${playbook.id}`;
  const logTypeNote = alert.logTypeSource === 'payload' ? '' : ` · LogType from ${alert.logTypeSource}`;
  return {
    title: alert.title,
    emoji: PLAYBOOK_EMOJI[playbook.id],
    severity: alert.severity,
    meta,
    runbook: alert.runbook ?? playbook.runbook,
    sections,
    footer: [text(`${input.workflowId} · ${input.playbook.logTypeWorkflow} → ${routing}${logTypeNote}`)],
  };
}
