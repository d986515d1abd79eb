/**
 * The SIEM's own alert record (Panther): read it when the webhook lacked the LogType or the indicators,
 * and write back what autotriage found once the ticket is out.
 */
import { Context } from '@temporalio/activity';
import type { PantherAlertStatus, PantherAlerts } from '../connectors/panther/alerts';
import { notConfigured, ok, skipped, type Outcome } from '../domain/enrichment';
import { extractIps, extractUsers } from '../intake/indicators';
import { renderPlainText } from '../tickets/plain-text';
import { buildTicket, type TicketInput } from '../tickets/ticket';
import { AttemptDeadline } from './attempt-deadline';
import { DELIVERY_POLICY, ENRICHMENT_POLICY, classified } from './failures';

export interface SiemAlertDeps {
  /** `writeBack: false` (a read-only token): alerts are read, never updated. */
  panther?: { alerts: PantherAlerts; writeBack: boolean; comment: boolean; statusOnTicket?: PantherAlertStatus };
}

export interface SiemAlertFacts {
  logType?: string;
  ips: string[];
  users: string[];
  events: number;
}

const LOG_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const NOT_CONFIGURED = 'set PANTHER_API_URL and PANTHER_API_TOKEN to read and update Panther alerts';

export function createSiemAlertActivities({ panther }: SiemAlertDeps) {
  return {
    async lookupSiemAlert(input: { source: string; alertId: string }): Promise<Outcome<SiemAlertFacts>> {
      if (input.source !== 'panther') return skipped(`no alert API for source ${input.source}`);
      if (!panther) return notConfigured(NOT_CONFIGURED);
      return classified(ENRICHMENT_POLICY, async () => {
        const alert = await panther.alerts.get(input.alertId, Context.current().cancellationSignal);
        const logTypes = alert.events.map((e) => e.p_log_type).filter((t): t is string => typeof t === 'string' && LOG_TYPE.test(t));
        return ok({
          logType: logTypes[0],
          ips: [...new Set(alert.events.flatMap((e) => extractIps(e, '')))].slice(0, 20),
          users: [...new Set(alert.events.flatMap((e) => extractUsers(e, '')))].slice(0, 20),
          events: alert.events.length,
        });
      });
    },

    /**
     * Tells the SIEM: a comment (once per `event`: a retry looks for its marker) and a status. On the
     * first write-back (`event: 'ticketed'`) the status is PANTHER_STATUS_ON_TICKET; later events (closed,
     * reopened) pass theirs.
     */
    async writeBackToSiem(input: {
      ticket: TicketInput;
      where: string;
      event: string;
      status?: PantherAlertStatus;
      withTicket?: boolean;
    }): Promise<Outcome<{ commented: boolean; status?: string }>> {
      const { alert } = input.ticket;
      if (alert.source !== 'panther') return skipped(`no alert API for source ${alert.source}`);
      if (!panther) return notConfigured(NOT_CONFIGURED);
      // Skipped, not failed: a write a read-only token is refused would be retried for hours, holding the
      // Jira writes queued behind it.
      if (!panther.writeBack) return skipped('PANTHER_WRITE_BACK=false: Panther alerts are not updated');
      const marker = `[autotriage ${input.ticket.workflowId} ${input.event}]`;
      const body = input.withTicket === false ? '' : `\n\n${renderPlainText(buildTicket(input.ticket))}`;
      const comment = `autotriage: ${input.where}${body}`;
      const status = input.event === 'ticketed' ? panther.statusOnTicket : input.status;
      const call = panther.alerts.timeoutMs;
      const deadline = new AttemptDeadline('Panther');
      const writes = (panther.comment ? 1 : 0) + (status ? 1 : 0);
      return classified(DELIVERY_POLICY, async () => {
        const signal = Context.current().cancellationSignal;
        let commented = false;
        if (panther.comment) {
          // Each page of the look, then still room for the writes: this attempt never overlaps the next.
          const beforePage = () => deadline.ensure((1 + writes) * call, 'looking for an earlier comment');
          const already = Context.current().info.attempt > 1 && (await panther.alerts.hasComment(alert.alertId, marker, signal, beforePage));
          if (!already) {
            deadline.ensure(call, 'commenting on the alert');
            await panther.alerts.comment(alert.alertId, `${comment.slice(0, 9_000)}\n\n${marker}`, signal);
          }
          commented = true;
        }
        if (status) await panther.alerts.setStatus(alert.alertId, status, signal);
        return ok({ commented, status });
      });
    },
  };
}
