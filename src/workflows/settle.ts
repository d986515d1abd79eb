/**
 * One failed enrichment never fails the triage: a step's failure becomes `unavailable` with the reason
 * the analyst needs (the vendor's error, or which timeout ran out). Cancellation still propagates.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import { unavailable, type Outcome } from '../domain/enrichment';
import { triageMetrics } from './sinks';

const TIMEOUT_NAMES: Record<string, string> = {
  START_TO_CLOSE: 'an attempt timed out',
  SCHEDULE_TO_CLOSE: 'retry budget exhausted',
  SCHEDULE_TO_START: 'no worker picked it up in time',
  HEARTBEAT: 'stopped heartbeating',
};

export function failureReason(err: unknown): string {
  let cause: unknown = err instanceof ActivityFailure ? err.cause : err;
  const parts: string[] = [];
  while (cause) {
    if (cause instanceof TimeoutFailure) {
      parts.push(TIMEOUT_NAMES[cause.timeoutType ?? ''] ?? 'timed out');
    } else if (cause instanceof ApplicationFailure) {
      parts.push(cause.message);
    } else if (cause instanceof Error) {
      parts.push(cause.message);
    }
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return [...new Set(parts)].join(': ') || 'failed';
}

/** `failed` names the step for the enrichment-failures metric (`provider` `siem`: the configured SIEM). */
export async function settle<T>(step: Promise<Outcome<T>>, failed?: { provider: string; step: string }): Promise<Outcome<T>> {
  try {
    return await step;
  } catch (err) {
    if (isCancellation(err)) throw err;
    if (failed) triageMetrics.enrichmentFailed(failed.provider, failed.step);
    return unavailable(failureReason(err));
  }
}
