/**
 * The delivery steps of a triage, as workflow code: post the ticket and open the Jira issue, link them,
 * and later bring in enrichments that were still queued behind a rate budget when the ticket went out.
 */
import { log, patched } from '@temporalio/workflow';
import type { Alert } from '../domain/alert';
import { REPUTATION_KEYS, type EnrichmentKey, type Enrichments } from '../domain/enrichment';
import { usesDigestLabel } from '../tickets/jira-label';
import type { TicketInput } from '../tickets/ticket';
import { jira, lateReputation, local, slack, slackFollowUps } from './activities';
import { PATCHES } from './patches';
import { failureReason, settle } from './settle';
import { triageMetrics } from './sinks';
import type { Delivery, JiraOutcome } from './types';

/** The ticket as it goes out: open, with its buttons. */
export function openTicket(ticket: TicketInput): TicketInput {
  return { ...ticket, triage: { ...ticket.triage!, status: 'awaiting_analyst' } };
}

/**
 * The Slack ticket; when Slack refuses it for good (not an outage — those are retried), the ticket on disk.
 * `mayExist`: an earlier post of this alert's ticket failed, maybe after Slack took it: look before posting.
 */
export function postTicket(ticket: TicketInput, notBefore: Date, opts: { mayExist?: boolean } = {}): Promise<Delivery> {
  return slack.postTicket({ ...ticket, notBefore: notBefore.toISOString(), ...(opts.mayExist ? { mayExist: true } : {}) }).catch(async (err: unknown): Promise<Delivery> => {
    const savedTo = await local.saveTicketLocally(ticket);
    return { kind: 'failed', reason: failureReason(err), savedTo };
  });
}

/**
 * Whether the run may have a Jira issue under its alert's plain label of old: it started before alerts with
 * a digest label stopped looking there (for later runs that label may be another alert's). Asked once, at
 * the run's start — a replay of an older run finds no marker there, however late its create comes — and
 * only for an alert with a digest label, so other runs record no marker.
 */
export function mayHaveLegacyJiraLabel(alert: Alert): boolean {
  return usesDigestLabel(alert) && !patched(PATCHES.digestLabelOnly);
}

/**
 * The Jira issue (retried until created; look-before-create keeps it one). Never rejects. `mayExist`: an
 * earlier create of this alert's issue gave up, maybe after Jira made it: look before creating.
 * `legacyLabel`: mayHaveLegacyJiraLabel's answer for the run.
 */
export function openJiraIssue(ticket: TicketInput, opts: { mayExist?: boolean; legacyLabel: boolean }): Promise<JiraOutcome> {
  const input = { ...ticket, ...(opts.mayExist ? { mayExist: true } : {}), ...(usesDigestLabel(ticket.alert) ? { legacyLabel: opts.legacyLabel } : {}) };
  return jira.createJiraIssue(input).catch((err: unknown): JiraOutcome => {
    triageMetrics.jiraUnavailable();
    return { status: 'unavailable', reason: failureReason(err) };
  });
}

/**
 * How runs started before the `jira-follows-slack` patch delivered (kept so their histories replay): the
 * Slack ticket and the Jira issue in parallel, both awaited, then the Jira link into the Slack message.
 */
export async function deliverTicket(ticket: TicketInput, notBefore: Date, legacyLabel: boolean): Promise<{ delivery: Delivery; jira: JiraOutcome }> {
  const [delivery, jiraIssue] = await Promise.all([postTicket(ticket, notBefore), openJiraIssue(ticket, { legacyLabel })]);
  if (jiraIssue.status === 'ok') await refreshTicket({ ...ticket, jira: jiraIssue.data }, delivery);
  return { delivery, jira: jiraIssue };
}

/** Re-renders the posted ticket. Nice to have: a refusal here is logged, not a failed triage. */
export async function refreshTicket(ticket: TicketInput, delivery: Delivery): Promise<void> {
  if (delivery.kind === 'slack') {
    await slackFollowUps
      .updateSlackTicket({ ...ticket, ref: { channel: delivery.channel, ts: delivery.ts } })
      .catch((err: unknown) => log.warn('could not update the Slack ticket', { reason: failureReason(err) }));
  } else if (delivery.kind === 'local') {
    await local.saveTicketLocally({ ...ticket, announce: false });
  }
}

export function hasPendingLookups(e: Enrichments): boolean {
  return pendingLookups(e).length > 0;
}

function pendingLookups(e: Enrichments): Array<{ key: EnrichmentKey; lookup: { provider: keyof typeof REPUTATION_KEYS; indicator: string } }> {
  return Object.values(REPUTATION_KEYS).flatMap((key) => {
    const outcome = e[key];
    return outcome?.status === 'pending' ? [{ key, lookup: outcome.lookup }] : [];
  });
}

/**
 * Each lookup still queued behind a provider's rate budget when the ticket went out, handed to `landed` as
 * it answers — VirusTotal's answer in minutes is not held back by GreyNoise's daily budget. Resolves when
 * every one has landed.
 */
export async function followLateEnrichments(ticket: TicketInput, landed: (enrichment: Partial<Enrichments>, key: EnrichmentKey) => void): Promise<void> {
  await Promise.all(
    pendingLookups(ticket.enrichments).map(async ({ key, lookup }) => {
      const outcome = await settle(lateReputation.awaitReputation(lookup), { provider: lookup.provider, step: 'awaitReputation' });
      // The key is the provider's own (REPUTATION_KEYS), so the outcome is of its type.
      landed({ [key]: outcome } as Partial<Enrichments>, key);
    }),
  );
}

/**
 * Lookups that were still queued behind a provider's rate budget when the ticket went out: waits for them
 * (as long as it takes — a rate limit never drops a result) and returns the completed enrichment, or
 * undefined when nothing was pending. The caller updates the ticket (runs
 * started before `late-lookups-one-by-one`, and reopened alerts).
 */
export async function completeLateEnrichments(ticket: TicketInput): Promise<{ enrichments: Enrichments; keys: EnrichmentKey[] } | undefined> {
  const pending = pendingLookups(ticket.enrichments);
  if (pending.length === 0) return undefined;
  const late = await Promise.all(
    pending.map(async ({ key, lookup }) => [key, await settle(lateReputation.awaitReputation(lookup), { provider: lookup.provider, step: 'awaitReputation' })] as const),
  );
  return { enrichments: { ...ticket.enrichments, ...Object.fromEntries(late) }, keys: pending.map((p) => p.key) };
}
