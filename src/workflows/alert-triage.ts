/**
 * alertTriage — one durable run per alert, the runbook an analyst would follow:
 *   0. complete the alert from the SIEM's alert API when the webhook lacked its LogType or indicators;
 *   1. route it: its LogType picks the child workflow, its detection the playbook;
 *   2. enrich it in that child workflow (enrichments run in parallel, each with its own budget);
 *   3. decide: the auto-close rules look at the alert and its enrichment (enforce closes it; shadow
 *      only records what it would have done);
 *   4. deliver one ticket — Slack (or a local file) and Jira, linked — and tell the SIEM; or, when a rule
 *      closed it, the audit record instead of a ticket;
 *   5. wait: analysts' buttons, the autoClose signal, SLA reminders and escalation, late enrichment (the
 *      rules look again at it), a re-fired alert; until it is closed and its reopen window has passed.
 */
import { ChildWorkflowFailure, executeChild, log, patched, workflowInfo } from '@temporalio/workflow';
import { evaluateAutoClose, type AutoCloseDecision } from '../autoclose/evaluate';
import type { RuleInput } from '../autoclose/rule';
import { knownLocation } from '../autoclose/rules/known-location';
import { distinctPeople, distinctPeopleByLastSegment } from '../domain/alert';
import { DEFAULT_POLICY } from '../domain/policy';
import { applyAutoClose, type AutoCloseVerdict } from '../domain/triage-state';
import { unavailable, type Enrichments } from '../domain/enrichment';
import { PLAYBOOKS } from '../routing/playbooks';
import { childWorkflowId, routeByDetection, routeByLogType, type PlaybookRoute } from '../routing/route';
import { text } from '../tickets/spans';
import { jira, slackFollowUps } from './activities';
import { cloudTrailTriage, genericTriage, gsuiteTriage, oktaTriage } from './log-type-triage';
import { completeFromSiem, whereTicketIs, writeBackToSiem } from './siem-alert';
import { PATCHES } from './patches';
import { completeLateEnrichments, deliverTicket, followLateEnrichments, hasPendingLookups, openJiraIssue, openTicket, postTicket } from './ticket-delivery';
import { JIRA_DONE } from '../tickets/jira-statuses';
import { failureReason } from './settle';
import { triageMetrics } from './sinks';
import { TriageRun } from './triage-run';
import { isJiraPending, type AlertTriageInput, type Delivery, type PlaybookReport, type TriageResult } from './types';

const LOG_TYPE_WORKFLOWS = { oktaTriage, cloudTrailTriage, gsuiteTriage, genericTriage } as const;

/** How long the SIEM write-back waits for the Jira issue, so it can name it; a slower Jira is linked when it lands. */
const JIRA_GRACE_MS = 10_000;

export async function alertTriage(input: AlertTriageInput): Promise<TriageResult> {
  const info = workflowInfo();
  const run = new TriageRun(info.workflowId, input.alert, input.policy ?? DEFAULT_POLICY);

  // 0. The webhook lacked the LogType or the indicators: ask the SIEM's alert API.
  run.alert = await completeFromSiem(run.alert);

  // 1. Route.
  const logTypeRoute = routeByLogType(run.alert.logType);
  // A detection that failed (RULE_ERROR) runs the fallback playbook: there is no event for its own.
  const playbookRoute = routeByDetection(run.alert.detectionId, run.alert.alertType);
  // The SDK adds workflowId, runId and workflowType to every workflow log line (and mutes them on replay).
  log.info('alert routed', { detectionId: run.alert.detectionId, logType: run.alert.logType, child: logTypeRoute.workflow, playbook: playbookRoute.playbook });

  // 2. Enrich, in the LogType's child workflow (its id extends ours so the tree reads in the Web UI).
  run.setStatus('enriching');
  try {
    run.report = await executeChild(LOG_TYPE_WORKFLOWS[logTypeRoute.workflow], {
      workflowId: childWorkflowId(info.workflowId, logTypeRoute),
      args: [{ alert: run.alert, playbook: playbookRoute }],
    });
  } catch (err) {
    // The child was terminated, reset or failed: the analysts still get the alert, without its enrichment.
    if (!(err instanceof ChildWorkflowFailure) || !patched(PATCHES.ticketWhenEnrichmentFails)) throw err;
    const reason = failureReason(err);
    log.error('enrichment workflow failed: ticketing the alert without it', { error: reason });
    run.report = enrichmentFailedReport(playbookRoute, logTypeRoute.workflow, reason);
  }

  // 3. Decide.
  // Runs that decided before an unanalysed IP stopped counting as clean decide as they did; asked only
  // when it matters, so the usual run records no patch marker.
  const vt = run.report.enrichments.ipReputation;
  const unanalysedIpIsClean = vt?.status === 'ok' && vt.data.engines === 0 && !patched(PATCHES.unanalysedIpNotClean);
  const severalUsersAllowed = severalUsersCompat(run);
  // Runs that decided before a pending second opinion held the rule back decide as they did (asked only then).
  const secondOpinionPending = run.report.enrichments.abuseIpdb?.status === 'pending' || run.report.enrichments.greyNoise?.status === 'pending';
  const pendingSecondOpinionIgnored = secondOpinionPending && !patched(PATCHES.secondOpinionsAwaited);
  const compat =
    unanalysedIpIsClean || severalUsersAllowed || pendingSecondOpinionIgnored ? { unanalysedIpIsClean, severalUsersAllowed, pendingSecondOpinionIgnored } : undefined;
  const decision = decide(run, { alert: run.alert, playbook: run.report.playbook, enrichments: run.report.enrichments, compat });
  log.info('auto-close decision', {
    enforced: decision.enforced?.ruleId ?? run.earlyAutoClose?.ruleId ?? null,
    shadow: decision.shadow?.ruleId ?? null,
    dryRun: run.policy.dryRun === true,
  });
  if (run.policy.dryRun) {
    // Backfill dry run: what would have happened, with no writes anywhere.
    run.setState({ ...run.state, status: 'dry_run', shadow: decision.enforced ?? decision.shadow });
    run.delivery = { kind: 'none', reason: 'dry run: nothing was posted' };
    run.jira = { status: 'skipped', reason: 'dry run' };
    run.siemWriteBack = { status: 'skipped', reason: 'dry run' };
    return run.result();
  }
  const enforced = decision.enforced ?? run.earlyAutoClose;
  // Closed by an autoClose signal that came while it enriched: a shadow rule's verdict still goes on the
  // record beside it (the report judges the rule by it), carried by the close's own state change.
  if (!decision.enforced && enforced && decision.shadow) run.carryShadow(decision.shadow);
  const elapsed = () => (Date.now() - info.startTime.getTime()) / 1000;
  if (enforced) {
    // 4a. Closed by automation: an audit record, not a ticket in the main channel.
    triageMetrics.decided(`${enforced.ruleId}@${enforced.ruleVersion}`, decision.enforced ? 'enforce' : 'signal');
    await recordAutoClose(run, enforced);
    triageMetrics.ticketed(run.alert.logType, run.report.playbook, 'auto_closed', elapsed());
  } else {
    if (decision.shadow) triageMetrics.decided(`${decision.shadow.ruleId}@${decision.shadow.ruleVersion}`, 'shadow');
    // 4b. The ticket (with what a shadow rule would have done), then the SIEM is told.
    if (decision.shadow) run.setState({ ...run.state, shadow: decision.shadow });
    run.setStatus('delivering');
    const open = openTicket(run.ticket());
    if (patched(PATCHES.jiraFollowsSlack)) {
      // Slack alone opens the alert to the analysts: a Jira outage or a revoked token must not hold their
      // buttons, SLA timers and the SIEM write-back. Jira gets a moment so the write-back can name the issue.
      const jiraIssue = openJiraIssue(open, { legacyLabel: run.legacyJiraLabel });
      run.ticketPosted(await postTicket(open, info.startTime));
      triageMetrics.ticketed(run.alert.logType, run.report.playbook, run.delivery!.kind, elapsed());
      await run.followJira(jiraIssue, JIRA_GRACE_MS);
    } else {
      const { delivery, jira: jiraIssue } = await deliverTicket(open, info.startTime, run.legacyJiraLabel);
      run.jira = jiraIssue;
      run.ticketPosted(delivery, { applyEarlyAutoClose: false });
      triageMetrics.ticketed(run.alert.logType, run.report.playbook, delivery.kind, elapsed());
    }
    const delivery = run.delivery!;
    log.info('ticket delivered', { delivery: delivery.kind, jira: isJiraPending(run.jira) ? 'pending' : run.jira.status });
    run.siemHasJira = run.jira.status === 'ok';
    const ticketed = run.ticket();
    const where = whereTicketIs(delivery, run.jira);
    await run.outside(async () => {
      run.siemWriteBack = await writeBackToSiem(ticketed, { name: 'ticketed', where });
    });
    // Asked only when a lookup is still queued, so the usual run records no marker.
    if (hasPendingLookups(run.enrichments) && patched(PATCHES.lateLookupsOneByOne)) {
      run.track(
        followLateEnrichments(run.ticket(), (enrichment, key) => {
          run.onEnriched({ ...run.enrichments, ...enrichment }, [key]);
          decideAgain(run);
        }),
      );
    } else {
      run.track(
        completeLateEnrichments(run.ticket()).then((late) => {
          if (!late) return;
          run.onEnriched(late.enrichments, late.keys);
          decideAgain(run);
        }),
      );
    }
  }

  // 5. Wait for analysts, signals, timers and late enrichment, until closed past the reopen window.
  await run.untilSettled();
  log.info('triage settled', { status: run.state.status, disposition: run.state.disposition ?? null });
  return run.result();
}

/**
 * 3 again, on late enrichment: a VirusTotal answer that was queued behind the rate budget can settle what
 * the first look could not ("no answer, no auto-close"). Only while nobody has touched the alert: an
 * analyst's action or an earlier verdict always wins. Enforce closes the posted ticket; shadow records.
 */
function decideAgain(run: TriageRun): void {
  if (!run.untouched() || !run.report) return;
  const compat = severalUsersCompat(run) ? { severalUsersAllowed: true } : undefined;
  const decision = decide(run, { alert: run.alert, playbook: run.report.playbook, enrichments: run.enrichments, compat });
  const verdict = decision.enforced ?? decision.shadow;
  // patched() only when a rule matched, so runs with nothing to decide record no marker.
  if (!verdict || !patched(PATCHES.rulesOnLateEnrichment)) return;
  log.info('auto-close decision on late enrichment', { enforced: decision.enforced?.ruleId ?? null, shadow: decision.shadow?.ruleId ?? null });
  if (decision.enforced) run.closeByAutomation(decision.enforced, 'enforce');
  else run.recordShadow(verdict);
}

/**
 * The rules' decision. Runs that decided on known-location v2 (people told apart by the last segment of
 * their names alone) decide as they did on replay, and keep v2 on their record. Asked only where v3 can
 * differ — the rule matched (the version it records), or a brute force where one way of counting people
 * finds one and the other several — so other runs record no patch marker.
 */
function decide(run: TriageRun, input: RuleInput): AutoCloseDecision {
  const decision = evaluateAutoClose(input, run.policy);
  if (input.compat?.severalUsersAllowed) return decision;
  const matched = decision.outcomes.some((o) => o.ruleId === knownLocation.id && o.result.match);
  // Where one way counts one person and the other several, on an alert the rule looks at.
  const peopleDiffer = input.playbook === 'bruteForce' && (distinctPeople(run.alert) > 1) !== (distinctPeopleByLastSegment(run.alert) > 1);
  if ((matched || peopleDiffer) && !patched(PATCHES.knownLocationV3)) {
    return evaluateAutoClose({ ...input, compat: { ...input.compat, peopleByLastSegment: true } }, run.policy);
  }
  return decision;
}

/**
 * Runs that decided before known-location v2 (one user only) decide as they did on replay; asked only for
 * an alert that names several users, so the usual run records no patch marker.
 */
function severalUsersCompat(run: TriageRun): boolean {
  // Counted as v2 counted them: the question is when those runs asked it.
  return distinctPeopleByLastSegment(run.alert) > 1 && !patched(PATCHES.oneUserOnly);
}

/** What the ticket shows when the LogType's workflow failed: each enrichment of the playbook unavailable, and why. */
export function enrichmentFailedReport(route: PlaybookRoute, logTypeWorkflow: string, reason: string): PlaybookReport {
  const why = unavailable<never>(`the enrichment workflow ${logTypeWorkflow} failed: ${reason}`);
  const enrichments = Object.fromEntries(PLAYBOOKS[route.playbook].enrichments.map((key) => [key, why])) as Enrichments;
  return { playbook: route.playbook, matchedBy: route.matchedBy, logTypeWorkflow, enrichments };
}

/** The record of an enforced auto-close: audit line, Jira as configured, the SIEM resolved. */
async function recordAutoClose(run: TriageRun, verdict: AutoCloseVerdict): Promise<void> {
  run.setState(applyAutoClose(run.state, verdict, new Date().toISOString()));
  const summary = [
    text(`🤖 Auto-closed ${run.workflowId} (${run.alert.detectionId}`),
    text(`${run.alert.users[0] ? `, ${run.alert.users[0]}` : ''}${run.alert.ips[0] ? `, ${run.alert.ips[0]}` : ''}) as ${verdict.disposition.replace('_', ' ')} — ${verdict.reason} `),
    text(`[${verdict.ruleId} v${verdict.ruleVersion}]`, { code: true }),
  ];
  const audit = () => slackFollowUps.postAuditLine({ line: summary, eventKey: `${run.workflowId} auto-closed` }).catch(() => ({ posted: false }));
  const audited = (posted: boolean): Delivery => ({ kind: 'none', reason: posted ? 'auto-closed (audit line posted)' : 'auto-closed (recorded in the Web UI and the report)' });
  const createClosed = run.policy.autoClose.jira === 'create-closed';
  if (!createClosed) run.jira = { status: 'skipped', reason: 'auto-closed: no Jira issue (AUTOCLOSE_JIRA=skip)' };
  if (patched(PATCHES.autoCloseRecordOffLoop)) {
    // In the background: an audit channel the bot was never invited to (6 h of retries) or a Jira outage
    // (24 h) must hold neither the SIEM's record of the close nor the ticket of an alert that fires again
    // meanwhile (whose Jira issue then stays open).
    run.delivery = { kind: 'none', reason: 'auto-closed' };
    run.track(
      audit().then(({ posted }) => {
        if (run.delivery?.kind === 'none') run.delivery = audited(posted);
      }),
    );
    if (createClosed) run.openClosedJiraIssue(openJiraIssue(run.ticket(), { legacyLabel: run.legacyJiraLabel }));
  } else {
    // Runs from before that patch, as they replay: each write awaited in place.
    run.delivery = audited((await audit()).posted);
    if (createClosed) {
      run.jira = await openJiraIssue(run.ticket(), { legacyLabel: run.legacyJiraLabel });
      if (run.jira.status === 'ok') {
        await jira.transitionJiraIssue({ issueKey: run.jira.data.key, targets: JIRA_DONE }).catch(() => undefined);
      }
    }
  }
  // Off the main loop, as the ticket path's writes: hours of Panther retries must not hold the ticket of
  // an alert that fires again meanwhile (its own write, OPEN, queues behind this one). Replay-safe reuse of
  // that patch: no run reached this point with an outside write before it, so older runs find no marker
  // here and write in place, as they did.
  const closedTicket = run.ticket();
  await run.outside(async () => {
    run.siemWriteBack = await writeBackToSiem(closedTicket, {
      name: 'auto-closed',
      where: `auto-closed as ${verdict.disposition.replace('_', ' ')} by ${verdict.ruleId} v${verdict.ruleVersion}: ${verdict.reason}.`,
      status: verdict.disposition === 'benign' ? 'RESOLVED' : 'CLOSED',
    });
  });
}
