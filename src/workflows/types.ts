/** Inputs and results of the triage workflows. Small by design: they are stored in workflow history. */
import type { Alert } from '../domain/alert';
import type { Enrichments, Outcome } from '../domain/enrichment';
import type { PlaybookRoute } from '../routing/route';
import type { PlaybookId } from '../routing/playbooks';
import type { TicketDelivery } from '../activities';
import type { TriagePolicy } from '../domain/policy';
import type { TriageState } from '../domain/triage-state';

export interface AlertTriageInput {
  alert: Alert;
  /** Auto-close modes, SLA deadlines, reopen window — from configuration at intake (defaults if absent). */
  policy?: TriagePolicy;
}

export interface LogTypeTriageInput {
  alert: Alert;
  playbook: PlaybookRoute;
}

export interface PlaybookReport {
  playbook: PlaybookId;
  matchedBy: PlaybookRoute['matchedBy'];
  logTypeWorkflow: string;
  enrichments: Enrichments;
}

export type Delivery = TicketDelivery | { kind: 'failed'; reason: string; savedTo?: string } | { kind: 'none'; reason: string };
export type JiraOutcome = Outcome<{ key: string; url: string }>;

/** Before Jira has answered (the Slack ticket does not wait for it). */
const JIRA_PENDING_REASON = 'Jira has not answered yet';
export const JIRA_PENDING: JiraOutcome = { status: 'skipped', reason: JIRA_PENDING_REASON };

export function isJiraPending(jira: JiraOutcome | undefined): boolean {
  return jira?.status === 'skipped' && jira.reason === JIRA_PENDING_REASON;
}

export interface TriageResult {
  workflowId: string;
  alert: Alert;
  report: PlaybookReport;
  delivery: Delivery;
  jira: JiraOutcome;
  siemWriteBack?: Outcome<{ commented: boolean; status?: string }>;
  state: TriageState;
}

/** What the `triageState` query answers at any point of the run (report/delivery once they exist). */
export type TriageSnapshot = Omit<TriageResult, 'report' | 'delivery' | 'jira'> & Partial<Pick<TriageResult, 'report' | 'delivery' | 'jira'>>;
