/**
 * A triage's lifecycle as a pure state machine: what analysts (Slack buttons), automation (auto-close
 * rules, the autoClose signal), SLA timers and a re-fired alert do to it. The workflow holds the state;
 * these functions decide. Pure: bundled into workflow code and unit-tested.
 */

export type TriageStatus =
  | 'received'
  | 'enriching'
  | 'delivering'
  | 'awaiting_analyst'
  | 'escalated'
  | 'closed'
  | 'auto_closed'
  | 'delivery_failed'
  | 'expired'
  /** A backfill dry run: enriched and decided, nothing posted, the run over. */
  | 'dry_run';

/** The verdict on the alert. `auto_closed` is automation's; the others are analysts' (or SLA expiry). */
export type Disposition = 'benign' | 'false_positive' | 'escalated' | 'auto_closed' | 'expired';

export interface Actor {
  kind: 'analyst' | 'automation' | 'system';
  /** Slack user id for analysts (`U0123ABCD`), rule or system id otherwise. */
  id: string;
  name?: string;
}

export type AnalystActionKind = 'close_benign' | 'close_false_positive' | 'escalate' | 'assign';

export interface AnalystAction {
  kind: AnalystActionKind;
  by: Actor;
}

/** What an auto-close rule (enforced, or the autoClose signal) decided. */
export interface AutoCloseVerdict {
  ruleId: string;
  ruleVersion: number;
  disposition: 'benign' | 'false_positive';
  reason: string;
  facts: Record<string, string | number | boolean>;
}

export interface AnalystVerdict {
  disposition: 'benign' | 'false_positive' | 'escalated';
  at: string;
}

export interface TimelineEntry {
  at: string;
  what: string;
  by?: Actor;
}

export interface TriageState {
  status: TriageStatus;
  disposition?: Disposition;
  assignee?: Actor;
  /** When and by whom the alert was last closed (or escalated). */
  closedAt?: string;
  closedBy?: Actor;
  /** Automation's closing verdict, when automation closed it. */
  autoClosed?: AutoCloseVerdict;
  /** The first rule that would have closed it, in shadow mode (what the report compares with analysts). */
  shadow?: AutoCloseVerdict;
  /** Automation's verdict on an alert the SIEM fired again, so it was reopened: kept for the rule's record. */
  autoCloseReopened?: AutoCloseVerdict;
  /** The analysts' latest verdict (close or escalate), kept through a reopen: what the report judges a shadow rule by. */
  analystVerdict?: AnalystVerdict;
  /** When the ticket went out (or the alert was reopened): SLA deadlines count from here. */
  openedAt?: string;
  slaReminders: number;
  slaEscalated: boolean;
  reopened: number;
  /**
   * A ticket Slack refused, then refused again when a re-fire posted it: how many re-posts failed, and
   * before when a re-fire does not post it again (the SIEM's resends would otherwise each post and fail).
   */
  repost?: { failed: number; after: string };
  timeline: TimelineEntry[];
}

export const CLOSED: readonly TriageStatus[] = ['closed', 'auto_closed', 'expired'];

/** The wait after the first failed re-post; each later one doubles it, up to REPOST_BACKOFF_MAX_MS. */
export const REPOST_BACKOFF_MS = 5 * 60_000;
export const REPOST_BACKOFF_MAX_MS = 60 * 60_000;

/** The state's `repost` after one more re-post Slack refused, at `now` (ms): 5, 10, 20, 40 min, then hourly. */
export function afterFailedRepost(state: TriageState, now: number, firstBackoffMs = REPOST_BACKOFF_MS): { failed: number; after: string } {
  const failed = (state.repost?.failed ?? 0) + 1;
  const wait = Math.min(firstBackoffMs * 2 ** (failed - 1), Math.max(firstBackoffMs, REPOST_BACKOFF_MAX_MS));
  return { failed, after: new Date(now + wait).toISOString() };
}

/** Whether a re-fire at `now` (ms) waits instead of posting the refused ticket again. */
export function repostWaits(repostAfter: string | null | undefined, now: number): boolean {
  return typeof repostAfter === 'string' && now < Date.parse(repostAfter);
}

export function isClosed(state: TriageState): boolean {
  return CLOSED.includes(state.status);
}

/** Statuses in which an analyst can act on the ticket. */
const ACTIONABLE: readonly TriageStatus[] = ['awaiting_analyst', 'escalated'];

export function initialState(at: string): TriageState {
  return { status: 'received', slaReminders: 0, slaEscalated: false, reopened: 0, timeline: [{ at, what: 'alert received' }] };
}

const ACTION_TEXT: Record<AnalystActionKind, string> = {
  close_benign: 'closed as benign',
  close_false_positive: 'closed as false positive',
  escalate: 'escalated',
  assign: 'assigned',
};

type RuleRef = { ruleId: string; ruleVersion: number };

/**
 * The rule a run is counted under (`known-location@2`): the one that closed it, else the one that
 * shadowed it, else the one whose close a re-fire reopened — the decision stays on the run.
 */
export function ruleOfRecord(v: { autoClosed?: RuleRef; shadow?: RuleRef; autoCloseReopened?: RuleRef }): string | undefined {
  return ruleKey(v.autoClosed ?? v.shadow ?? v.autoCloseReopened);
}

/** A rule as the report, the search attribute and the audit name it: `known-location@2`. */
export function ruleKey(rule: RuleRef | undefined): string | undefined {
  return rule ? `${rule.ruleId}@${rule.ruleVersion}` : undefined;
}

type Nullable<T> = { [K in keyof T]-?: Exclude<T[K], undefined> | null };

/**
 * The `triage` memo the workflow keeps current: what the report reads from visibility without replaying
 * anything (the verdicts and when they were made). Null, not absent, so an upsert clears a field.
 */
export type TriageMemo = Nullable<{
  status: TriageStatus;
  disposition?: Disposition;
  openedAt?: string;
  closedAt?: string;
  closedBy?: Actor;
  shadow?: RuleRef & { disposition: string };
  autoClosed?: RuleRef;
  autoCloseReopened?: RuleRef;
  analystVerdict?: AnalystVerdict;
}> & {
  /** Only on a run whose refused ticket waits to be posted again (the API then sends no re-fire before it). */
  repostAfter?: string;
};

export function triageMemo(state: TriageState): TriageMemo {
  const ref = (v?: AutoCloseVerdict): RuleRef | null => (v ? { ruleId: v.ruleId, ruleVersion: v.ruleVersion } : null);
  return {
    status: state.status,
    disposition: state.disposition ?? null,
    openedAt: state.openedAt ?? null,
    closedAt: state.closedAt ?? null,
    closedBy: state.closedBy ?? null,
    shadow: state.shadow ? { ...ref(state.shadow)!, disposition: state.shadow.disposition } : null,
    autoClosed: ref(state.autoClosed),
    autoCloseReopened: ref(state.autoCloseReopened),
    analystVerdict: state.analystVerdict ?? null,
    ...(state.repost ? { repostAfter: state.repost.after } : {}),
  };
}

export function describeActor(actor: Actor | undefined): string {
  if (!actor) return 'someone';
  return actor.name ?? actor.id;
}

const ACTION_KINDS: readonly string[] = Object.keys(ACTION_TEXT);
const ACTOR_KINDS: readonly string[] = ['analyst', 'automation', 'system'] satisfies Actor['kind'][];

/**
 * What is wrong with an action sent by hand (the CLI, a script — the Slack route only builds valid ones),
 * or undefined. Checked before the update is accepted: once accepted, a malformed one would fail the task.
 */
export function malformedAction(action: unknown): string | undefined {
  if (typeof action !== 'object' || action === null) return 'the action must be an object {kind, by}';
  const { kind, by } = action as { kind?: unknown; by?: unknown };
  if (typeof kind !== 'string' || !ACTION_KINDS.includes(kind)) return `kind must be one of ${ACTION_KINDS.join(', ')}`;
  if (typeof by !== 'object' || by === null) return 'by must be an object {kind, id, name?}';
  const actor = by as { kind?: unknown; id?: unknown; name?: unknown };
  if (typeof actor.kind !== 'string' || !ACTOR_KINDS.includes(actor.kind)) return `by.kind must be one of ${ACTOR_KINDS.join(', ')}`;
  if (typeof actor.id !== 'string' || actor.id.length === 0 || actor.id.length > 200) return 'by.id must be a string of 1 to 200 characters';
  if (actor.name !== undefined && (typeof actor.name !== 'string' || actor.name.length > 200)) return 'by.name must be a string of at most 200 characters';
  return undefined;
}

/** Why an analyst action is refused, or undefined when it is allowed. The message is shown to the analyst. */
export function refuseAction(state: TriageState, action: AnalystAction): string | undefined {
  if (state.status === 'expired') {
    const expiredAt = [...state.timeline].reverse().find((e) => e.what.startsWith('expired'))?.at;
    const escalated = state.disposition === 'escalated' ? ` (escalated by ${describeActor(state.closedBy)}, never closed)` : ', nobody closed it';
    return `This alert expired${expiredAt ? ` at ${expiredAt}` : ''}${escalated}: autotriage no longer tracks it.`;
  }
  if (isClosed(state)) {
    const what = state.status === 'auto_closed' ? 'auto-closed' : `closed as ${(state.disposition ?? 'closed').replace('_', ' ')}`;
    return `This alert is already ${what} by ${describeActor(state.closedBy)} at ${state.closedAt ?? 'an earlier time'}.`;
  }
  if (!ACTIONABLE.includes(state.status)) return 'The ticket is not ready for actions yet.';
  if (action.kind === 'escalate' && state.status === 'escalated' && state.disposition === 'escalated') {
    return `This alert is already escalated by ${describeActor(state.closedBy)}.`;
  }
  if (action.kind === 'assign' && state.assignee?.id === action.by.id) return 'This alert is already assigned to you.';
  return undefined;
}

/** The timeline with one more entry, the oldest dropped past 200: a run's state stays bounded. */
export function entry(state: TriageState, at: string, what: string, by?: Actor): TimelineEntry[] {
  return [...state.timeline, { at, what, ...(by ? { by } : {}) }].slice(-200);
}

/** Only an analyst's action is a verdict the report judges a rule by; a script's (automation, system) is not. */
function verdictOf(action: AnalystAction, disposition: AnalystVerdict['disposition'], at: string, state: TriageState): AnalystVerdict | undefined {
  return action.by.kind === 'analyst' ? { disposition, at } : state.analystVerdict;
}

export function applyAction(state: TriageState, action: AnalystAction, at: string): TriageState {
  const timeline = entry(state, at, ACTION_TEXT[action.kind], action.by);
  switch (action.kind) {
    case 'assign':
      return { ...state, assignee: action.by, timeline };
    case 'escalate':
      return { ...state, status: 'escalated', disposition: 'escalated', closedAt: at, closedBy: action.by, analystVerdict: verdictOf(action, 'escalated', at, state), timeline };
    case 'close_benign':
    case 'close_false_positive': {
      const disposition = action.kind === 'close_benign' ? 'benign' : 'false_positive';
      return { ...state, status: 'closed', disposition, closedAt: at, closedBy: action.by, analystVerdict: verdictOf(action, disposition, at, state), timeline };
    }
  }
}

export function applyAutoClose(state: TriageState, verdict: AutoCloseVerdict, at: string): TriageState {
  const by: Actor = { kind: 'automation', id: ruleKey(verdict)! };
  return {
    ...state,
    status: 'auto_closed',
    disposition: 'auto_closed',
    autoClosed: verdict,
    closedAt: at,
    closedBy: by,
    timeline: entry(state, at, `auto-closed as ${verdict.disposition.replace('_', ' ')}: ${verdict.reason}`, by),
  };
}

/**
 * A re-fired alert reopens its ticket only while closed and within the reopen window; past it the alert
 * is done, as it is once its run has ended (the run may outlive the window while a Jira retry finishes).
 */
export function reopensOnRefire(state: TriageState, nowMs: number, reopenWindowMs: number): boolean {
  if (!isClosed(state) || state.status === 'expired') return false;
  return state.closedAt === undefined || nowMs <= new Date(state.closedAt).getTime() + reopenWindowMs;
}

export function applyReopen(state: TriageState, at: string): TriageState {
  return {
    ...state,
    status: 'awaiting_analyst',
    openedAt: at,
    disposition: undefined,
    closedAt: undefined,
    closedBy: undefined,
    autoClosed: undefined,
    autoCloseReopened: state.autoCloseReopened ?? state.autoClosed,
    slaReminders: 0,
    slaEscalated: false,
    reopened: state.reopened + 1,
    // A new round: a refusal of its ticket starts the re-post backoff afresh.
    repost: undefined,
    timeline: entry(state, at, 'reopened: the SIEM fired the alert again'),
  };
}

export function applySlaReminder(state: TriageState, at: string, openFor: string): TriageState {
  return { ...state, slaReminders: state.slaReminders + 1, timeline: entry(state, at, `SLA reminder: open for ${openFor}`) };
}

export function applySlaEscalation(state: TriageState, at: string, openFor: string): TriageState {
  return { ...state, status: 'escalated', slaEscalated: true, timeline: entry(state, at, `SLA escalation: open for ${openFor}`) };
}

export function applyExpiry(state: TriageState, at: string): TriageState {
  const by: Actor = { kind: 'system', id: 'autotriage' };
  if (state.disposition === 'escalated') {
    // The analyst's verdict stands (the report counts it against a shadow "close"); only the tracking ends.
    return { ...state, status: 'expired', timeline: entry(state, at, 'expired: escalated, and nobody closed it', by) };
  }
  return { ...state, status: 'expired', disposition: 'expired', closedAt: at, closedBy: by, timeline: entry(state, at, 'expired: nobody closed it', by) };
}

export function withStatus(state: TriageState, status: TriageStatus, at: string, what?: string): TriageState {
  return { ...state, status, timeline: what ? entry(state, at, what) : state.timeline };
}
