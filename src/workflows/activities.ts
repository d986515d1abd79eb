/**
 * Activity proxies, one per provider, each with its own timeouts and retry policy. The numbers are the
 * retry budget a ticket waits for: an enrichment that exhausts it shows as unavailable; deliveries retry
 * until they succeed, because a ticket must never be lost to a Slack or Jira outage.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** VirusTotal: answers in ~1 s; give up after 40 s so the ticket is not held hostage by one vendor. */
export const virustotal = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '40s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' },
});

/** SIEM queries: the first query may load logs into DuckDB or wait on a Panther query. */
export const siem = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 4 },
});

/** Slack: retried until delivered (an outage delays the ticket, never loses it). */
export const slack = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Jira: likewise retried until created; look-before-create makes retries safe. */
export const jira = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m' },
});

/** Local disk: the fallback of last resort. */
export const local = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
