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
} as const;

/** The wait before the next attempt, or undefined when it would end past the budget. */
export function nextTransientDelay(attempt: number, sinceFirstFailureMs: number): number | undefined {
  const delay = Math.min(TRANSIENT_RETRY.firstDelayMs * 2 ** (attempt - 1), TRANSIENT_RETRY.maxDelayMs);
  return sinceFirstFailureMs + delay > TRANSIENT_RETRY.budgetMs ? undefined : delay;
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
