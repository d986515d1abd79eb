/**
 * How a triage behaves after the ticket: auto-close modes, SLA deadlines, the reopen window. Built from
 * configuration at intake and carried in the workflow input, so a run keeps the policy it started with
 * (deterministic, and auditable in its history). Pure.
 */
import type { Severity } from './alert';

export type AutoCloseMode = 'off' | 'shadow' | 'enforce';

export interface TriagePolicy {
  autoClose: {
    mode: AutoCloseMode;
    /** Per-rule overrides of `mode`, by rule id. */
    rules: Record<string, AutoCloseMode>;
    /** What an enforced auto-close does with Jira: no issue, or an issue created already closed. */
    jira: 'skip' | 'create-closed';
  };
  sla: {
    /** Open this long → a reminder in the ticket's thread (absent: none). */
    reminderMs: Partial<Record<Severity, number>>;
    /** Open this long → escalated (thread reply broadcast to the channel, optional mention). */
    escalateMs: Partial<Record<Severity, number>>;
  };
  /**
   * Who an SLA escalation pings: a Slack user (`U0123ABCD`), user group (`subteam^S0123ABCD`), `here` or
   * `channel`. From configuration only, never from an alert.
   */
  escalationMention?: string;
  /** A closed alert that fires again within this window reopens its ticket. */
  reopenWindowMs: number;
  /** An alert nobody acts on expires after this long. */
  maxOpenMs: number;
  /**
   * Backfill `--dry-run`: enrich and decide, then stop — no Slack, Jira or SIEM writes, no waiting. The
   * caller renders the ticket from the result.
   */
  dryRun?: boolean;
  /**
   * The wait after a ticket Slack refused is refused again on a re-fire, before another re-fire posts it
   * (doubling, up to an hour). Absent: 5 minutes. Not configurable; tests shorten it.
   */
  repostBackoffMs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_POLICY: TriagePolicy = {
  autoClose: { mode: 'shadow', rules: {}, jira: 'skip' },
  sla: {
    reminderMs: { CRITICAL: 15 * MINUTE, HIGH: HOUR, MEDIUM: 4 * HOUR, LOW: 24 * HOUR, INFO: 24 * HOUR },
    escalateMs: { CRITICAL: HOUR, HIGH: 4 * HOUR, MEDIUM: 24 * HOUR, LOW: 72 * HOUR },
  },
  reopenWindowMs: 24 * HOUR,
  maxOpenMs: 30 * 24 * HOUR,
};

export function ruleMode(policy: TriagePolicy, ruleId: string): AutoCloseMode {
  return Object.hasOwn(policy.autoClose.rules, ruleId) ? policy.autoClose.rules[ruleId]! : policy.autoClose.mode;
}
