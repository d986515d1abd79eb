/**
 * The record that earns trust: per detection and per auto-close rule, how many alerts, how many
 * automation closed, how many it would have closed (shadow), how often the analysts' verdict agreed
 * with the shadow decision (precision), and the median time to close for analysts vs. automation.
 * Pure: fed with what Temporal visibility returns for each triage.
 */
import { ruleKey, type Actor, type AnalystVerdict, type Disposition } from '../domain/triage-state';
import { humanDuration } from '../domain/time';

/** One triage as visibility shows it (search attributes + the `triage` memo the workflow keeps current). */
export interface TriageRecord {
  workflowId: string;
  detectionId: string;
  startTime: string;
  disposition?: Disposition;
  status?: string;
  openedAt?: string;
  closedAt?: string;
  closedBy?: Actor;
  shadow?: { ruleId: string; ruleVersion: number; disposition: string };
  autoClosed?: { ruleId: string; ruleVersion: number };
  /** An auto-close the SIEM's re-fire reopened: the rule closed something that was not over. */
  autoCloseReopened?: { ruleId: string; ruleVersion: number };
  /** The analysts' latest verdict, kept through a reopen (runs from before it was kept have none). */
  analystVerdict?: AnalystVerdict;
}

export interface Row {
  key: string;
  alerts: number;
  autoClosed: number;
  /** Auto-closed, then reopened because the SIEM fired the alert again. */
  reopenedAfterAutoClose: number;
  shadowDecisions: number;
  /** Shadow decisions the analysts also judged (closed or escalated). */
  judged: number;
  agreed: number;
  /** agreed / judged; undefined when nothing was judged yet. */
  precision?: number;
  analystClosed: number;
  medianAnalystCloseMs?: number;
  medianAutomationCloseMs?: number;
}

export interface TriageReport {
  since: string;
  total: number;
  byDetection: Row[];
  byRule: Row[];
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (from?: string, to?: string) => (from && to ? new Date(to).getTime() - new Date(from).getTime() : undefined);

/**
 * An analyst who closed the alert as benign or false positive agrees with a "close" shadow decision;
 * escalating disagrees. The latest analyst verdict counts, also when a re-fire reopened the alert after it.
 */
function verdictAgrees(r: TriageRecord): boolean | undefined {
  const verdict = r.analystVerdict?.disposition ?? (r.closedBy?.kind === 'analyst' ? r.disposition : undefined);
  if (verdict === 'benign' || verdict === 'false_positive') return true;
  if (verdict === 'escalated') return false;
  return undefined;
}

/**
 * Which decisions of a run a row counts. A detection row counts them all; a rule row only its own rule's:
 * one run can carry two rules (shadowed by one, closed by the autoClose signal's), and each is judged on
 * what it decided.
 */
interface Claim {
  shadow(r: TriageRecord): boolean;
  autoClosed(r: TriageRecord): boolean;
  reopened(r: TriageRecord): boolean;
}

/** A detection row: every decision (an auto-close counts whichever rule or signal made it). */
const ALL: Claim = { shadow: (r) => !!r.shadow, autoClosed: () => true, reopened: (r) => !!r.autoCloseReopened };

function ruleClaim(key: string): Claim {
  return { shadow: (r) => ruleKey(r.shadow) === key, autoClosed: (r) => ruleKey(r.autoClosed) === key, reopened: (r) => ruleKey(r.autoCloseReopened) === key };
}

function row(key: string, records: TriageRecord[], claim: Claim): Row {
  const shadow = records.filter(claim.shadow);
  const judgements = shadow.map(verdictAgrees).filter((v): v is boolean => v !== undefined);
  const analyst = records.filter((r) => r.closedBy?.kind === 'analyst' && r.disposition && r.disposition !== 'escalated');
  const automated = records.filter((r) => r.disposition === 'auto_closed' && claim.autoClosed(r));
  const reopened = records.filter(claim.reopened);
  const agreed = judgements.filter(Boolean).length;
  return {
    key,
    alerts: records.length,
    // Every alert automation closed, those the SIEM's re-fire reopened too: reopened / auto-closed is the rate.
    autoClosed: automated.length + reopened.filter((r) => !automated.includes(r)).length,
    reopenedAfterAutoClose: reopened.length,
    shadowDecisions: shadow.length,
    judged: judgements.length,
    agreed,
    precision: judgements.length ? agreed / judgements.length : undefined,
    analystClosed: analyst.length,
    medianAnalystCloseMs: median(analyst.map((r) => ms(r.openedAt ?? r.startTime, r.closedAt)).filter((v): v is number => v !== undefined)),
    // From the alert to the rule's close; after a reopen, from the reopen (its openedAt) to the close that followed.
    medianAutomationCloseMs: median(
      automated.map((r) => ms(r.autoCloseReopened ? (r.openedAt ?? r.startTime) : r.startTime, r.closedAt)).filter((v): v is number => v !== undefined),
    ),
  };
}

function sortRows(rows: Row[]): Row[] {
  return rows.sort((a, b) => b.alerts - a.alerts || a.key.localeCompare(b.key));
}

/** Records by key; a record with several keys is in each of their groups. */
function groupBy(records: TriageRecord[], keys: (r: TriageRecord) => Iterable<string>): Map<string, TriageRecord[]> {
  const groups = new Map<string, TriageRecord[]>();
  for (const r of records) {
    for (const k of new Set(keys(r))) {
      let group = groups.get(k);
      if (!group) groups.set(k, (group = []));
      group.push(r);
    }
  }
  return groups;
}

export function buildReport(records: TriageRecord[], since: Date): TriageReport {
  const byDetection = [...groupBy(records, (r) => [r.detectionId])].map(([k, rs]) => row(k, rs, ALL));
  const rules = (r: TriageRecord) => [r.autoClosed, r.shadow, r.autoCloseReopened].map(ruleKey).filter((k): k is string => k !== undefined);
  const byRule = [...groupBy(records, rules)].map(([k, rs]) => row(k, rs, ruleClaim(k)));
  return { since: since.toISOString(), total: records.length, byDetection: sortRows(byDetection), byRule: sortRows(byRule) };
}

/** Rounded down, so 199 of 200 reads 99%: a rule shows 100% only when it never disagreed. */
function percent(value: number): string {
  return `${Math.floor(value * 100 + 1e-9)}%`;
}

function duration(value?: number): string {
  return value === undefined ? '—' : humanDuration(value);
}

export function renderReport(report: TriageReport): string {
  const header = ['', 'alerts', 'auto-closed', 'reopened', 'shadow', 'judged', 'agreed', 'precision', 'analyst closed', 'median analyst', 'median automation'];
  const table = (title: string, rows: Row[]) => {
    const lines = rows.map((r) => [
      r.key,
      String(r.alerts),
      String(r.autoClosed),
      String(r.reopenedAfterAutoClose),
      String(r.shadowDecisions),
      String(r.judged),
      String(r.agreed),
      r.precision === undefined ? '—' : percent(r.precision),
      String(r.analystClosed),
      duration(r.medianAnalystCloseMs),
      duration(r.medianAutomationCloseMs),
    ]);
    const all = [[title, ...header.slice(1)], ...lines];
    const widths = all[0]!.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
    return all.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
  };
  return [
    `autotriage report since ${report.since}: ${report.total} alert(s)`,
    '',
    report.byDetection.length ? table('detection', report.byDetection) : 'no alerts',
    '',
    report.byRule.length ? table('auto-close rule', report.byRule) : 'no auto-close rule decided anything',
  ].join('\n');
}
