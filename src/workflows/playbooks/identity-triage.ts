/**
 * IP and user triage, the generic playbook (and the fallback for unknown detections): the reputation and
 * sightings of the alert's IP, and the user's usual login locations and recent logins — each step only
 * where it applies (an IP in the alert; a user and a LogType whose login history is known).
 */
import { primaryIp, primaryUser, type Alert } from '../../domain/alert';
import type { Enrichments } from '../../domain/enrichment';
import { indicatorSearch, ipReputation, recentSuccessfulLogins, topLoginLocations, type PlaybookContext } from './steps';

export async function identityTriagePlaybook(alert: Alert, ctx: PlaybookContext): Promise<Enrichments> {
  const ip = primaryIp(alert);
  const user = primaryUser(alert);
  const [reputation, search, locations, recent] = await Promise.all([
    ipReputation(ip),
    indicatorSearch(alert, ip, 7),
    topLoginLocations(alert, user, ctx, { days: 90, limit: 5 }),
    recentSuccessfulLogins(alert, user, ctx, { days: 30, limit: 5 }),
  ]);
  return { ...reputation, indicatorSearch: search, loginLocations: locations, recentLogins: recent };
}
