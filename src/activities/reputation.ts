/**
 * Reputation lookups go through the shared enrichment cache (src/workflows/enrichment-cache.ts):
 * - `lookupReputation` runs for a triage: it asks the cache (update-with-start) and waits up to the
 *   ticket's patience (ENRICHMENT_WAIT); a lookup still queued behind the rate budget comes back
 *   `pending`, and the ticket is updated when it lands (`awaitReputation`).
 * - `fetchReputation` runs for the cache, on the provider's rate-limited task queue: it takes a permit
 *   from the provider's daily budget, then calls the provider.
 */
import { Context } from '@temporalio/activity';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  PROVIDER_NAMES,
  notConfigured,
  skipped,
  unavailable,
  type Outcome,
  type ReputationProvider,
  type ReputationReports,
} from '../domain/enrichment';
import { ProviderError } from '../connectors/http';
import { isPublicIp } from '../connectors/public-ip';
import { RETRIED_IN_ATTEMPT, gaveUpReason, nextTransientDelay, transientFailureType, type TransientDetails } from '../domain/transient-retry';
import { budgetWorkflowId, cacheWorkflowId } from '../temporal/task-queues';
import { PermitPool, type TakePermits } from './permit-pool';
import { SharedLookups } from './shared-lookups';
import { lookupUpdate, type CacheAnswer, type enrichmentCache } from '../workflows/enrichment-cache';
import { takePermitUpdate, type rateBudget } from '../workflows/rate-budget';
import { ENRICHMENT_POLICY, classified } from './failures';
import { heartbeating } from './heartbeat';
import { AttemptDeadline } from './attempt-deadline';

/** One provider call: the clients give up after 8 s. */
const PROVIDER_CALL_MS = 10_000;

export interface ReputationSource<P extends ReputationProvider = ReputationProvider> {
  fetch(indicator: string, signal: AbortSignal): Promise<ReputationReports[P]>;
  cacheTtlMs: number;
  /** Enforced by the rate limit of `fetchTaskQueue` (its worker sets it). */
  ratePerMinute: number;
  dailyBudget: number;
  /** The provider's rate-limited task queue. */
  fetchTaskQueue: string;
}

export interface ReputationDeps {
  /** The Temporal client the activities use to reach the cache and budget workflows. */
  temporal: { client: Client; taskQueue: string };
  sources: { [P in ReputationProvider]?: ReputationSource<P> };
  /** How long a ticket waits for a lookup before it goes out with the lookup pending. */
  waitMs: number;
  /**
   * Workflow ids are never encrypted: with payload encryption on, the cache workflow is named by a keyed
   * hash of the indicator instead of the IP itself.
   */
  indicatorKey?: (indicator: string) => string;
}

export interface ReputationInput {
  provider: ReputationProvider;
  indicator: string;
}

export interface FetchInput extends ReputationInput {
  /** Fail at the first 5xx/timeout: the cache workflow retries (set by caches started on this release). */
  transientFailsOnce?: boolean;
}

const KEY_HINT: Record<ReputationProvider, string> = {
  virustotal: 'set VIRUSTOTAL_API_KEY to look up IP reputation',
  abuseipdb: 'set ABUSEIPDB_API_KEY to add AbuseIPDB',
  greynoise: 'set GREYNOISE_API_KEY to add GreyNoise',
};

/**
 * Stops waiting when the activity is cancelled (the update itself ends on its own within its wait).
 * One listener per call: the client's per-RPC abort wiring would add one per poll of a long update.
 */
function untilCancelled<T>(call: Promise<T>): Promise<T> {
  const signal = Context.current().cancellationSignal;
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('activity cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([call, cancelled]).finally(() => signal.removeEventListener('abort', onAbort!));
}

/**
 * A 5xx or a timeout, as the failure the enrichment cache retries through the provider's rate-limited
 * queue (TRANSIENT_RETRY): each retry is a new activity, so it waits for the budget like any call.
 */
const isTransient = (err: unknown): err is ProviderError => err instanceof ProviderError && err.category === 'transient';

async function transientFailsOnce<T>(provider: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!isTransient(err)) throw err;
    // The provider's Retry-After goes with it: the cache workflow waits that long before the next try.
    const details: TransientDetails[] = err.details.retryAfterMs !== undefined ? [{ retryAfterMs: err.details.retryAfterMs }] : [];
    throw ApplicationFailure.nonRetryable(err.message, transientFailureType(provider), ...details);
  }
}

/**
 * For cache workflows that started before the retries moved there: the 5xx/timeout retries run inside
 * one attempt, as they did (these calls do not wait for the rate budget).
 */
async function retryTransientInAttempt<T>(provider: string, call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransient(err)) throw err;
      const elapsed = Date.now() - started;
      const delay = nextTransientDelay(attempt, elapsed, err.details.retryAfterMs);
      if (delay === undefined) {
        // Marked, so that a cache run that took over on the new code does not start a second budget.
        throw ApplicationFailure.create({
          message: gaveUpReason(err.message, attempt, elapsed),
          type: transientFailureType(provider),
          nonRetryable: true,
          details: [RETRIED_IN_ATTEMPT],
        });
      }
      await Context.current().sleep(delay);
    }
  }
}

export function createReputationActivities(deps: ReputationDeps) {
  const { client, taskQueue } = deps.temporal;

  /** One update of the indicator's cache workflow (started if it is not running). */
  function updateCache(input: ReputationInput, waitMs: number): Promise<CacheAnswer> {
    const source = deps.sources[input.provider]!;
    const start = new WithStartWorkflowOperation<typeof enrichmentCache>('enrichmentCache', {
      workflowId: cacheWorkflowId(taskQueue, input.provider, deps.indicatorKey ? deps.indicatorKey(input.indicator) : input.indicator),
      taskQueue,
      args: [{ ...input, ttlMs: source.cacheTtlMs, fetchTaskQueue: source.fetchTaskQueue }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return client.workflow.executeUpdateWithStart(lookupUpdate, { args: [{ waitMs }], startWorkflowOperation: start });
  }

  // Concurrent lookups of one indicator on this worker wait on one update (see shared-lookups.ts); the
  // key is the lookup itself.
  const lookups = new SharedLookups<CacheAnswer>({
    ask: (key, waitMs) => updateCache(JSON.parse(key) as ReputationInput, waitMs),
    isFinal: (answer) => answer.status !== 'pending',
    pending: { status: 'pending' },
    // It did not cause the provider call: for its ticket, the answer came from the cache.
    joined: (answer) => (answer.status === 'ok' ? { ...answer, hit: true } : answer),
  });

  function askCache(input: ReputationInput, waitMs: number): Promise<CacheAnswer> {
    const key = JSON.stringify({ provider: input.provider, indicator: input.indicator });
    return heartbeating(() => untilCancelled(lookups.lookup(key, waitMs)));
  }

  const pools = new Map<ReputationProvider, PermitPool>();
  function permitPool(provider: ReputationProvider, perDay: number): PermitPool {
    let pool = pools.get(provider);
    if (!pool) {
      pool = new PermitPool(perDay, budgetPermits(client, taskQueue, provider, perDay));
      pools.set(provider, pool);
    }
    return pool;
  }

  function toOutcome<P extends ReputationProvider>(answer: CacheAnswer): Outcome<ReputationReports[P]> | undefined {
    switch (answer.status) {
      case 'ok':
        return { status: 'ok', data: answer.value as ReputationReports[P], cache: { hit: answer.hit, fetchedAt: answer.fetchedAt } };
      case 'failed':
        return unavailable(answer.reason);
      case 'pending':
        return undefined;
    }
  }

  function unusable(input: ReputationInput): Outcome<never> | undefined {
    if (!deps.sources[input.provider]) return notConfigured(KEY_HINT[input.provider]);
    if (!isPublicIp(input.indicator)) return skipped('an internal or reserved address: not sent to an outside service');
    if (input.provider === 'greynoise' && input.indicator.includes(':')) return skipped('GreyNoise covers IPv4 only');
    return undefined;
  }

  return {
    async lookupReputation<P extends ReputationProvider>(input: ReputationInput): Promise<Outcome<ReputationReports[P]>> {
      const early = unusable(input);
      if (early) return early;
      const answer = await askCache(input, deps.waitMs);
      return (
        toOutcome<P>(answer) ?? {
          status: 'pending',
          reason: `queued behind ${PROVIDER_NAMES[input.provider]}'s rate budget`,
          lookup: { provider: input.provider, indicator: input.indicator },
        }
      );
    },

    /** For a ticket that went out with this lookup pending: waits for it (retried until it lands). */
    async awaitReputation<P extends ReputationProvider>(input: ReputationInput): Promise<Outcome<ReputationReports[P]>> {
      const early = unusable(input);
      if (early) return early;
      const outcome = toOutcome<P>(await askCache(input, 5 * 60_000));
      if (outcome) return outcome;
      throw ApplicationFailure.create({ message: `still queued behind ${PROVIDER_NAMES[input.provider]}'s rate budget`, type: 'StillPending' });
    },

    async fetchReputation(input: FetchInput): Promise<unknown> {
      const source = deps.sources[input.provider];
      if (!source) throw ApplicationFailure.nonRetryable(`${PROVIDER_NAMES[input.provider]} is not configured on this worker`, 'NotConfigured');
      // Lookups are refused before they get here; a cache run queued by an older release is stopped here.
      if (!isPublicIp(input.indicator)) throw ApplicationFailure.nonRetryable('an internal or reserved address: not sent to an outside service', 'NotPublic');
      // The permit comes from a workflow on the busy main queue: an attempt still waiting for it at its
      // deadline would call the provider beside its own retry, so it gives up while a call still fits.
      const name = PROVIDER_NAMES[input.provider];
      const pool = permitPool(input.provider, source.dailyBudget);
      const taking = pool.take();
      const permit = await new AttemptDeadline(name).within(taking, PROVIDER_CALL_MS, 'waiting for the rate budget').catch((err: unknown) => {
        // Given up on: a permit that comes after all is not spent, it goes back for the next call.
        void taking.then((late) => late.granted && pool.giveBack(), () => undefined);
        throw err;
      });
      if (!permit.granted) {
        throw ApplicationFailure.create({
          message: `${PROVIDER_NAMES[input.provider]}'s daily budget of ${permit.perDay} calls is used up; waiting for 00:00 UTC`,
          type: 'DailyBudgetExhausted',
          nextRetryDelay: permit.retryAfterMs,
        });
      }
      const fetchReport = source.fetch as (indicator: string, signal: AbortSignal) => Promise<unknown>;
      const call = () => fetchReport(input.indicator, Context.current().cancellationSignal);
      return classified(ENRICHMENT_POLICY, () => (input.transientFailsOnce ? transientFailsOnce(name, call) : retryTransientInAttempt(name, call)));
    },
  };
}

/** Takes `count` permits from the provider's rateBudget workflow (started on first use). */
export function budgetPermits(client: Client, taskQueue: string, provider: ReputationProvider, perDay: number): TakePermits {
  return (count) =>
    client.workflow.executeUpdateWithStart(takePermitUpdate, {
      args: [{ perDay, count }],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof rateBudget>('rateBudget', {
        workflowId: budgetWorkflowId(taskQueue, provider),
        taskQueue,
        args: [{ provider }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
}
