/**
 * enrichmentCache — one workflow per (provider, indicator), shared by every worker: the cache of a
 * reputation lookup. The first lookup fetches (on the provider's rate-limited task queue); lookups that
 * arrive while that fetch runs wait for it instead of fetching again; later ones get the cached answer
 * until the TTL runs out. So a storm of alerts for one IP costs one provider call.
 *
 * Why Temporal and not Redis: the cache is durable and visible in the Web UI (open
 * `enrichment-cache/virustotal/<ip>` to see what was fetched and when), concurrent misses coalesce into
 * one fetch without a lock, and there is nothing else to deploy.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PROVIDER_NAMES, type ReputationProvider } from '../domain/enrichment';
import { RETRIED_IN_ATTEMPT, announcedRetryAfter, gaveUpReason, nextTransientDelay, transientFailureType } from '../domain/transient-retry';
import { PATCHES } from './patches';
import { failureReason } from './settle';

export interface CacheEntry {
  value: unknown;
  /** Epoch ms (workflow time) the provider answered. */
  fetchedAt: number;
}

export interface EnrichmentCacheInput {
  provider: ReputationProvider;
  indicator: string;
  ttlMs: number;
  /** The provider's rate-limited task queue. */
  fetchTaskQueue: string;
  /** Carried across continue-as-new. */
  entry?: CacheEntry;
}

export type CacheAnswer =
  | { status: 'ok'; value: unknown; fetchedAt: string; hit: boolean }
  | { status: 'pending' }
  | { status: 'failed'; reason: string };

/** Wait up to `waitMs` for the value; answers `pending` if the provider has not answered by then. */
export const lookupUpdate = defineUpdate<CacheAnswer, [{ waitMs: number }]>('lookup');

const MAX_WAIT_MS = 15 * 60_000;
const HISTORY_LIMIT = 4000;

export async function enrichmentCache(input: EnrichmentCacheInput): Promise<void> {
  const { provider, indicator, ttlMs } = input;
  const providerCalls = proxyActivities<Activities>({
    taskQueue: input.fetchTaskQueue,
    // One provider call (8 s timeout). 5xx/timeouts come back at once and are retried below.
    startToCloseTimeout: '60s',
    // Waiting in the rate-limited queue, or for tomorrow's daily budget, counts against this.
    scheduleToCloseTimeout: '30h',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
  });
  let entry = input.entry;
  let fetching = false;
  let fetches = 0;
  let lastFailure: string | undefined;

  const fresh = () => entry !== undefined && Date.now() - entry.fetchedAt < ttlMs;
  const answer = (hit: boolean): CacheAnswer => ({
    status: 'ok',
    value: entry!.value,
    fetchedAt: new Date(entry!.fetchedAt).toISOString(),
    hit,
  });

  /**
   * The provider's 5xx and timeouts are retried here, each retry a new activity on the rate-limited
   * queue: a failing provider is never called faster than its budget allows (TRANSIENT_RETRY).
   */
  async function fetchWithRetries(): Promise<unknown> {
    let firstFailure: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await providerCalls.fetchReputation({ provider, indicator, transientFailsOnce: true });
      } catch (err) {
        // Runs started before this release retried inside the activity and gave up here (an activity they
        // scheduled says so in its details). Asked only on a failure: no patch marker on the usual path.
        const transient = transientFailure(err);
        if (!transient || transient.details?.includes(RETRIED_IN_ATTEMPT) || !patched(PATCHES.transientRetriesOnBudget)) throw err;
        firstFailure ??= Date.now();
        const elapsed = Date.now() - firstFailure;
        const delay = nextTransientDelay(attempt, elapsed, announcedRetryAfter(transient.details));
        if (delay === undefined) throw ApplicationFailure.nonRetryable(gaveUpReason(failureReason(err), attempt, elapsed));
        await sleep(delay);
      }
    }
  }

  /** The provider's 5xx/timeout, when that is what failed the call. */
  function transientFailure(err: unknown): ApplicationFailure | undefined {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    return cause instanceof ApplicationFailure && cause.type === transientFailureType(PROVIDER_NAMES[provider]) ? cause : undefined;
  }

  function fetch(): void {
    fetching = true;
    lastFailure = undefined;
    fetchWithRetries()
      .then(
        (value: unknown) => {
          entry = { value, fetchedAt: Date.now() };
        },
        (err: unknown) => {
          lastFailure = failureReason(err);
        },
      )
      .finally(() => {
        fetching = false;
        fetches++;
      });
  }

  setHandler(
    lookupUpdate,
    async ({ waitMs }) => {
      if (fresh()) return answer(true);
      const mine = !fetching;
      if (mine) fetch();
      const before = fetches;
      if (!(await condition(() => fetches !== before, waitMs))) return { status: 'pending' };
      if (fresh()) return answer(!mine);
      return { status: 'failed', reason: lastFailure ?? 'the lookup failed' };
    },
    {
      validator: ({ waitMs }) => {
        if (!(Number.isFinite(waitMs) && waitMs >= 0 && waitMs <= MAX_WAIT_MS)) throw new RangeError(`waitMs must be 0…${MAX_WAIT_MS}`);
      },
    },
  );

  const longHistory = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;
  for (;;) {
    if (longHistory() && !fetching) {
      // A lookup that arrives meanwhile may start a fetch: carry on with it rather than drop its provider call.
      await condition(allHandlersFinished);
      // Older runs continued as new regardless (dropping that call); asked only when it happens.
      if (!fetching || !patched(PATCHES.noContinueAsNewOverFetch)) await continueAsNew<typeof enrichmentCache>({ ...input, entry });
      continue;
    }
    if (fetching) {
      await condition(() => !fetching);
      continue;
    }
    const remaining = entry ? entry.fetchedAt + ttlMs - Date.now() : 0;
    if (remaining > 0) {
      await condition(() => longHistory() || fetching, remaining);
      continue;
    }
    // Expired (or never fetched) and idle: end. The next lookup starts a new run.
    await condition(allHandlersFinished);
    if (!fetching) return;
  }
}
