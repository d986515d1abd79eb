/** The workflow module the worker bundles: every workflow type, and nothing that does I/O. */
export { alertTriage } from './alert-triage';
export { oktaTriage, cloudTrailTriage, gsuiteTriage, genericTriage } from './log-type-triage';
export { enrichmentCache } from './enrichment-cache';
export { rateBudget } from './rate-budget';
