/**
 * The record that earns trust: per detection and per auto-close rule, how many alerts, how many
 * automation closed, how many it would have closed (shadow), how often the analysts' verdict agreed
 * with the shadow decision (precision), and the median time to close for analysts vs. automation.
 * Pure: fed with what Temporal visibility returns for each triage.
 */
import { ruleOfRecord, type Actor, type AnalystVerdict, type Disposition } from '../domain/triage-state';
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

function row(key: string, records: TriageRecord[]): Row {
  const shadow = records.filter((r) => r.shadow);
  const judgements = shadow.map(verdictAgrees).filter((v): v is boolean => v !== undefined);
  const analyst = records.filter((r) => r.closedBy?.kind === 'analyst' && r.disposition && r.disposition !== 'escalated');
  const automated = records.filter((r) => r.disposition === 'auto_closed');
  const agreed = judgements.filter(Boolean).length;
  return {
    key,
    alerts: records.length,
    // Every alert automation closed, those the SIEM's re-fire reopened too: reopened / auto-closed is the rate.
    autoClosed: automated.length + records.filter((r) => r.disposition !== 'auto_closed' && r.autoCloseReopened).length,
    reopenedAfterAutoClose: records.filter((r) => r.autoCloseReopened).length,
    shadowDecisions: shadow.length,
    judged: judgements.length,
    agreed,
    precision: judgements.length ? agreed / judgements.length : undefined,
    analystClosed: analyst.length,
    medianAnalystCloseMs: median(analyst.map((r) => ms(r.openedAt ?? r.startTime, r.closedAt)).filter((v): v is number => v !== undefined)),
    medianAutomationCloseMs: median(automated.map((r) => ms(r.startTime, r.closedAt)).filter((v): v is number => v !== undefined)),
  };
}

function groupBy(records: TriageRecord[], key: (r: TriageRecord) => string | undefined): Row[] {
  const groups = new Map<string, TriageRecord[]>();
  for (const r of records) {
    const k = key(r);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups].map(([k, rs]) => row(k, rs)).sort((a, b) => b.alerts - a.alerts || a.key.localeCompare(b.key));
}

export function buildReport(records: TriageRecord[], since: Date): TriageReport {
  const rule = (r: TriageRecord) => ruleOfRecord(r);
  return { since: since.toISOString(), total: records.length, byDetection: groupBy(records, (r) => r.detectionId), byRule: groupBy(records, rule) };
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
      r.precision === undefined ? '—' : `${Math.round(r.precision * 100)}%`,
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
