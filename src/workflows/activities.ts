/**
 * Activity proxies, one per provider, each with its own timeouts and retry policy. The numbers are the
 * retry budget a ticket waits for: an enrichment that exhausts it shows as unavailable; the Slack ticket
 * is retried until it is posted, because a ticket must never be lost to an outage (Jira for up to a day).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Reputation lookups through the shared cache: each waits at most ENRICHMENT_WAIT (≤ 90 s) for the
 * provider, then answers `pending` so the ticket is not held hostage by one vendor's rate budget.
 */
export const reputation = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

/** A lookup that was still pending when the ticket went out: waited for until it lands. */
export const lateReputation = proxyActivities<Activities>({
  startToCloseTimeout: '7m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** SIEM queries: the first query may load logs into DuckDB or wait on a Panther query (they heartbeat). */
export const siem = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '30s',
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 4 },
});

/**
 * Slack: retried until delivered (an outage delays the ticket, never loses it). Room for a retry's look for
 * an earlier post and the post itself (each call ≤ 10 s): an attempt never outlives its timeout.
 */
export const slack = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Slack after the ticket is out (message edits, thread replies, the audit line): retried through outages for
 * up to 6 h, then recorded as failed in the timeline. A misconfigured channel (archived, bot removed) must
 * not hold the triage's later steps — Jira, the SIEM write-back — for ever.
 */
export const slackFollowUps = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '6h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Jira: retried through outages (look-before-create makes retries safe), for a day at most: the Slack
 * ticket does not wait for it, and a revoked token must not keep a settled triage running for ever.
 */
export const jira = proxyActivities<Activities>({
  // A retried create may look for an earlier attempt's issue for 8 s before its own 15 s request.
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m' },
});

/** The SIEM's own alert record: looked up when the webhook lacked facts; written back once ticketed. */
export const siemAlerts = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '20s' },
});

export const siemWriteBack = proxyActivities<Activities>({
  // A retry's look for its earlier comment, page by page, then the comment and the status (each ≤ 15 s).
  startToCloseTimeout: '90s',
  scheduleToCloseTimeout: '6h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** Local disk: the fallback of last resort. */
export const local = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
