/**
 * Turning connector errors into Temporal failures, per DESIGN.md: 429 → retry after the server's
 * Retry-After (`nextRetryDelay`); bad input → non-retryable; 5xx/network → retry with backoff.
 * Credentials and configuration errors depend on the step: an enrichment gives up (the ticket shows why),
 * a delivery keeps retrying so the ticket goes out once the operator fixes the token.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ProviderError } from '../connectors/http';
import { SiemQueryError } from '../siem/siem';
import { errorMessage } from '../logging/error-message';

export interface FailurePolicy {
  /** Retry configuration errors (true for deliveries: an alert is never dropped for a bad token). */
  retryConfigErrors: boolean;
}

export const ENRICHMENT_POLICY: FailurePolicy = { retryConfigErrors: false };
export const DELIVERY_POLICY: FailurePolicy = { retryConfigErrors: true };

export function toActivityFailure(err: unknown, policy: FailurePolicy): Error {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof SiemQueryError) {
    return ApplicationFailure.create({ message: err.message, type: 'SiemQueryError', nonRetryable: true });
  }
  if (!(err instanceof ProviderError)) {
    return ApplicationFailure.create({ message: errorMessage(err), type: 'UnexpectedError' });
  }
  const type = `${err.provider}.${err.category}`;
  switch (err.category) {
    case 'rate_limit':
      return ApplicationFailure.create({ message: err.message, type, nextRetryDelay: err.details.retryAfterMs });
    case 'config':
      return ApplicationFailure.create({ message: err.message, type, nonRetryable: !policy.retryConfigErrors });
    case 'invalid_request':
      return ApplicationFailure.create({ message: err.message, type, nonRetryable: true });
    case 'transient':
      return ApplicationFailure.create({ message: err.message, type, nextRetryDelay: err.details.retryAfterMs });
  }
}

/**
 * How long an error code the connector does not know is retried (it may be a new name for an outage)
 * before it is taken as a refusal: a ticket is then saved by the worker and its run says `delivery_failed`,
 * instead of waiting for ever on something no retry will fix.
 */
export const UNRECOGNIZED_RETRY_MS = 30 * 60_000;
/**
 * …and for at least this many attempts: the 30 min count from the activity's first scheduling, so after a
 * backlog (workers down for an hour) the first unknown error is still retried several minutes, not final.
 */
export const UNRECOGNIZED_MIN_ATTEMPTS = 10;

function retriedLongEnough(): boolean {
  try {
    const { scheduledTimestampMs, attempt } = Context.current().info;
    return Date.now() - scheduledTimestampMs >= UNRECOGNIZED_RETRY_MS && attempt >= UNRECOGNIZED_MIN_ATTEMPTS;
  } catch {
    return false; // not in an activity
  }
}

/** Runs an activity body, converting what it throws. */
export async function classified<T>(policy: FailurePolicy, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ProviderError && err.details.unrecognized && retriedLongEnough()) {
      throw ApplicationFailure.create({
        message: `${err.message} (an error autotriage does not recognise, retried for ${UNRECOGNIZED_RETRY_MS / 60_000} min)`,
        type: `${err.provider}.unrecognized`,
        nonRetryable: true,
      });
    }
    throw toActivityFailure(err, policy);
  }
}
