/** Playbook id → the workflow code that runs it. The type makes a missing runner a compile error. */
import type { Alert } from '../../domain/alert';
import type { Enrichments } from '../../domain/enrichment';
import type { PlaybookId } from '../../routing/playbooks';
import { bruteForcePlaybook } from './brute-force';
import { identityTriagePlaybook } from './identity-triage';
import { ipTriagePlaybook } from './ip-triage';
import type { PlaybookContext } from './steps';

export type PlaybookRunner = (alert: Alert, ctx: PlaybookContext) => Promise<Enrichments>;

export const PLAYBOOK_RUNNERS: Readonly<Record<PlaybookId, PlaybookRunner>> = {
  bruteForce: bruteForcePlaybook,
  identityTriage: identityTriagePlaybook,
  ipTriage: ipTriagePlaybook,
};

export type { PlaybookContext } from './steps';
