/**
 * Jira labels of an alert, the parts workflow code needs too (no hashing here: that stays in
 * jira-issue.ts, outside the workflow sandbox).
 */
import type { Alert } from '../domain/alert';

/** Jira labels may not contain spaces; keep letters, digits and a few separators. */
export function jiraLabel(value: string): string {
  return value.replace(/[^A-Za-z0-9._:@-]/g, '_').slice(0, 255);
}

/** `autotriage-<source>-<alertId>`: the alert's label where it is unambiguous, and the one every alert had before digests. */
export function plainAlertLabel(alert: Pick<Alert, 'source' | 'alertId'>): string {
  return `autotriage-${alert.source}-${alert.alertId}`;
}

/**
 * Whether the alert's label is a digest: its source has a "-" (`acme-edr`/`1` and `acme`/`edr-1` would
 * share the plain label), its id has capitals (Jira's `labels =` ignores case, so `AbC1` and `abc1`
 * would find each other's issue), or its id is not label-safe.
 */
export function usesDigestLabel(alert: Pick<Alert, 'source' | 'alertId'>): boolean {
  const plain = plainAlertLabel(alert);
  return alert.source.includes('-') || alert.alertId !== alert.alertId.toLowerCase() || jiraLabel(plain) !== plain;
}
