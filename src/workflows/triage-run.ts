/**
 * The state of one triage after enrichment, and everything that can happen to it: analysts' buttons
 * (Update), the autoClose and alertRefired signals, SLA timers, late enrichment. Handlers only decide
 * (pure functions of src/domain/triage-state.ts) and queue the side effects; one loop performs them in
 * order, so two clicks never race each other into Slack, Jira or the SIEM.
 */
import {
  condition,
  log,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Alert, Severity } from '../domain/alert';
import type { Enrichments, EnrichmentKey } from '../domain/enrichment';
import type { TriagePolicy } from '../domain/policy';
import {
  afterFailedRepost,
  applyAction,
  applyAutoClose,
  applyExpiry,
  applyReopen,
  applySlaEscalation,
  applySlaReminder,
  describeActor,
  entry,
  initialState,
  isClosed,
  malformedAction,
  refuseAction,
  reopensOnRefire,
  repostWaits,
  ruleOfRecord,
  triageMemo,
  type Actor,
  type AnalystAction,
  type AutoCloseVerdict,
  type TriageState,
  type TriageStatus,
} from '../domain/triage-state';
import { verdictFromSignal } from '../domain/auto-close-signal';
import { humanDuration } from '../domain/time';
import { SA } from '../temporal/search-attributes';
import { actorSpan, text, type Line } from '../tickets/spans';
import type { TicketInput } from '../tickets/ticket';
import { jira as jiraActivities, slackFollowUps } from './activities';
import { alertRefiredSignal, analystActionUpdate, autoCloseSignal, triageStateQuery, type AutoCloseRequest } from './messages';
import { failureReason } from './settle';
import { triageMetrics } from './sinks';
import { whereTicketIs, writeBackToSiem } from './siem-alert';
import { PATCHES } from './patches';
import { completeLateEnrichments, hasPendingLookups, mayHaveLegacyJiraLabel, openJiraIssue, openTicket, postTicket, refreshTicket } from './ticket-delivery';
import { JIRA_DONE, JIRA_REOPENED } from '../tickets/jira-statuses';
import { JIRA_PENDING, isJiraPending, type Delivery, type JiraOutcome, type PlaybookReport, type TriageResult, type TriageSnapshot } from './types';

type Effect =
  // `said`: the decision in plain text for Jira and the SIEM, fixed when it is made (the state moves on).
  | { kind: 'decided'; line: Line; said: string; status: TriageStatus; close?: 'benign' | 'false_positive'; eventKey: string }
  | { kind: 'reopened'; eventKey: string }
  /**
   * Fired again while Slack refuses its ticket: try the post again (Slack's setup may be fixed by now).
   * `throttled`: since `reposts-throttled`, a refusal sets the wait before the next re-post.
   */
  | { kind: 'reposted'; eventKey: string; throttled: boolean }
  | { kind: 'sla'; line: Line; broadcast: boolean; eventKey: string }
  | { kind: 'enriched'; keys: EnrichmentKey[] }
  | { kind: 'jira-linked'; eventKey: string }
  | { kind: 'expired'; line: Line; said: string; eventKey: string };

const iso = (ms: number) => new Date(ms).toISOString();

export class TriageRun {
  state: TriageState;
  report?: PlaybookReport;
  delivery?: Delivery;
  jira: JiraOutcome = JIRA_PENDING;
  siemWriteBack?: TriageResult['siemWriteBack'];
  /** An autoClose signal that arrived before the ticket was open: applied once it is. */
  earlyAutoClose?: AutoCloseVerdict;
  /** The SIEM write-back at ticket time named the Jira issue (else the issue's landing tells the SIEM). */
  siemHasJira = false;
  /** What happened while the Jira issue did not exist yet: told to the issue when it lands. */
  private jiraMissed: { lines: string[]; close: boolean; enriched: EnrichmentKey[] } = { lines: [], close: false, enriched: [] };
  private readonly effects: Effect[] = [];
  /** Jira and SIEM writes waiting their turn (see `outside`). */
  private readonly outsideQueue: Array<() => Promise<void>> = [];
  private outsideRunning = false;
  /** A throttled re-post of a refused ticket is queued or under way (see onRefired). */
  private reposting = false;
  private events = 0;
  private background = 0;
  /** The run may have a Jira issue under its alert's plain label of old (see mayHaveLegacyJiraLabel). */
  readonly legacyJiraLabel: boolean;

  constructor(
    readonly workflowId: string,
    public alert: Alert,
    readonly policy: TriagePolicy,
  ) {
    this.state = initialState(iso(Date.now()));
    this.legacyJiraLabel = mayHaveLegacyJiraLabel(alert);
    setHandler(triageStateQuery, () => this.snapshot());
    setHandler(analystActionUpdate, (action) => this.onAnalystAction(action), {
      validator: (action) => {
        const refusal = malformedAction(action) ?? refuseAction(this.state, action);
        if (refusal) throw new Error(refusal);
      },
    });
    setHandler(autoCloseSignal, (request) => this.onAutoCloseSignal(request));
    // Sent by hand without its payload, it still means "fired again, now" (a throw here would fail every task).
    setHandler(alertRefiredSignal, (fired?: { at?: unknown } | null) => this.onRefired(typeof fired?.at === 'string' ? fired.at : ''));
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────────

  setState(next: TriageState): void {
    this.state = next;
    upsertSearchAttributes([
      { key: SA.TriageStatus, value: next.status },
      { key: SA.Disposition, value: next.disposition ?? null },
      { key: SA.AutoCloseRule, value: ruleOfRecord(next) ?? null },
    ]);
    // What the report reads without replaying anything: the verdicts and when they were made.
    upsertMemo({ triage: triageMemo(next) });
  }

  setStatus(status: TriageStatus, what?: string, also: Partial<TriageState> = {}): void {
    const at = iso(Date.now());
    this.setState({
      ...this.state,
      ...also,
      status,
      ...(status === 'awaiting_analyst' && !this.state.openedAt ? { openedAt: at } : {}),
      timeline: what ? entry(this.state, at, what) : this.state.timeline,
    });
  }

  get enrichments(): Enrichments {
    return this.report?.enrichments ?? {};
  }

  ticket(): TicketInput {
    const s = this.state;
    return {
      workflowId: this.workflowId,
      alert: this.alert,
      playbook: {
        id: this.report?.playbook ?? 'identityTriage',
        matchedBy: this.report?.matchedBy ?? 'fallback',
        logTypeWorkflow: this.report?.logTypeWorkflow ?? 'genericTriage',
      },
      enrichments: this.enrichments,
      jira: this.jira.status === 'ok' ? this.jira.data : undefined,
      triage: {
        status: s.status,
        disposition: s.disposition,
        closedBy: s.closedBy,
        closedAt: s.closedAt,
        assignee: s.assignee,
        shadow: s.shadow,
        autoClosed: s.autoClosed,
        autoCloseReopened: s.autoCloseReopened,
        reopened: s.reopened,
      },
    };
  }

  snapshot(): TriageSnapshot {
    return {
      workflowId: this.workflowId,
      alert: this.alert,
      state: this.state,
      siemWriteBack: this.siemWriteBack,
      report: this.report,
      delivery: this.delivery,
      jira: this.jira,
    };
  }

  result(): TriageResult {
    return {
      workflowId: this.workflowId,
      alert: this.alert,
      report: this.report ?? { playbook: 'identityTriage', matchedBy: 'fallback', logTypeWorkflow: 'genericTriage', enrichments: {} },
      delivery: this.delivery ?? { kind: 'none', reason: 'no ticket' },
      jira: this.jira,
      siemWriteBack: this.siemWriteBack,
      state: this.state,
    };
  }

  // ── delivery ───────────────────────────────────────────────────────────────────────────────────

  /** The ticket is out (or refused for good): the alert is open to the analysts' buttons and SLA timers. */
  ticketPosted(delivery: Delivery, opts: { applyEarlyAutoClose: boolean; repost?: boolean } = { applyEarlyAutoClose: true }): void {
    this.delivery = delivery;
    const what = delivery.kind === 'failed' ? 'ticket refused by Slack' : 'ticket posted';
    // A reopened alert's ticket is posted while it is open to signals: a close that came meanwhile stands.
    if (isClosed(this.state) && patched(PATCHES.closeOutlivesRepost)) {
      this.note(what);
      return;
    }
    // So does an analyst's escalation: the new ticket's buttons were in Slack before the post's answer came.
    if (this.state.status === 'escalated' && patched(PATCHES.escalationOutlivesRepost)) {
      this.note(what);
      return;
    }
    // A post that went through ends the re-post backoff; a re-post refused again makes the next re-fire
    // wait (each refusal doubles the wait).
    const failed = delivery.kind === 'failed';
    const repost = !failed ? undefined : opts.repost ? afterFailedRepost(this.state, Date.now(), this.policy.repostBackoffMs) : this.state.repost;
    this.setStatus(failed ? 'delivery_failed' : 'awaiting_analyst', what, { repost });
    // An autoClose signal that came in while the ticket was being posted.
    const pending = this.earlyAutoClose;
    if (opts.applyEarlyAutoClose && pending && this.acceptsAutoClose()) {
      this.earlyAutoClose = undefined;
      this.closeByAutomation(pending, 'signal');
    }
  }

  /**
   * Whether an autoClose applies now: to an open ticket, and (since `auto-close-without-ticket`) to an
   * alert whose ticket Slack refused, so Jira and the SIEM still hear of the close.
   */
  private acceptsAutoClose(): boolean {
    if (['awaiting_analyst', 'escalated'].includes(this.state.status)) return true;
    return this.state.status === 'delivery_failed' && patched(PATCHES.autoCloseWithoutTicket);
  }

  /** Nobody has touched the alert since its ticket went out: no action, no reopen, no rule's verdict yet. */
  untouched(): boolean {
    const s = this.state;
    return s.status === 'awaiting_analyst' && !s.assignee && s.reopened === 0 && !s.shadow && !s.autoCloseReopened;
  }

  /**
   * A shadow verdict that the next state change records (no upsert of its own, so runs replay with the
   * commands they recorded): an autoClose signal's close follows at once.
   */
  carryShadow(verdict: AutoCloseVerdict): void {
    this.state = { ...this.state, shadow: verdict };
    triageMetrics.decided(`${verdict.ruleId}@${verdict.ruleVersion}`, 'shadow');
  }

  /** What a shadow rule would have done, decided after the ticket went out (late enrichment). */
  recordShadow(verdict: AutoCloseVerdict): void {
    this.setState({ ...this.state, shadow: verdict });
    triageMetrics.decided(`${verdict.ruleId}@${verdict.ruleVersion}`, 'shadow');
  }

  /**
   * Links the Jira issue when Jira answers: waits up to `graceMs` for it (so what follows can name it),
   * then lets it land in the background; the run does not end before it has.
   */
  async followJira(issue: Promise<JiraOutcome>, graceMs: number): Promise<void> {
    this.trackJira(issue);
    await condition(() => !isJiraPending(this.jira), graceMs);
  }

  /** The issue of an alert closed before it had one (AUTOCLOSE_JIRA=create-closed): closed when it lands, unless reopened by then. */
  openClosedJiraIssue(issue: Promise<JiraOutcome>): void {
    this.jiraMissed.close = true;
    this.trackJira(issue);
  }

  /** Jira is pending until the issue lands; once it has, it is linked (the run waits for that). */
  private trackJira(issue: Promise<JiraOutcome>): void {
    this.jira = JIRA_PENDING;
    this.track(
      issue.then((outcome) => {
        this.jira = outcome;
        if (outcome.status === 'ok') this.effects.push({ kind: 'jira-linked', eventKey: this.nextEventKey('jira-linked') });
      }),
    );
  }

  // ── handlers: decide, then queue the side effects ─────────────────────────────────────────────

  private nextEventKey(kind: string): string {
    this.events++;
    return `${kind}-${this.events}`;
  }

  private onAnalystAction(action: AnalystAction): TriageState {
    const at = iso(Date.now());
    this.setState(applyAction(this.state, action, at));
    const verb = {
      close_benign: '✅ Closed as benign by ',
      close_false_positive: '✅ Closed as false positive by ',
      escalate: '🚨 Escalated by ',
      assign: '🙋 Assigned to ',
    }[action.kind];
    const close = action.kind === 'close_benign' ? 'benign' : action.kind === 'close_false_positive' ? 'false_positive' : undefined;
    const line: Line = [text(verb), actorSpan(action.by)];
    this.effects.push({ kind: 'decided', line, said: plain(line, action.by, at), status: this.state.status, close, eventKey: this.nextEventKey(action.kind) });
    return this.state;
  }

  private onAutoCloseSignal(request: AutoCloseRequest): void {
    const checked = verdictFromSignal(request);
    let verdict: AutoCloseVerdict;
    if (!('refused' in checked)) verdict = checked;
    else if (patched(PATCHES.refuseMalformedAutoClose)) {
      log.warn('autoClose signal refused', { refused: checked.refused });
      return;
    } else {
      // Runs that took such a signal on older code replay what it did with it.
      verdict = {
        ruleId: request.ruleId.slice(0, 100),
        ruleVersion: request.ruleVersion ?? 1,
        disposition: request.disposition ?? 'benign',
        reason: request.reason.slice(0, 500),
        facts: request.facts ?? {},
      };
    }
    if (isClosed(this.state)) return;
    // An analyst escalated it: a person judged it worth a look, and an outside rule does not overrule that
    // (an SLA escalation is no one's judgement: that one it may close). Asked only in that case.
    if (this.state.disposition === 'escalated' && patched(PATCHES.analystEscalationStands)) {
      log.warn('autoClose signal ignored: an analyst escalated the alert', { ruleId: verdict.ruleId });
      const what = `autoClose from ${verdict.ruleId} ignored: an analyst escalated the alert`;
      this.note(what);
      return;
    }
    if (!this.acceptsAutoClose()) {
      this.earlyAutoClose ??= verdict;
      return;
    }
    this.closeByAutomation(verdict, 'signal');
  }

  /** Closed by automation after the ticket went out: an autoClose signal, or an enforced rule on late enrichment. */
  closeByAutomation(verdict: AutoCloseVerdict, how: 'signal' | 'enforce'): void {
    const at = iso(Date.now());
    this.setState(applyAutoClose(this.state, verdict, at));
    triageMetrics.decided(`${verdict.ruleId}@${verdict.ruleVersion}`, how);
    const line = [text(`🤖 Auto-closed as ${verdict.disposition.replace('_', ' ')} — ${verdict.reason} `), text(`[${verdict.ruleId} v${verdict.ruleVersion}]`, { code: true })];
    this.effects.push({
      kind: 'decided',
      line,
      said: plain(line, undefined, at),
      status: this.state.status,
      close: verdict.disposition,
      eventKey: this.nextEventKey('auto-close'),
    });
  }

  private onRefired(at: string): void {
    // A resend while the alert is open changes nothing; a closed alert (not expired) reopens its ticket,
    // if it came within the reopen window (when the API took it: a busy worker may see it later).
    if (this.state.status === 'delivery_failed') {
      if (!patched(PATCHES.failedDeliveryStaysOpen)) return;
      // One re-post at a time, and none while the last refusal's wait runs: a SIEM that resends every
      // minute must not post (and grow the history) every minute. Runs from before post on every re-fire.
      const throttled = patched(PATCHES.repostsThrottled);
      if (throttled && (this.reposting || repostWaits(this.state.repost?.after, Date.now()))) return;
      this.reposting = throttled;
      this.effects.push({ kind: 'reposted', eventKey: this.nextEventKey('reposted'), throttled });
      return;
    }
    if (!isClosed(this.state) || this.state.status === 'expired') return;
    const sent = Math.min(Date.now(), Date.parse(at) || Date.now());
    if (patched(PATCHES.reopenWithinWindow) && !reopensOnRefire(this.state, sent, this.policy.reopenWindowMs)) return;
    this.setState(applyReopen(this.state, iso(Date.now())));
    this.effects.push({ kind: 'reopened', eventKey: this.nextEventKey('reopened') });
  }

  /** Late enrichment (a lookup that was queued behind a rate budget) has landed. */
  onEnriched(enrichments: Enrichments, keys: EnrichmentKey[]): void {
    if (this.report) this.report = { ...this.report, enrichments };
    this.effects.push({ kind: 'enriched', keys });
  }

  /** Background work the loop must wait for before the run may end. */
  track(work: Promise<unknown>): void {
    this.background++;
    void work.finally(() => this.background--);
  }

  /**
   * A write to Jira or the SIEM. Those retry through outages for hours (a revoked token, Panther down):
   * run in order, one at a time, off the main loop, so Slack updates and SLA timers never wait for them.
   * Runs that started before this release await them in place, as they did.
   */
  async outside(work: () => Promise<void>): Promise<void> {
    if (!patched(PATCHES.outsideWritesOffLoop)) return work();
    this.outsideQueue.push(work);
    if (this.outsideRunning) return;
    this.outsideRunning = true;
    this.track(
      (async () => {
        for (let next = this.outsideQueue.shift(); next; next = this.outsideQueue.shift()) await next();
        this.outsideRunning = false;
      })(),
    );
  }

  // ── timers ─────────────────────────────────────────────────────────────────────────────────────

  private deadlines(): Array<{ at: number; fire: () => void }> {
    const s = this.state;
    const now = Date.now();
    if (s.status === 'expired') return [];
    if (s.status === 'delivery_failed') {
      // Open until it expires, counted from its arrival (older runs ended once their background work did,
      // so a re-fire or an autoClose signal found nothing to act on).
      if (!patched(PATCHES.failedDeliveryStaysOpen)) return [];
      return [this.expiry(workflowInfo().startTime.getTime())];
    }
    if (isClosed(s)) {
      return [{ at: new Date(s.closedAt ?? iso(now)).getTime() + this.policy.reopenWindowMs, fire: () => undefined }];
    }
    if (!s.openedAt) return [];
    const opened = new Date(s.openedAt).getTime();
    const severity: Severity = this.alert.severity;
    const out: Array<{ at: number; fire: () => void }> = [];
    const reminder = this.policy.sla.reminderMs[severity];
    // patched() only where the answer matters, so the marker lands only in runs an analyst escalated.
    const analystEscalated = s.disposition === 'escalated' && patched(PATCHES.noReminderAfterEscalation);
    if (reminder !== undefined && s.slaReminders === 0 && !s.slaEscalated && !analystEscalated) {
      out.push({
        at: opened + reminder,
        fire: () => {
          this.setState(applySlaReminder(this.state, iso(Date.now()), humanDuration(reminder)));
          this.effects.push({
            kind: 'sla',
            line: [text(`⏰ Still open after ${humanDuration(reminder)} (SLA for ${severity}).`)],
            broadcast: false,
            eventKey: this.nextEventKey('sla-reminder'),
          });
        },
      });
    }
    const escalate = this.policy.sla.escalateMs[severity];
    if (escalate !== undefined && !s.slaEscalated && s.disposition !== 'escalated') {
      out.push({
        at: opened + escalate,
        fire: () => {
          this.setState(applySlaEscalation(this.state, iso(Date.now()), humanDuration(escalate)));
          // The operator's configured mention (validated at start: a user, user group, @here or @channel).
          const mention: Line = this.policy.escalationMention ? [text(' '), { kind: 'mention', userId: this.policy.escalationMention }] : [];
          this.effects.push({
            kind: 'sla',
            line: [text(`🚨 Escalated: open for ${humanDuration(escalate)}, past the ${severity} SLA.`), ...mention],
            broadcast: true,
            eventKey: this.nextEventKey('sla-escalation'),
          });
        },
      });
    }
    out.push(this.expiry(opened));
    return out.sort((a, b) => a.at - b.at);
  }

  /** MAX_OPEN after `from`: the alert expires, and says so where it can. */
  private expiry(from: number): { at: number; fire: () => void } {
    return {
      at: from + this.policy.maxOpenMs,
      fire: () => {
        const at = iso(Date.now());
        this.setState(applyExpiry(this.state, at));
        if (patched(PATCHES.expiryIsAnnounced)) {
          const line = [text(`⌛ Expired: nobody closed it in ${humanDuration(this.policy.maxOpenMs)}; autotriage stopped tracking it.`)];
          this.effects.push({ kind: 'expired', line, said: plain(line, undefined, at), eventKey: this.nextEventKey('expired') });
        }
      },
    };
  }

  /** Waits for actions, signals and timers until the alert is closed past its reopen window. */
  async untilSettled(): Promise<void> {
    for (;;) {
      const effect = this.effects.shift();
      if (effect) {
        await this.perform(effect);
        continue;
      }
      const next = this.deadlines()[0];
      if (!next && this.background === 0) return;
      if (next && next.at <= Date.now()) {
        if (isClosed(this.state)) {
          if (this.background === 0) return;
        } else {
          next.fire();
          continue;
        }
      }
      const version = this.state;
      const background = this.background;
      const woke = () => this.effects.length > 0 || this.state !== version || this.background !== background;
      if (next && next.at > Date.now()) await condition(woke, next.at - Date.now());
      else await condition(woke);
    }
  }

  // ── side effects ───────────────────────────────────────────────────────────────────────────────

  private slackRef() {
    return this.delivery?.kind === 'slack' ? { channel: this.delivery.channel, ts: this.delivery.ts } : undefined;
  }

  private async reply(line: Line, eventKey: string, broadcast = false): Promise<void> {
    await slackFollowUps
      .postThreadReply({ ref: this.slackRef(), line, eventKey: `${this.workflowId} ${eventKey}`, broadcast })
      .catch((err: unknown) => this.warn('thread reply', err));
  }

  /** A comment on the alert's Jira issue, once per event (its marker); a refusal goes to the timeline. */
  private async commentJira(issueKey: string, eventKey: string, intro: string): Promise<void> {
    await jiraActivities
      .commentJiraIssue({ issueKey, marker: `autotriage ${this.workflowId} ${eventKey}`, intro })
      .catch((err: unknown) => this.warn('Jira comment', err));
  }

  private async transitionJira(issueKey: string, targets: string[]): Promise<void> {
    await jiraActivities.transitionJiraIssue({ issueKey, targets }).catch((err: unknown) => this.warn('Jira transition', err));
  }

  private warn(what: string, err: unknown): void {
    this.note(`${what} failed: ${failureReason(err)}`);
  }

  /** A line in the alert's timeline (the triageState query, the memo), with no change of status. */
  private note(what: string): void {
    this.setState({ ...this.state, timeline: entry(this.state, iso(Date.now()), what) });
  }

  private async perform(effect: Effect): Promise<void> {
    const ticket = this.ticket();
    const where = (this.delivery && whereTicketIs(this.delivery, this.jira)) ?? 'no ticket.';
    switch (effect.kind) {
      case 'decided': {
        if (this.delivery) await refreshTicket(ticket, this.delivery);
        await this.reply([...effect.line, text(` · ${effect.status.replace('_', ' ')}`)], effect.eventKey);
        const said = effect.said;
        if (this.jira.status === 'ok') {
          const issueKey = this.jira.data.key;
          await this.outside(async () => {
            await this.commentJira(issueKey, effect.eventKey, said);
            if (effect.close) {
              await this.transitionJira(issueKey, JIRA_DONE);
            }
          });
        } else {
          this.jiraMissed.lines.push(said);
          if (effect.close) this.jiraMissed.close = true;
        }
        if (effect.close) {
          const status = effect.close === 'benign' ? 'RESOLVED' : 'CLOSED';
          await this.outside(async () => {
            this.siemWriteBack = await writeBackToSiem(ticket, { name: effect.eventKey, where: `${said} (${where})`, status, withTicket: false });
          });
        }
        return;
      }
      case 'expired': {
        if (this.delivery) await refreshTicket(ticket, this.delivery);
        await this.reply(effect.line, effect.eventKey);
        const said = effect.said;
        const issueKey = this.jira.status === 'ok' ? this.jira.data.key : undefined;
        // An issue still being created hears of it when it lands.
        if (!issueKey) this.jiraMissed.lines.push(said);
        await this.outside(async () => {
          if (issueKey) {
            await this.commentJira(issueKey, effect.eventKey, said);
          }
          this.siemWriteBack = await writeBackToSiem(ticket, { name: effect.eventKey, where: said, withTicket: false });
        });
        return;
      }
      case 'reopened': {
        // Only runs on this release can be closed with a refused ticket (auto-close-without-ticket), so the
        // `failed` case needs no patch of its own.
        if ((this.delivery?.kind === 'none' || this.delivery?.kind === 'failed') && patched(PATCHES.ticketOnReopen)) {
          // A refused ticket's queued lookups already have their watcher (started with the first post).
          const watched = this.delivery.kind === 'failed';
          // Closed without a ticket (a rule, or Slack refused it); it fired again, so the analysts get one now.
          const open = openTicket(ticket);
          // An issue still being created (a Jira outage) is linked when it lands: no second create. Asked only then.
          const creating = isJiraPending(this.jira) && patched(PATCHES.oneJiraCreate);
          // A post or a create that failed before may have landed all the same (an ambiguous timeout): look first.
          const jiraIssue = this.jira.status === 'ok' || creating ? undefined : openJiraIssue(open, { mayExist: this.jira.status === 'unavailable', legacyLabel: this.legacyJiraLabel });
          this.ticketPosted(await postTicket(open, workflowInfo().startTime, { mayExist: this.delivery.kind === 'failed' }), { applyEarlyAutoClose: false });
          if (jiraIssue) this.trackJira(jiraIssue);
          // Closed by a signal before its ticket, a lookup may still have been queued: the new ticket follows it.
          if (hasPendingLookups(this.enrichments) && !(watched && patched(PATCHES.oneLateWatcher)) && patched(PATCHES.lateEnrichmentOnReopen)) {
            this.track(completeLateEnrichments(this.ticket()).then((late) => late && this.onEnriched(late.enrichments, late.keys)));
          }
        } else if (this.delivery && this.delivery.kind !== 'none') {
          await refreshTicket(ticket, this.delivery);
        }
        await this.reply([text('🔁 Reopened: the SIEM fired this alert again.')], effect.eventKey, true);
        if (this.jira.status === 'ok') {
          const issueKey = this.jira.data.key;
          await this.outside(async () => {
            await this.transitionJira(issueKey, JIRA_REOPENED);
          });
        } else {
          this.jiraMissed.lines.push('Reopened: the SIEM fired this alert again.');
          this.jiraMissed.close = false;
        }
        const now = this.delivery ? ` ${whereTicketIs(this.delivery, this.jira)}` : '';
        const reopenedTicket = this.ticket();
        await this.outside(async () => {
          this.siemWriteBack = await writeBackToSiem(reopenedTicket, { name: effect.eventKey, where: `reopened: the alert fired again.${now}`, status: 'OPEN', withTicket: false });
        });
        return;
      }
      case 'reposted':
        try {
          // A close (a signal) or another re-fire may have come first.
          if (this.state.status !== 'delivery_failed') return;
          // A refused post may have landed all the same: look for it before posting.
          const delivery = await postTicket(openTicket(ticket), workflowInfo().startTime, { mayExist: true });
          this.ticketPosted(delivery, { applyEarlyAutoClose: false, repost: effect.throttled });
        } finally {
          this.reposting = false;
        }
        return;
      case 'sla':
        if (this.delivery) await refreshTicket(ticket, this.delivery);
        await this.reply(effect.line, effect.eventKey, effect.broadcast);
        return;
      case 'jira-linked': {
        // Jira answered after the ticket went out: link it, and tell the issue (and the SIEM) what it missed.
        if (this.delivery) await refreshTicket(ticket, this.delivery);
        if (this.jira.status !== 'ok') return;
        const issueKey = this.jira.data.key;
        const missed = this.jiraMissed;
        this.jiraMissed = { lines: [], close: false, enriched: [] };
        const tellSiem = !this.siemHasJira && this.delivery ? whereTicketIs(this.delivery, this.jira) : undefined;
        if (tellSiem) this.siemHasJira = true;
        // A close it missed, unless the alert is open again by now (a re-fire whose reopen saw the issue land
        // first). Asked only then, so other runs record no marker.
        const close = missed.close && (isClosed(this.state) || !patched(PATCHES.landedIssueFollowsState));
        await this.outside(async () => {
          if (missed.lines.length > 0) {
            await this.commentJira(issueKey, effect.eventKey, `Before this issue was created: ${missed.lines.join('; ')}.`);
          }
          if (close) {
            await this.transitionJira(issueKey, JIRA_DONE);
          }
          if (missed.enriched.length > 0) await this.commentEnrichment(ticket, missed.enriched);
          if (tellSiem) this.siemWriteBack = await writeBackToSiem(ticket, { name: effect.eventKey, where: tellSiem, withTicket: false });
        });
        return;
      }
      case 'enriched':
        if (this.delivery) await refreshTicket(ticket, this.delivery);
        if (this.jira.status === 'ok') await this.outside(() => this.commentEnrichment(ticket, effect.keys));
        else this.jiraMissed.enriched.push(...effect.keys);
        return;
    }
  }

  private async commentEnrichment(ticket: TicketInput, keys: EnrichmentKey[]): Promise<void> {
    if (this.jira.status !== 'ok') return;
    await jiraActivities
      .commentJiraIssue({
        issueKey: this.jira.data.key,
        // One comment per landing: the marker names what landed, so a retry finds its own and no other.
        marker: `autotriage ${this.workflowId} late-enrichment ${keys.join(',')}`,
        intro: 'Enrichment that was queued behind a rate budget when this issue was created:',
        ticket,
        sections: keys,
      })
      .catch((err: unknown) => this.warn('Jira comment', err));
  }
}

/** A decision as plain text for Jira and the SIEM: its mention is `by` (the analyst who acted), by name. */
function plain(line: Line, by: Actor | undefined, at: string): string {
  const body = line.map((s) => (s.kind === 'mention' ? describeActor(by) : s.text)).join('');
  return `${body} at ${at}`;
}

