/**
 * Enrichment activities: thin wrappers that call a connector and return a summary. They return
 * `not_configured` instead of failing when an integration has no credentials.
 */
import { Context } from '@temporalio/activity';
import {
  ok,
  type IndicatorSearch,
  type LoginLocations,
  type Outcome,
  type RecentLogins,
} from '../domain/enrichment';
import type { Siem } from '../siem/siem';
import { ENRICHMENT_POLICY, classified } from './failures';
import { heartbeating } from './heartbeat';

export interface EnrichmentDeps {
  siem: Siem;
}

export interface TimeWindow {
  /** ISO-8601 */
  from: string;
  to: string;
}

export interface IndicatorSearchInput extends TimeWindow {
  indicator: string;
}

export interface UserLoginsInput extends TimeWindow {
  user: string;
  logType: string;
  limit: number;
}

const signal = () => Context.current().cancellationSignal;
const window = (w: TimeWindow) => ({ from: new Date(w.from), to: new Date(w.to) });

/** SIEM queries for the playbooks (reputation lookups are in ./reputation.ts). */
export function createEnrichmentActivities({ siem }: EnrichmentDeps) {
  /** Runs a SIEM query, heartbeating while it runs (a Panther query can take a while). */
  const query = <T>(run: () => Promise<T>): Promise<Outcome<T>> =>
    classified(ENRICHMENT_POLICY, async () => ok(await heartbeating(run)));
  return {
    async searchIndicator(input: IndicatorSearchInput): Promise<Outcome<IndicatorSearch>> {
      return query(() => siem.indicatorSearch({ indicator: input.indicator, ...window(input) }, signal()));
    },

    async topLoginLocations(input: UserLoginsInput): Promise<Outcome<LoginLocations>> {
      return query(() => siem.loginLocations({ user: input.user, logType: input.logType, limit: input.limit, ...window(input) }, signal()));
    },

    async recentSuccessfulLogins(input: UserLoginsInput): Promise<Outcome<RecentLogins>> {
      return query(() => siem.recentLogins({ user: input.user, logType: input.logType, limit: input.limit, ...window(input) }, signal()));
    },
  };
}
