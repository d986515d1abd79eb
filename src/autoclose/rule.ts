/**
 * Auto-close rules as code: pure, versioned functions over the alert and its enrichment. A rule either
 * matches — with the verdict and the facts it matched, which are recorded — or says why not.
 */
import type { Alert } from '../domain/alert';
import type { Enrichments } from '../domain/enrichment';
import type { AutoCloseVerdict } from '../domain/triage-state';
import type { PlaybookId } from '../routing/playbooks';

export interface RuleInput {
  alert: Alert;
  playbook: PlaybookId;
  enrichments: Enrichments;
  /** Set for runs that decided on older rule code, so their replay decides as they did (a workflow patch). */
  compat?: {
    unanalysedIpIsClean?: boolean;
    severalUsersAllowed?: boolean;
    pendingSecondOpinionIgnored?: boolean;
    /** known-location v2: people counted by the last segment of their names. */
    peopleByLastSegment?: boolean;
  };
}

export type RuleResult = { match: true; verdict: AutoCloseVerdict } | { match: false; why: string };

export interface AutoCloseRule {
  id: string;
  /** Bump when the logic changes: decisions record the version they were made with. */
  version: number;
  description: string;
  evaluate(input: RuleInput): RuleResult;
}

export const noMatch = (why: string): RuleResult => ({ match: false, why });
