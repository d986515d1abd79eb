/** IP triage, the generic playbook: reputation of the alert's IP and where else it appears in the SIEM. */
import { primaryIp, type Alert } from '../../domain/alert';
import type { Enrichments } from '../../domain/enrichment';
import { indicatorSearch, ipReputation, type PlaybookContext } from './steps';

export async function ipTriagePlaybook(alert: Alert, _ctx: PlaybookContext): Promise<Enrichments> {
  const ip = primaryIp(alert);
  const [reputation, search] = await Promise.all([ipReputation(ip), indicatorSearch(alert, ip, 3)]);
  return { ...reputation, indicatorSearch: search };
}
