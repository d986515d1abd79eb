/**
 * Brute force: what an analyst checks by hand, all at once — is the IP known-bad, where else has it
 * shown up, is it where this user usually logs in from, and what did the user's recent logins look like.
 */
import { primaryIp, primaryUser, type Alert } from '../../domain/alert';
import type { Enrichments } from '../../domain/enrichment';
import { indicatorSearch, ipReputation, recentSuccessfulLogins, topLoginLocations, type PlaybookContext } from './steps';

export async function bruteForcePlaybook(alert: Alert, ctx: PlaybookContext): Promise<Enrichments> {
  const ip = primaryIp(alert);
  const user = primaryUser(alert);
  const [reputation, search, locations, recent] = await Promise.all([
    ipReputation(ip),
    indicatorSearch(alert, ip, 3),
    topLoginLocations(alert, user, ctx, { days: 90, limit: 5 }),
    recentSuccessfulLogins(alert, user, ctx, { days: 90, limit: 5 }),
  ]);
  return { ...reputation, indicatorSearch: search, loginLocations: locations, recentLogins: recent };
}
