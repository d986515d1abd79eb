/**
 * All activities, built from injected clients (the samples-typescript dependency-injection idiom), so
 * tests hand them real clients pointed at HTTP fakes.
 */
import { createDeliveryActivities, type DeliveryDeps } from './delivery';
import { createEnrichmentActivities, type EnrichmentDeps } from './enrichment';

export type ActivityDeps = EnrichmentDeps & DeliveryDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createEnrichmentActivities(deps), ...createDeliveryActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
export type { TicketDelivery, PostTicketInput } from './delivery';
export type { IndicatorSearchInput, UserLoginsInput, TimeWindow } from './enrichment';
