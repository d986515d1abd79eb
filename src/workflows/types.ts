/** Inputs and results of the triage workflows. Small by design: they are stored in workflow history. */
import type { Alert } from '../domain/alert';
import type { Enrichments, Outcome } from '../domain/enrichment';
import type { PlaybookRoute } from '../routing/route';
import type { PlaybookId } from '../routing/playbooks';
import type { TicketDelivery } from '../activities';

export interface AlertTriageInput {
  alert: Alert;
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

export interface TriageResult {
  workflowId: string;
  alert: Alert;
  report: PlaybookReport;
  delivery: TicketDelivery | { kind: 'failed'; reason: string; savedTo?: string };
  jira: Outcome<{ key: string; url: string }>;
  siemWriteBack?: Outcome<{ commented: boolean; status?: string }>;
}
