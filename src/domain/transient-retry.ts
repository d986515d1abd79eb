/**
 * How long a reputation lookup keeps trying a provider that answers 5xx or times out, before the ticket
 * shows it unavailable. Rate limits (429) are not transient: they are retried after the provider's
 * Retry-After for as long as it takes.
 */
export const TRANSIENT_RETRY = {
  /** Time from the first failure after which no further attempt is started. */
  budgetMs: 30_000,
  firstDelayMs: 1000,
  maxDelayMs: 8000,
  /**
   * A provider that says when to come back (a 503 with Retry-After: maintenance) is waited for that long,
   * up to this much time from the first failure, instead of being given up after `budgetMs`.
   */
  announcedBudgetMs: 300_000,
} as const;

/**
 * The wait before the next attempt — at least the provider's Retry-After when it gave one — or undefined
 * when it would end past the budget.
 */
export function nextTransientDelay(attempt: number, sinceFirstFailureMs: number, retryAfterMs?: number): number | undefined {
  const backoff = Math.min(TRANSIENT_RETRY.firstDelayMs * 2 ** (attempt - 1), TRANSIENT_RETRY.maxDelayMs);
  const announced = isDelay(retryAfterMs);
  const delay = announced ? Math.max(backoff, retryAfterMs) : backoff;
  const budget = announced ? TRANSIENT_RETRY.announcedBudgetMs : TRANSIENT_RETRY.budgetMs;
  return sinceFirstFailureMs + delay > budget ? undefined : delay;
}

/** A wait worth honouring: a finite, positive number of milliseconds. */
function isDelay(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
}

/** A transient failure's details: the provider's Retry-After, when it gave one. */
export interface TransientDetails {
  retryAfterMs?: number;
}

/** The Retry-After a transient failure carries in its details (see TransientDetails), if any. */
export function announcedRetryAfter(details: readonly unknown[] | null | undefined): number | undefined {
  for (const d of details ?? []) {
    const ms = d && typeof d === 'object' ? (d as TransientDetails).retryAfterMs : undefined;
    if (isDelay(ms)) return ms;
  }
  return undefined;
}

export function gaveUpReason(reason: string, attempts: number, sinceFirstFailureMs: number): string {
  return `${reason} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${Math.round(sinceFirstFailureMs / 1000)} s)`;
}

/** In the details of a failure whose retries already ran inside the activity (the previous release's path). */
export const RETRIED_IN_ATTEMPT = 'retried-in-attempt';

/** The failure type a lookup that gave up on a provider's 5xx/timeouts carries ("VirusTotal.transient"). */
export function transientFailureType(providerName: string): string {
  return `${providerName}.transient`;
}
