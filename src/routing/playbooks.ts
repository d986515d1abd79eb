/**
 * Playbooks as data: which enrichments each one runs and what it tells the analyst. The workflow code in
 * src/workflows/playbooks runs them; this module is pure so routing, tests and renderers can read it.
 */
import type { EnrichmentKey } from '../domain/enrichment';

export const PLAYBOOK_IDS = ['bruteForce', 'identityTriage', 'ipTriage'] as const;
export type PlaybookId = (typeof PLAYBOOK_IDS)[number];

export interface PlaybookDefinition {
  id: PlaybookId;
  title: string;
  enrichments: readonly EnrichmentKey[];
  /** Shown when the detection has no runbook of its own. */
  runbook: string;
}

export const PLAYBOOKS: Readonly<Record<PlaybookId, PlaybookDefinition>> = {
  bruteForce: {
    id: 'bruteForce',
    title: 'Brute force',
    enrichments: ['ipReputation', 'indicatorSearch', 'loginLocations', 'recentLogins'],
    runbook:
      'Check the source IP against the user\'s usual login locations and its reputation. Usual location + clean IP: ' +
      'the user most likely forgot the password. Unfamiliar or malicious IP: reset the password, revoke sessions, ' +
      'block the IP.',
  },
  identityTriage: {
    id: 'identityTriage',
    title: 'IP and user triage',
    enrichments: ['ipReputation', 'indicatorSearch', 'loginLocations', 'recentLogins'],
    runbook:
      'Check where the user usually logs in from and what their recent logins looked like, and the reputation of ' +
      'the IPs in the alert. Confirm unusual activity with the user before closing.',
  },
  ipTriage: {
    id: 'ipTriage',
    title: 'IP triage',
    enrichments: ['ipReputation', 'indicatorSearch'],
    runbook: 'Check the reputation of the IPs in the alert and where else they appear in the SIEM.',
  },
};
