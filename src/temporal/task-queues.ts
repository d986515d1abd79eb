/** Task queue names. Each reputation provider has its own queue so its rate limit is the queue's. */
import type { ReputationProvider } from '../domain/enrichment';

export function providerTaskQueue(taskQueue: string, provider: ReputationProvider): string {
  return `${taskQueue}-${provider}`;
}

/*
 * The cache and budget workflows run on the deployment's task queue, so their ids carry it: two
 * deployments sharing a namespace (or a test run next to a service) never reach each other's.
 */

/** One cache workflow per (provider, indicator): `autotriage/enrichment-cache/virustotal/198.51.100.7`. */
export function cacheWorkflowId(taskQueue: string, provider: ReputationProvider, indicator: string): string {
  return `${taskQueue}/enrichment-cache/${provider}/${indicator}`;
}

/** One budget workflow per provider: `autotriage/budget/virustotal`. */
export function budgetWorkflowId(taskQueue: string, provider: ReputationProvider): string {
  return `${taskQueue}/budget/${provider}`;
}
