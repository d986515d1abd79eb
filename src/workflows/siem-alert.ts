/**
 * The SIEM's own alert record, as workflow steps: complete an alert whose webhook lacked its LogType or
 * indicators, and, once the ticket is out, write back what autotriage found.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { Alert, SiemAlertStatus } from '../domain/alert';
import type { Outcome } from '../domain/enrichment';
import { SA } from '../temporal/search-attributes';
import type { TicketInput } from '../tickets/ticket';
import { siemAlerts, siemWriteBack } from './activities';
import { settle } from './settle';
import type { Delivery, JiraOutcome } from './types';

const unique = (values: string[]) => [...new Set(values)].slice(0, 20);

export async function completeFromSiem(alert: Alert): Promise<Alert> {
  const lacksLogType = alert.logTypeSource === 'default';
  if (!lacksLogType && alert.ips.length > 0 && alert.users.length > 0) return alert;
  const facts = await settle(siemAlerts.lookupSiemAlert({ source: alert.source, alertId: alert.alertId }));
  if (facts.status !== 'ok') return alert;
  const completed: Alert = {
    ...alert,
    ips: unique([...alert.ips, ...facts.data.ips]),
    users: unique([...alert.users, ...facts.data.users]),
  };
  if (lacksLogType && facts.data.logType) {
    completed.logType = facts.data.logType;
    completed.logTypeSource = 'siem-api';
    upsertSearchAttributes([{ key: SA.LogType, value: completed.logType }]);
  }
  return completed;
}

export function whereTicketIs(delivery: Delivery, jira: JiraOutcome): string {
  const ticket =
    delivery.kind === 'slack'
      ? `ticket in Slack (channel ${delivery.channel}, message ${delivery.ts}).`
      : delivery.kind === 'local'
        ? 'ticket saved by the worker (Slack not configured).'
        : delivery.kind === 'none'
          ? `no ticket: ${delivery.reason}.`
          : `Slack refused the ticket: ${delivery.reason}.`;
  return jira.status === 'ok' ? `${ticket} Jira: ${jira.data.key} ${jira.data.url}` : ticket;
}

/** Tells the SIEM: what was found when ticketed, and later what analysts or automation decided. */
export function writeBackToSiem(
  ticket: TicketInput,
  event: { name: string; where: string; status?: SiemAlertStatus; withTicket?: boolean },
): Promise<Outcome<{ commented: boolean; status?: string }>> {
  return settle(
    siemWriteBack.writeBackToSiem({ ticket, where: event.where, event: event.name, status: event.status, withTicket: event.withTicket }),
  );
}
