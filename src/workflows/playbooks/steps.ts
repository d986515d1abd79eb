/**
 * The enrichment steps playbooks are made of. Each decides whether it applies to the alert, runs its
 * activity with its provider's budget, and always resolves to an Outcome.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { Alert } from '../../domain/alert';
import {
  REPUTATION_KEYS,
  REPUTATION_PROVIDERS,
  skipped,
  type Enrichments,
  type IndicatorSearch,
  type LoginLocations,
  type Outcome,
  type RecentLogins,
} from '../../domain/enrichment';
import { DAY_MS } from '../../domain/time';
import { reputation, siem } from '../activities';
import { settle } from '../settle';

/** Queries run up to a few minutes past the alert, so late events of the same burst are included. */
const AFTER_ALERT_MS = 5 * 60 * 1000;

/**
 * Where the user usually logs in from is measured before the attack: logins in the last hour before the
 * alert (a brute-force detection's usual dedup window) are left out, so an attacker's successes during
 * the burst can never make their IP "usual" (the known-location auto-close rule relies on this).
 */
const ATTACK_MARGIN_MS = 60 * 60 * 1000;

/**
 * `days` back from the alert, ending `endOffsetMs` after it (negative: before it). The alert's time is
 * the sender's word: one later than this run's start (a clock ahead, a zone-less local time read as UTC)
 * would slide the attack margin past the attack, so the run's start caps it.
 */
function windowAroundAlert(alert: Alert, days: number, endOffsetMs = AFTER_ALERT_MS): { from: string; to: string } {
  const anchor = Math.min(new Date(alert.createdAt).getTime(), workflowInfo().startTime.getTime());
  return { from: new Date(anchor - days * DAY_MS).toISOString(), to: new Date(anchor + endOffsetMs).toISOString() };
}

export interface PlaybookContext {
  /** The LogType whose logs hold this alert's login history (set by the LogType workflow), if any. */
  loginLogType?: string;
}

export type ReputationEnrichments = Pick<Enrichments, 'ipReputation' | 'abuseIpdb' | 'greyNoise'>;

/** The IP's reputation from every provider (VirusTotal; AbuseIPDB and GreyNoise where configured), via the shared cache. */
export async function ipReputation(ip: string | undefined): Promise<ReputationEnrichments> {
  const results = await Promise.all(
    REPUTATION_PROVIDERS.map(async (provider) => {
      const outcome: Outcome<unknown> = ip
        ? await settle(reputation.lookupReputation({ provider, indicator: ip }), { provider, step: 'lookupReputation' })
        : skipped('the alert has no IP address');
      return [REPUTATION_KEYS[provider], outcome] as const;
    }),
  );
  return Object.fromEntries(results) as ReputationEnrichments;
}

export function indicatorSearch(alert: Alert, ip: string | undefined, days: number): Promise<Outcome<IndicatorSearch>> {
  if (!ip) return Promise.resolve(skipped('the alert has no IP address'));
  return settle(siem.searchIndicator({ indicator: ip, ...windowAroundAlert(alert, days) }), { provider: 'siem', step: 'searchIndicator' });
}

function loginHistorySource(user: string | undefined, ctx: PlaybookContext): string | Outcome<never> {
  if (!user) return skipped('the alert names no user');
  if (!ctx.loginLogType) return skipped('no login history is known for this LogType');
  return ctx.loginLogType;
}

export function topLoginLocations(
  alert: Alert,
  user: string | undefined,
  ctx: PlaybookContext,
  opts: { days: number; limit: number },
): Promise<Outcome<LoginLocations>> {
  const logType = loginHistorySource(user, ctx);
  if (typeof logType !== 'string') return Promise.resolve(logType);
  return settle(siem.topLoginLocations({ user: user!, logType, limit: opts.limit, ...windowAroundAlert(alert, opts.days, -ATTACK_MARGIN_MS) }), {
    provider: 'siem',
    step: 'topLoginLocations',
  });
}

export function recentSuccessfulLogins(
  alert: Alert,
  user: string | undefined,
  ctx: PlaybookContext,
  opts: { days: number; limit: number },
): Promise<Outcome<RecentLogins>> {
  const logType = loginHistorySource(user, ctx);
  if (typeof logType !== 'string') return Promise.resolve(logType);
  return settle(siem.recentSuccessfulLogins({ user: user!, logType, limit: opts.limit, ...windowAroundAlert(alert, opts.days) }), {
    provider: 'siem',
    step: 'recentSuccessfulLogins',
  });
}
