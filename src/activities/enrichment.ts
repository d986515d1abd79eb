/**
 * Enrichment activities: thin wrappers that call a connector and return a summary. They return
 * `not_configured` instead of failing when an integration has no credentials.
 */
import { Context } from '@temporalio/activity';
import type { VirusTotalClient } from '../connectors/virustotal';
import {
  notConfigured,
  ok,
  type IndicatorSearch,
  type IpReputation,
  type LoginLocations,
  type Outcome,
  type RecentLogins,
} from '../domain/enrichment';
import type { Siem } from '../siem/siem';
import { ENRICHMENT_POLICY, classified } from './failures';

export interface EnrichmentDeps {
  virustotal?: VirusTotalClient;
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

export function createEnrichmentActivities({ virustotal, siem }: EnrichmentDeps) {
  return {
    async lookupIpReputation(input: { ip: string }): Promise<Outcome<IpReputation>> {
      if (!virustotal) return notConfigured('set VIRUSTOTAL_API_KEY to look up IP reputation');
      return classified(ENRICHMENT_POLICY, async () => ok(await virustotal.ipReputation(input.ip, signal())));
    },

    async searchIndicator(input: IndicatorSearchInput): Promise<Outcome<IndicatorSearch>> {
      return classified(ENRICHMENT_POLICY, async () =>
        ok(await siem.indicatorSearch({ indicator: input.indicator, ...window(input) }, signal())),
      );
    },

    async topLoginLocations(input: UserLoginsInput): Promise<Outcome<LoginLocations>> {
      return classified(ENRICHMENT_POLICY, async () =>
        ok(await siem.loginLocations({ user: input.user, logType: input.logType, limit: input.limit, ...window(input) }, signal())),
      );
    },

    async recentSuccessfulLogins(input: UserLoginsInput): Promise<Outcome<RecentLogins>> {
      return classified(ENRICHMENT_POLICY, async () =>
        ok(await siem.recentLogins({ user: input.user, logType: input.logType, limit: input.limit, ...window(input) }, signal())),
      );
    },
  };
}
