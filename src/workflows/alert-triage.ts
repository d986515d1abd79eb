/**
 * alertTriage — one durable run per alert, the runbook an analyst would follow:
 *   1. route the alert: its LogType picks the child workflow, its detection the playbook;
 *   2. enrich it in that child workflow (enrichments run in parallel, each with its own budget);
 *   3. deliver one ticket: Slack (or a local ticket file) and Jira, then link the two.
 */
import { executeChild, log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { routeByDetection, routeByLogType, childWorkflowId } from '../routing/route';
import { SA, type TriageStatus } from '../temporal/search-attributes';
import type { TicketInput } from '../tickets/ticket';
import { jira, local, slack } from './activities';
import { genericTriage, oktaTriage } from './log-type-triage';
import { failureReason } from './settle';
import type { AlertTriageInput, TriageResult } from './types';

const LOG_TYPE_WORKFLOWS = { oktaTriage, genericTriage } as const;

function setStatus(status: TriageStatus): void {
  upsertSearchAttributes([{ key: SA.TriageStatus, value: status }]);
}

export async function alertTriage({ alert }: AlertTriageInput): Promise<TriageResult> {
  const info = workflowInfo();
  const workflowId = info.workflowId;

  // 1. Route.
  const logTypeRoute = routeByLogType(alert.logType);
  const playbookRoute = routeByDetection(alert.detectionId);

  // 2. Enrich, in the LogType's child workflow (its id extends ours so the tree reads in the Web UI).
  setStatus('enriching');
  const report = await executeChild(LOG_TYPE_WORKFLOWS[logTypeRoute.workflow], {
    workflowId: childWorkflowId(workflowId, logTypeRoute),
    args: [{ alert, playbook: playbookRoute }],
  });

  // 3. Deliver: the Slack ticket and the Jira issue in parallel, then the Jira link into the Slack message.
  setStatus('delivering');
  const ticket: TicketInput = {
    workflowId,
    alert,
    playbook: { id: report.playbook, matchedBy: report.matchedBy, logTypeWorkflow: report.logTypeWorkflow },
    enrichments: report.enrichments,
  };
  const [delivery, jiraIssue] = await Promise.all([
    slack.postTicket({ ...ticket, notBefore: info.startTime.toISOString() }).catch(async (err: unknown) => {
      // Slack refused this ticket for good (not an outage — those are retried): keep it on disk.
      const reason = failureReason(err);
      const savedTo = await local.saveTicketLocally(ticket);
      return { kind: 'failed' as const, reason, savedTo };
    }),
    jira.createJiraIssue(ticket).catch((err: unknown) => ({ status: 'unavailable' as const, reason: failureReason(err) })),
  ]);
  if (delivery.kind === 'slack' && jiraIssue.status === 'ok') {
    // Nice to have: the ticket is out and the Jira key is in the result, so a refusal here is not a failure.
    await slack
      .updateSlackTicket({ ...ticket, jira: jiraIssue.data, ref: { channel: delivery.channel, ts: delivery.ts } })
      .catch((err: unknown) => log.warn('could not add the Jira link to the Slack message', { reason: failureReason(err) }));
  }
  setStatus(delivery.kind === 'failed' ? 'delivery_failed' : 'ticketed');
  return { workflowId, alert, report, delivery, jira: jiraIssue };
}
