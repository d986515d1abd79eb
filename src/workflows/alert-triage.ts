/**
 * alertTriage — one durable run per alert, the runbook an analyst would follow:
 *   0. complete the alert from the SIEM's alert API when the webhook lacked its LogType or indicators;
 *   1. route the alert: its LogType picks the child workflow, its detection the playbook;
 *   2. enrich it in that child workflow (enrichments run in parallel, each with its own budget);
 *   3. deliver one ticket: Slack (or a local ticket file) and Jira, then link the two;
 *   4. write back to the SIEM what was found;
 *   5. bring in lookups that were still queued behind a rate budget when the ticket went out.
 */
import { executeChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { routeByDetection, routeByLogType, childWorkflowId } from '../routing/route';
import { SA, type TriageStatus } from '../temporal/search-attributes';
import type { TicketInput } from '../tickets/ticket';
import { cloudTrailTriage, genericTriage, gsuiteTriage, oktaTriage } from './log-type-triage';
import { completeFromSiem, writeBackToSiem } from './siem-alert';
import { completeLateEnrichments, deliverTicket } from './ticket-delivery';
import type { AlertTriageInput, TriageResult } from './types';

const LOG_TYPE_WORKFLOWS = { oktaTriage, cloudTrailTriage, gsuiteTriage, genericTriage } as const;

function setStatus(status: TriageStatus): void {
  upsertSearchAttributes([{ key: SA.TriageStatus, value: status }]);
}

export async function alertTriage(input: AlertTriageInput): Promise<TriageResult> {
  const info = workflowInfo();
  const workflowId = info.workflowId;

  // 0. The webhook lacked the LogType or the indicators: ask the SIEM's alert API.
  const alert = await completeFromSiem(input.alert);

  // 1. Route.
  const logTypeRoute = routeByLogType(alert.logType);
  const playbookRoute = routeByDetection(alert.detectionId);

  // 2. Enrich, in the LogType's child workflow (its id extends ours so the tree reads in the Web UI).
  setStatus('enriching');
  const report = await executeChild(LOG_TYPE_WORKFLOWS[logTypeRoute.workflow], {
    workflowId: childWorkflowId(workflowId, logTypeRoute),
    args: [{ alert, playbook: playbookRoute }],
  });

  // 3. Deliver one ticket: Slack (or a local ticket file) and Jira, linked to each other.
  setStatus('delivering');
  const ticket: TicketInput = {
    workflowId,
    alert,
    playbook: { id: report.playbook, matchedBy: report.matchedBy, logTypeWorkflow: report.logTypeWorkflow },
    enrichments: report.enrichments,
  };
  const { delivery, jira } = await deliverTicket(ticket, info.startTime);
  setStatus(delivery.kind === 'failed' ? 'delivery_failed' : 'ticketed');

  // 4. Tell the SIEM what was found (a comment on the alert; optionally its status).
  const siemWriteBack = await writeBackToSiem(ticket, delivery, jira);

  // 5. Lookups still queued behind a rate budget when the ticket went out: add them when they land.
  const enrichments = await completeLateEnrichments(ticket, delivery, jira);
  return { workflowId, alert, report: { ...report, enrichments }, delivery, jira, siemWriteBack };
}
