/**
 * Workflow ids of backfill `--dry-run` triages: their own namespace of ids, so a dry run never collides
 * with the alert's real triage, and the report can leave them out by prefix.
 */
import type { Alert } from '../domain/alert';

export const DRY_RUN_ID_PREFIX = 'dryrun-';

/** `dryrun-<tag>/<source>/<alertId>`; the tag (the run's start time) keeps each dry run apart. */
export function dryRunWorkflowId(tag: string, alert: Pick<Alert, 'source' | 'alertId'>): string {
  return `${DRY_RUN_ID_PREFIX}${tag}/${alert.source}/${alert.alertId}`;
}
