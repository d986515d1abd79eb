/**
 * All activities, built from injected clients (the samples-typescript dependency-injection idiom), so
 * tests hand them real clients pointed at HTTP fakes.
 */
import { createDeliveryActivities, type DeliveryDeps } from './delivery';
import { createEnrichmentActivities, type EnrichmentDeps } from './enrichment';
import { createReputationActivities, type ReputationDeps } from './reputation';
import { createSiemAlertActivities, type SiemAlertDeps } from './siem-alerts';

export type ActivityDeps = EnrichmentDeps & DeliveryDeps & SiemAlertDeps & { reputation: ReputationDeps };

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEnrichmentActivities(deps),
    ...createReputationActivities(deps.reputation),
    ...createDeliveryActivities(deps),
    ...createSiemAlertActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { TicketDelivery, PostTicketInput } from './delivery';
export type { IndicatorSearchInput, UserLoginsInput, TimeWindow } from './enrichment';
export type { ReputationDeps, ReputationInput, ReputationSource } from './reputation';
export type { SiemAlertFacts } from './siem-alerts';
