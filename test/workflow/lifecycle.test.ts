/**
 * Phase 2 on the real dev server: analysts' actions as Updates, the autoClose and alertRefired signals,
 * SLA reminders and escalation, auto-close rules in shadow and enforce modes.
 */
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import type { AnalystAction } from '../../src/domain/triage-state';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { createAlertStarter } from '../../src/temporal/alert-starter';
import { SA } from '../../src/temporal/search-attributes';
import { waitForTriage } from '../../src/temporal/triage-client';
import { alertRefiredSignal, analystActionUpdate, autoCloseSignal, triageStateQuery, type AutoCloseRequest } from '../../src/workflows/messages';
import { isJiraPending, type TriageResult } from '../../src/workflows/types';
import { FAKE_CREDENTIALS } from '../fakes';
import { gate } from '../helpers/gate';
import { until } from '../helpers/until';
import { startStack, type Stack } from '../helpers/worker-stack';

const forgotPassword = (suffix: string): Alert => {
  const a = normalizePanther(demoPantherAlerts()[0]!.payload, new Date());
  return { ...a, alertId: `${a.alertId.slice(0, 16)}-${suffix}` };
};
const attack = (suffix: string): Alert => {
  const a = normalizePanther(demoPantherAlerts()[1]!.payload, new Date());
  return { ...a, alertId: `${a.alertId.slice(0, 16)}-${suffix}` };
};

const analyst = (kind: AnalystAction['kind'], id = 'U0ANALYST1'): AnalystAction => ({ kind, by: { kind: 'analyst', id, name: 'ana' } });

function policy(overrides: Partial<TriagePolicy> = {}): TriagePolicy {
  return { ...DEFAULT_POLICY, reopenWindowMs: 3_000, ...overrides };
}
/** Rules enforced, Jira as `AUTOCLOSE_JIRA` says. */
const enforce = (jira: TriagePolicy['autoClose']['jira'], overrides: Partial<TriagePolicy> = {}): TriagePolicy =>
  policy({ autoClose: { mode: 'enforce', rules: {}, jira }, ...overrides });

describe('triage lifecycle (real Temporal)', function () {
  this.timeout(180_000);
  let s: Stack;
  before(async () => (s = await startStack({ SLACK_AUDIT_CHANNEL: 'C0AUDIT' })));
  after(() => s?.stop());
  /** Slack answers a test holds back: let go after it, even when it failed before letting go itself. */
  const held: Array<() => void> = [];
  const heldGate = () => {
    const g = gate();
    held.push(g.open);
    return g;
  };
  afterEach(() => held.splice(0).forEach((open) => open()));

  async function start(alert: Alert, p: TriagePolicy): Promise<TriageResult> {
    const handle = await s.launch(alert, p);
    return waitForTriage(handle);
  }
  const handle = (alert: Alert) => s.t.client.workflow.getHandle(alertWorkflowId(alert));
  /** A revoked Jira token for this alert only: every Jira call about it answers 401 until `recover()`. */
  function jiraRefuses(alert: Alert): { recover(): void } {
    let down = true;
    const mine = (r: { body: string; query: Record<string, string | string[]> }) => down && (r.body.includes(alert.alertId) || JSON.stringify(r.query).includes(alert.alertId));
    s.fakes.jira.injectFaults(...Array.from({ length: 50 }, () => ({ pathRegex: '^/rest/api/3/', match: mine, status: 401 })));
    return { recover: () => (down = false) };
  }
  const messageFor = (alert: Alert) => s.ticketMessage(alert);
  /** The first payload of a history event's field, decoded (the tests' server stores plain JSON). */
  const decoded = <T>(payloads: { payloads?: Payload[] | null } | null | undefined): T => {
    const payload = payloads?.payloads?.[0];
    assert.ok(payload, 'the event carries a payload');
    return defaultPayloadConverter.fromPayload<T>(payload);
  };
  /** The patch ids recorded in the alert's history. */
  async function patchesOf(alert: Alert): Promise<string[]> {
    const history = await handle(alert).fetchHistory();
    return (history.events ?? [])
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map((e) => decoded<{ id: string }>(e.markerRecordedEventAttributes?.details?.['patch-data']).id);
  }

  it('closes on an analyst\'s button: updates the message, replies in the thread, closes Jira, then ends after the reopen window', async () => {
    const alert = forgotPassword('close');
    const ticketed = await start(alert, policy());
    assert.equal(ticketed.state.status, 'awaiting_analyst');
    const message = messageFor(alert)!;
    assert.match(JSON.stringify(message.blocks), /autotriage_close_benign/, 'the ticket has the buttons');

    const state = await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    assert.equal(state.status, 'closed');
    assert.equal(state.disposition, 'benign');
    const done = await waitForTriage(handle(alert), (x) => (s.fakes.slack.replies(message.ts).length ?? 0) > 0 && x.state.status === 'closed');
    assert.equal(done.state.closedBy?.id, 'U0ANALYST1');
    const blocks = JSON.stringify(messageFor(alert)!.blocks);
    assert.match(blocks, /Closed as benign by\* <@U0ANALYST1>/);
    assert.doesNotMatch(blocks, /autotriage_actions/, 'no buttons once closed');
    assert.match(s.fakes.slack.replies(message.ts)[0]!.text, /Closed as benign by <@U0ANALYST1>/);
    const linked = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
    const jiraKey = linked.jira?.status === 'ok' ? linked.jira.data.key : '';
    const closedIssue = s.fakes.jira.issues.find((i) => i.key === jiraKey);
    await waitForTriage(handle(alert), () => closedIssue?.status === 'Done');
    assert.ok(closedIssue?.comments.some((c) => JSON.stringify(c).includes('Closed as benign')), 'the action is on the Jira issue');
    const described = await handle(alert).describe();
    assert.equal(described.typedSearchAttributes.get(SA.Disposition), 'benign');
    assert.equal(described.typedSearchAttributes.get(SA.TriageStatus), 'closed');
    const result = (await handle(alert).result()) as TriageResult;
    assert.equal(result.state.status, 'closed', 'the run ended once the reopen window passed');
  });

  it('refuses to close a closed alert, with a message, and records one close for a double click', async () => {
    const alert = forgotPassword('double');
    await start(alert, policy({ reopenWindowMs: 60_000 }));
    const [first, second] = await Promise.allSettled([
      handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('close_false_positive')] }),
      handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('close_false_positive')] }),
    ]);
    const outcomes = [first, second];
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof WorkflowUpdateFailedError);
    assert.match(String((refused.reason as WorkflowUpdateFailedError).cause?.message), /already closed as false positive by ana/);
    const state = await waitForTriage(handle(alert), (x) => x.state.status === 'closed');
    assert.equal(state.state.timeline.filter((e) => e.what.startsWith('closed')).length, 1);
    await handle(alert).terminate('test done');
  });

  it('closes on the autoClose signal like an enforced rule', async () => {
    const alert = attack('signal');
    await start(alert, policy());
    await handle(alert).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist', ruleVersion: 2 });
    const closed = await waitForTriage(handle(alert), (x) => x.state.status === 'auto_closed');
    assert.equal(closed.state.disposition, 'auto_closed');
    assert.equal(closed.state.autoClosed?.ruleId, 'pentest-allowlist');
    assert.equal((await handle(alert).describe()).typedSearchAttributes.get(SA.AutoCloseRule), 'pentest-allowlist@2');
    await waitForTriage(handle(alert), () => JSON.stringify(messageFor(alert)!.blocks).includes('Auto-closed'));
  });

  it("keeps an analyst's escalation when an autoClose signal comes after it; an SLA escalation it still closes", async () => {
    const byAnalyst = attack('escalated-then-signal');
    await start(byAnalyst, policy());
    await handle(byAnalyst).executeUpdate(analystActionUpdate, { args: [analyst('escalate')] });
    await handle(byAnalyst).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    const kept = await waitForTriage(handle(byAnalyst), (x) => x.state.timeline.some((e) => e.what.includes('ignored')));
    assert.equal(kept.state.status, 'escalated');
    assert.equal(kept.state.disposition, 'escalated');
    assert.equal(kept.state.autoClosed, undefined);
    assert.ok(kept.state.timeline.some((e) => e.what === 'autoClose from pentest-allowlist ignored: an analyst escalated the alert'));
    assert.equal((await handle(byAnalyst).describe()).typedSearchAttributes.get(SA.TriageStatus), 'escalated');
    await handle(byAnalyst).terminate('test done');

    const bySla = attack('sla-escalated-then-signal');
    await start(bySla, policy({ sla: { reminderMs: {}, escalateMs: { [bySla.severity]: 1_000 } } }));
    await waitForTriage(handle(bySla), (x) => x.state.slaEscalated);
    await handle(bySla).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    const closed = await waitForTriage(handle(bySla), (x) => x.state.status === 'auto_closed');
    assert.equal(closed.state.autoClosed?.ruleId, 'pentest-allowlist');
  });

  it('refuses a malformed autoClose signal without failing a workflow task, and still takes a valid one', async () => {
    const alert = attack('bad-signal');
    await start(alert, policy());
    await waitForTriage(handle(alert), (x) => x.state.status === 'awaiting_analyst');
    const malformed = [{}, { reason: 'r', ruleId: 'x', disposition: 'escalated' }, { reason: 'r', ruleId: 'x', facts: { nested: { a: 1 } } }];
    for (const payload of malformed) await handle(alert).signal(autoCloseSignal, payload as unknown as AutoCloseRequest);
    await handle(alert).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    const closed = await waitForTriage(handle(alert), (x) => x.state.status === 'auto_closed');
    assert.equal(closed.state.autoClosed?.ruleId, 'pentest-allowlist');
    const history = await handle(alert).fetchHistory();
    const taskFailures = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
    assert.equal(taskFailures.length, 0, 'no workflow task failed on the malformed signals');
    await handle(alert).terminate('test done');
  });

  it('takes an alertRefired signal sent without its payload, and refuses a malformed action before accepting it', async () => {
    const alert = attack('by-hand');
    await start(alert, policy({ reopenWindowMs: 60_000 }));
    const h = handle(alert);
    await h.executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    // As `temporal workflow signal --name alertRefired` without --input sends it.
    await h.signal('alertRefired');
    await waitForTriage(h, (x) => x.state.reopened === 1 && x.state.status === 'awaiting_analyst', { timeoutMs: 20_000 });
    await assert.rejects(
      h.executeUpdate(analystActionUpdate, { args: [{ kind: 'reopen', by: { kind: 'analyst', id: 'U0ANALYST1' } } as unknown as AnalystAction] }),
      (err: unknown) => err instanceof WorkflowUpdateFailedError && /kind must be one of/.test(String(err.cause?.message)),
    );
    const state = await h.executeUpdate(analystActionUpdate, { args: [analyst('close_false_positive')] });
    assert.equal(state.status, 'closed', 'the run still takes actions');
    const failedTasks = ((await h.fetchHistory()).events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
    assert.equal(failedTasks.length, 0, 'no workflow task failed');
    await h.terminate('test done');
  });

  it("names a script's Update whose actor id is no Slack user id (`channel`) in plain text: its thread reply pings no one", async () => {
    const alert = attack('script-actor');
    await start(alert, policy());
    const message = messageFor(alert)!;
    await handle(alert).executeUpdate(analystActionUpdate, { args: [{ kind: 'assign', by: { kind: 'analyst', id: 'channel', name: 'ops-script' } }] });
    await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('escalate')] });
    const replies = await waitForTriage(handle(alert), () => s.fakes.slack.replies(message.ts).length >= 2).then(() => s.fakes.slack.replies(message.ts).map((r) => r.text));
    assert.ok(replies.some((r) => /Assigned to ops-script/.test(r)), replies.join('\n'));
    assert.ok(!replies.some((r) => r.includes('<!channel>') || r.includes('<@channel>')), replies.join('\n'));
    assert.ok(replies.some((r) => /Escalated by <@U0ANALYST1>/.test(r)), 'a real Slack user id is still a mention');
    await handle(alert).terminate('test done');
  });

  it('reopens the same ticket when a closed alert fires again', async () => {
    const alert = forgotPassword('reopen');
    await start(alert, policy({ reopenWindowMs: 60_000 }));
    await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.state.status === 'awaiting_analyst');
    assert.equal(reopened.state.disposition, undefined);
    const message = messageFor(alert)!;
    await waitForTriage(handle(alert), () => s.fakes.slack.replies(message.ts).some((r) => /Reopened/.test(r.text)));
    assert.equal(s.fakes.slack.messages.filter((m) => m.channel === 'C0SOCALERTS' && JSON.stringify(m.metadata ?? {}).includes(alertWorkflowId(alert))).length, 1, 'the same ticket');
    assert.match(JSON.stringify(messageFor(alert)!.blocks), /autotriage_actions/, 'buttons are back');
    await handle(alert).terminate('test done');
  });

  it('tells the run of a resent alert only once it is closed: resends of an open alert add nothing to its history', async () => {
    const alert = forgotPassword('resent');
    const starter = createAlertStarter(s.t.client, s.taskQueue, { policy: policy({ reopenWindowMs: 60_000 }) });
    assert.equal((await starter.start(alert)).status, 'started');
    await waitForTriage(handle(alert), (x) => x.state.status === 'awaiting_analyst' && x.jira?.status === 'ok');
    // Quiet (its Jira issue linked, nothing left to process): a run with a workflow task pending is told
    // of a resend, since a close may be waiting in that task.
    const quiet = async () => {
      const { raw } = await handle(alert).describe();
      return !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0;
    };
    assert.ok(await until(quiet, 30_000, 50), 'the run went quiet');
    for (let i = 0; i < 3; i++) assert.equal((await starter.start(alert)).status, 'duplicate');
    const signals = async () => ((await handle(alert).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    assert.equal(await signals(), 0, 'the open alert was not told of the resends');
    await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    assert.equal((await starter.start(alert)).status, 'duplicate');
    const reopened = await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.state.status === 'awaiting_analyst');
    assert.equal(reopened.state.disposition, undefined, 'the closed alert fired again: reopened');
    assert.equal(await signals(), 1);
    await handle(alert).terminate('test done');
  });

  it('fires the SLA reminder and then the escalation at their deadlines', async () => {
    const alert = forgotPassword('sla');
    await start(alert, policy({ sla: { reminderMs: { MEDIUM: 2_000 }, escalateMs: { MEDIUM: 8_000 } }, escalationMention: 'subteam^S0SOCLEADS' }));
    const escalated = await waitForTriage(handle(alert), (x) => x.state.slaEscalated, { timeoutMs: 30_000 });
    const message = messageFor(alert)!;
    const replies = await (async () => {
      await waitForTriage(handle(alert), () => s.fakes.slack.replies(message.ts).length >= 2, { timeoutMs: 10_000 });
      return s.fakes.slack.replies(message.ts);
    })();
    const reminder = replies.find((r) => /Still open after/.test(r.text))!;
    const escalation = replies.find((r) => /Escalated: open for/.test(r.text))!;
    assert.ok(reminder && escalation);
    const reminderAt = escalated.state.timeline.find((e) => e.what.startsWith('SLA reminder'))!.at;
    const escalationAt = escalated.state.timeline.find((e) => e.what.startsWith('SLA escalation'))!.at;
    const opened = new Date(escalated.state.openedAt!).getTime();
    // Each at its own deadline: not before it, and the reminder well before the escalation's.
    assert.ok(new Date(reminderAt).getTime() - opened >= 2_000 && new Date(reminderAt).getTime() - opened < 8_000, `reminder at +${new Date(reminderAt).getTime() - opened} ms`);
    assert.ok(new Date(escalationAt).getTime() - opened >= 8_000 && new Date(escalationAt).getTime() - opened < 20_000, `escalation at +${new Date(escalationAt).getTime() - opened} ms`);
    assert.match(escalation.text, /<!subteam\^S0SOCLEADS>/);
    assert.equal(escalated.state.status, 'escalated');
    await handle(alert).terminate('test done');
  });

  it("fires the SLA reminder on time while Jira is down and an analyst's Assign is still waiting to reach it", async () => {
    const alert = attack('sla-jira-down');
    const reminderMs = 10_000;
    await start(alert, policy({ sla: { reminderMs: { [alert.severity]: reminderMs }, escalateMs: {} } }));
    const linked = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
    const issue = s.fakes.jira.issues.find((i) => linked.jira?.status === 'ok' && i.key === linked.jira.data.key)!;
    const jira = jiraRefuses(alert); // from now on, the Assign's Jira comment is retried (a revoked token)
    await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('assign')] });
    const message = messageFor(alert)!;
    const reminded = await waitForTriage(handle(alert), () => s.fakes.slack.replies(message.ts).some((r) => /Still open after/.test(r.text)), { timeoutMs: 30_000 });
    const at = (what: string) => new Date(reminded.state.timeline.find((e) => e.what.startsWith(what))!.at).getTime();
    const opened = new Date(reminded.state.openedAt!).getTime();
    assert.ok(at('assigned') < at('SLA reminder'), 'the Assign came first, so its Jira comment was being retried when the reminder was due');
    assert.ok(at('SLA reminder') - opened >= reminderMs && at('SLA reminder') - opened < reminderMs + 10_000, `the reminder on time: +${at('SLA reminder') - opened} ms`);
    assert.ok(s.fakes.slack.replies(message.ts).some((r) => /Assigned to/.test(r.text)), 'Slack heard of the Assign');
    assert.ok(!issue.comments.some((c) => JSON.stringify(c).includes('Assigned to')), 'Jira has not: its comment is still being retried');
    jira.recover();
    assert.ok(await until(() => issue.comments.some((c) => JSON.stringify(c).includes('Assigned to')), 60_000), 'once Jira is back, the Assign reaches it');
    await handle(alert).terminate('test done');
  });

  it('tells Jira who acted and when, for each action: an Assign after an Escalate names the assignee, not the escalator', async () => {
    const alert = attack('who-acted');
    await start(alert, policy());
    const linked = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
    const issue = s.fakes.jira.issues.find((i) => linked.jira?.status === 'ok' && i.key === linked.jira.data.key)!;
    await handle(alert).executeUpdate(analystActionUpdate, { args: [{ kind: 'escalate', by: { kind: 'analyst', id: 'U0ANALYST1', name: 'ana' } }] });
    await handle(alert).executeUpdate(analystActionUpdate, { args: [{ kind: 'assign', by: { kind: 'analyst', id: 'U0ANALYST2', name: 'bo' } }] });
    const comments = () => issue.comments.map((c) => JSON.stringify(c));
    assert.ok(await until(() => comments().some((c) => c.includes('Assigned to')), 60_000), 'the Assign reached Jira');
    const state = await handle(alert).query(triageStateQuery);
    const at = (what: string) => state.state.timeline.find((e) => e.what === what)!.at;
    const escalated = comments().find((c) => c.includes('Escalated by'))!;
    const assigned = comments().find((c) => c.includes('Assigned to'))!;
    assert.ok(escalated.includes(`Escalated by ana at ${at('escalated')}`), `the escalation names ana: ${escalated}`);
    assert.ok(assigned.includes(`Assigned to bo at ${at('assigned')}`), `the Assign names bo, at its own time: ${assigned}`);
    await handle(alert).terminate('test done');
  });

  it('posts no SLA reminder or escalation for an alert an analyst has escalated; it still expires', async () => {
    const alert = attack('escalated-no-reminder');
    const reminderMs = 6_000;
    await start(alert, policy({ sla: { reminderMs: { [alert.severity]: reminderMs }, escalateMs: { [alert.severity]: 9_000 } }, maxOpenMs: 12_000 }));
    await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('escalate')] });
    const result = (await handle(alert).result()) as TriageResult;
    const escalatedAt = new Date(result.state.timeline.find((e) => e.what === 'escalated')!.at).getTime();
    assert.ok(escalatedAt - new Date(result.state.openedAt!).getTime() < reminderMs, 'the analyst escalated before the reminder was due');
    const replies = s.fakes.slack.replies(messageFor(alert)!.ts).map((r) => r.text);
    assert.ok(replies.some((t) => /Escalated by/.test(t)) && replies.some((t) => /Expired/.test(t)), `the escalation and the expiry are in the thread: ${replies.join(' | ')}`);
    assert.ok(!replies.some((t) => /Still open after|Escalated: open for/.test(t)), `no SLA reply after the analyst escalated: ${replies.join(' | ')}`);
    assert.ok(!result.state.timeline.some((e) => e.what.startsWith('SLA ')), 'no SLA entry in the timeline');
    assert.equal(result.state.disposition, 'escalated');
  });

  it('announces an expired alert: the ticket loses its buttons, the thread and the Jira issue say why', async () => {
    const alert = attack('expiry');
    await start(alert, policy({ maxOpenMs: 3_000 }));
    const message = messageFor(alert)!;
    const result = (await handle(alert).result()) as TriageResult;
    assert.equal(result.state.status, 'expired');
    assert.ok(s.fakes.slack.replies(message.ts).some((r) => /Expired: nobody closed it/.test(r.text)), 'a thread reply says it expired');
    assert.doesNotMatch(JSON.stringify(messageFor(alert)!.blocks), /autotriage_actions/, 'no buttons on an expired ticket');
    const issue = s.fakes.jira.issues.find((i) => result.jira.status === 'ok' && i.key === result.jira.data.key)!;
    assert.ok(issue.comments.some((c) => JSON.stringify(c).includes('Expired: nobody closed it')), 'the Jira issue says it expired');
  });

  it('still tickets the alert when its LogType workflow is terminated mid-enrichment, every enrichment shown unavailable', async () => {
    const ip = '203.0.113.77';
    const alert = { ...attack('child-terminated'), ips: [ip] };
    // VirusTotal hangs for this IP, so the child is still enriching when it is terminated.
    s.fakes.vt.injectFaults(...Array.from({ length: 5 }, () => ({ path: `/api/v3/ip_addresses/${ip}`, hangMs: Infinity })));
    const parent = await s.launch(alert, policy());
    const child = s.t.client.workflow.getHandle(`${alertWorkflowId(alert)}/okta`);
    await waitForTriage(parent, (x) => x.state.status === 'enriching');
    assert.ok(await until(async () => (await child.describe().catch(() => undefined)) !== undefined, 10_000), 'the child started');
    await child.terminate('an operator terminated it');
    const ticketed = await waitForTriage(parent, (x) => x.state.status === 'awaiting_analyst');
    for (const key of ['ipReputation', 'indicatorSearch', 'loginLocations', 'recentLogins'] as const) {
      const outcome = ticketed.report?.enrichments[key];
      assert.equal(outcome?.status, 'unavailable', key);
      assert.match(outcome?.status === 'unavailable' ? outcome.reason : '', /the enrichment workflow oktaTriage failed/);
    }
    assert.ok(messageFor(alert), 'the ticket is in Slack');
    await parent.terminate('test done');
  });

  it('enforce: closes the forgot-password alert with no ticket in the main channel, reason and facts recorded; the attack is ticketed', async () => {
    const p = enforce('skip');
    const closed = await start(forgotPassword('enforce'), p);
    const ticketed = await start(attack('enforce'), p);
    assert.equal(closed.state.status, 'auto_closed');
    assert.equal(closed.state.autoClosed?.ruleId, 'known-location');
    assert.equal(closed.state.autoClosed?.facts['rank'], 1);
    assert.match(closed.state.autoClosed?.reason ?? '', /forgot the password/);
    assert.equal(closed.delivery.kind, 'none');
    assert.equal(closed.jira.status, 'skipped');
    assert.equal(messageFor(closed.alert), undefined, 'no ticket in the main channel');
    // The audit line is posted in the background: a run's end waits for it.
    await handle(closed.alert).result();
    const audit = s.fakes.slack.messages.filter((m) => m.channel === 'C0AUDIT' && m.text.includes(closed.workflowId));
    assert.equal(audit.length, 1, 'one audit line in the quiet channel');
    assert.match(audit[0]!.text, /Auto-closed .* as benign .*known-location v3/);
    assert.equal((await handle(closed.alert).describe()).typedSearchAttributes.get(SA.Disposition), 'auto_closed');

    assert.equal(ticketed.state.status, 'awaiting_analyst');
    assert.equal(ticketed.state.autoClosed, undefined);
    assert.ok(messageFor(ticketed.alert), 'the attack got its ticket');
    await handle(ticketed.alert).terminate('test done');
  });

  it('enforce: a forgot-password alert that also names the same user name in another domain is ticketed, not closed as one user\'s', async () => {
    const sample = forgotPassword('two-domains');
    const [user] = sample.users;
    const alert = { ...sample, users: [user!, `${user!.split('@')[0]}@acme-dev.example`] };
    const ticketed = await start(alert, enforce('skip'));
    assert.equal(ticketed.state.status, 'awaiting_analyst');
    assert.equal(ticketed.state.autoClosed, undefined);
    assert.ok(messageFor(alert), 'the analysts got a ticket');
    // The run took known-location v3's path, which its history records for replay.
    assert.ok((await patchesOf(alert)).includes('known-location-v3'), 'known-location-v3 is recorded');
    await handle(alert).terminate('test done');
  });

  it('an alert of a hyphenated source (a digest Jira label): its create never looks under the plain label, which may be another alert\'s', async () => {
    const alert = { ...forgotPassword('digest-label'), source: 'acme-edr' };
    await start(alert, policy());
    await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
    const history = await handle(alert).fetchHistory();
    const create = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'createJiraIssue');
    const input = decoded<{ legacyLabel?: boolean }>(create?.activityTaskScheduledEventAttributes?.input);
    assert.equal(input.legacyLabel, false);
    assert.ok((await patchesOf(alert)).includes('digest-label-only'), 'digest-label-only is recorded');
    await handle(alert).terminate('test done');
  });

  it('enforce: a RULE_ERROR alert of a brute-force detection runs the fallback playbook, is ticketed and never auto-closed', async () => {
    const alert = { ...forgotPassword('rule-error'), alertType: 'RULE_ERROR' };
    const ticketed = await start(alert, enforce('skip'));
    assert.equal(ticketed.state.status, 'awaiting_analyst');
    assert.equal(ticketed.report.playbook, 'identityTriage');
    assert.equal(ticketed.report.matchedBy, 'detection-error');
    assert.match(JSON.stringify(messageFor(alert)!.blocks), /the detection itself failed, RULE_ERROR/);
    await handle(alert).terminate('test done');
  });

  it('shadow: both samples get tickets, and the forgot-password one says what the rule would have done', async () => {
    const p = policy({ autoClose: { mode: 'shadow', rules: {}, jira: 'skip' } });
    const [fp, at] = [await start(forgotPassword('shadow'), p), await start(attack('shadow'), p)];
    assert.equal(fp.state.status, 'awaiting_analyst');
    assert.equal(fp.state.shadow?.ruleId, 'known-location');
    assert.equal(at.state.shadow, undefined);
    assert.match(JSON.stringify(messageFor(fp.alert)!.blocks), /Auto-close \(shadow\): would close as benign/);
    assert.ok(messageFor(at.alert));
    assert.equal((await handle(fp.alert).describe()).typedSearchAttributes.get(SA.AutoCloseRule), 'known-location@3');
    await Promise.all([handle(fp.alert).terminate('test done'), handle(at.alert).terminate('test done')]);
  });

  it('enforce: an auto-closed alert that fires again gets its ticket in the main channel', async () => {
    const p = enforce('skip', { reopenWindowMs: 60_000 });
    const alert = forgotPassword('refire-auto');
    const closed = await start(alert, p);
    assert.equal(closed.state.status, 'auto_closed');
    assert.equal(messageFor(alert), undefined);
    await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack');
    assert.equal(reopened.state.status, 'awaiting_analyst');
    const message = messageFor(alert);
    assert.ok(message, 'the ticket is in the main channel now');
    assert.match(JSON.stringify(message.blocks), /autotriage_actions/, 'with its buttons');
    await waitForTriage(handle(alert), () => s.fakes.slack.replies(message.ts).some((r) => /Reopened/.test(r.text)));
    const issue = await (async () => {
      const done = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
      return s.fakes.jira.issues.find((i) => done.jira?.status === 'ok' && i.key === done.jira.data.key);
    })();
    assert.ok(issue && issue.status !== 'Done', 'and an open Jira issue');
    // The rule's decision stays on the run, for its record in the report.
    assert.equal(reopened.state.autoCloseReopened?.ruleId, 'known-location');
    const described = await handle(alert).describe();
    assert.equal(described.typedSearchAttributes.get(SA.AutoCloseRule), 'known-location@3');
    assert.deepEqual((described.memo?.['triage'] as { autoCloseReopened?: unknown } | undefined)?.autoCloseReopened, { ruleId: 'known-location', ruleVersion: 3 });
    await handle(alert).terminate('test done');
  });

  it('applies an autoClose signal that arrives while the ticket is being posted', async () => {
    const alert = attack('signal-early');
    // Slack holds its answer to the post until the signal is in, so the signal lands while the ticket is on its way.
    const signalled = heldGate();
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), holdUntil: signalled.opened, afterHandling: true });
    const h = await s.launch(alert, policy());
    await waitForTriage(h, (x) => x.state.status === 'delivering');
    await h.signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    signalled.open();
    const closed = await waitForTriage(h, (x) => x.state.status === 'auto_closed', { timeoutMs: 60_000 });
    assert.equal(closed.state.autoClosed?.ruleId, 'pentest-allowlist');
    const posted = closed.state.timeline.find((e) => e.what === 'ticket posted');
    assert.ok(posted, 'the ticket went out first');
    assert.equal(closed.state.closedAt, posted.at, 'closed as the ticket was posted: the signal had waited for it');
    await waitForTriage(h, () => JSON.stringify(messageFor(alert)?.blocks ?? '').includes('Auto-closed'));
    // Jira hears of the close exactly once, whether the issue existed before the close or came after it.
    const linked = await waitForTriage(h, (x) => x.jira?.status === 'ok');
    const issue = s.fakes.jira.issues.find((i) => linked.jira?.status === 'ok' && i.key === linked.jira.data.key)!;
    await waitForTriage(h, () => issue.status === 'Done');
    await waitForTriage(h, (x) => x.state.status === 'auto_closed' && issue.comments.length > 0);
    assert.equal(issue.comments.filter((c) => JSON.stringify(c).includes('Auto-closed')).length, 1, JSON.stringify(issue.comments));
    await h.terminate('test done');
  });

  /**
   * Auto-closed under enforce, then fired again while Slack stores the reopened ticket but holds its answer:
   * returns once the run is reopened and the post is on its way, with what lets Slack answer.
   */
  async function reopenWithSlowRepost(alert: Alert): Promise<{ answer: () => void }> {
    const closed = await start(alert, enforce('skip', { reopenWindowMs: 60_000 }));
    assert.equal(closed.state.status, 'auto_closed');
    const answered = heldGate();
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), holdUntil: answered.opened, afterHandling: true });
    await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.state.status === 'awaiting_analyst');
    return { answer: answered.open };
  }

  it('keeps an autoClose that arrives while a reopened alert\'s ticket is being posted: the post does not reopen it', async () => {
    const alert = forgotPassword('close-during-repost');
    // Slack answers the reopened alert's ticket only once the signal is in, so it lands while the ticket is on its way.
    const slack = await reopenWithSlowRepost(alert);
    await handle(alert).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    slack.answer();
    const posted = await waitForTriage(handle(alert), (x) => x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(posted.state.status, 'auto_closed', 'the close stands once the ticket is out');
    assert.equal(posted.state.autoClosed?.ruleId, 'pentest-allowlist');
    assert.ok(posted.state.timeline.some((e) => e.what === 'ticket posted'), 'the post is on the timeline');
    // The repost showed the alert open (with "Auto-closed earlier" from the first close); the close updates it.
    const blocks = () => JSON.stringify(messageFor(alert)?.blocks ?? '');
    assert.ok(await until(() => /🤖 Auto-closed/.test(blocks()) && !/autotriage_actions/.test(blocks())), `the ticket says auto-closed, without buttons: ${blocks()}`);
    assert.ok(await until(async () => (await handle(alert).describe()).typedSearchAttributes.get(SA.TriageStatus) === 'auto_closed'), 'TriageStatus says auto_closed');
    await handle(alert).terminate('test done');
  });

  it("keeps an analyst's escalation clicked while a reopened alert's ticket is being posted: the post does not undo it", async () => {
    const alert = forgotPassword('escalate-during-repost');
    // Slack stores the reopened alert's ticket (its buttons are in the channel) but answers only after the click.
    const slack = await reopenWithSlowRepost(alert);
    assert.ok(await until(() => messageFor(alert) !== undefined), 'the new ticket is in the channel');
    await handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('escalate')] });
    slack.answer();
    const posted = await waitForTriage(handle(alert), (x) => x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(posted.state.status, 'escalated', 'the escalation stands once the ticket is out');
    assert.equal(posted.state.disposition, 'escalated');
    assert.ok(posted.state.timeline.some((e) => e.what === 'ticket posted'), 'the post is on the timeline');
    assert.deepEqual(await patchesOf(alert).then((ids) => ids.filter((id) => id === 'escalation-outlives-repost')), ['escalation-outlives-repost']);
    await assert.rejects(
      handle(alert).executeUpdate(analystActionUpdate, { args: [analyst('escalate', 'U0ANALYST2')] }),
      (err: unknown) => err instanceof WorkflowUpdateFailedError && /already escalated by ana/.test(String(err.cause?.message)),
      'a second Escalate is refused',
    );
    assert.ok(await until(async () => (await handle(alert).describe()).typedSearchAttributes.get(SA.TriageStatus) === 'escalated'), 'TriageStatus says escalated');
    await handle(alert).terminate('test done');
  });

  it('applies an autoClose signal to an alert whose ticket Slack refused: Jira and the SIEM hear of the close', async () => {
    const alert = attack('refused-then-signal');
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const jira = jiraRefuses(alert); // the run waits for its Jira issue, so it is still there for the signal
    const failed = await start(alert, policy({ reopenWindowMs: 60_000 }));
    assert.equal(failed.state.status, 'delivery_failed');
    await handle(alert).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    await waitForTriage(handle(alert), (x) => x.state.status === 'auto_closed', { timeoutMs: 30_000 });
    jira.recover();
    const closed = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok', { timeoutMs: 60_000 });
    assert.equal(closed.state.autoClosed?.ruleId, 'pentest-allowlist');
    const issue = s.fakes.jira.issues.find((i) => closed.jira?.status === 'ok' && i.key === closed.jira.data.key)!;
    assert.ok(await until(() => issue.status === 'Done' && issue.comments.some((c) => JSON.stringify(c).includes('Auto-closed'))), 'the Jira issue is closed, and says why');
    // It fires again: reopened, it gets the ticket Slack refused the first time (Slack takes it now).
    await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(reopened.state.status, 'awaiting_analyst');
    assert.ok(messageFor(alert), 'the ticket is in the main channel');
    await handle(alert).terminate('test done');
  });

  it("keeps an alert whose ticket Slack refused open: the SIEM's resend posts it again once Slack takes it", async () => {
    const alert = attack('refused-then-resent');
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const failed = await start(alert, policy());
    assert.equal(failed.state.status, 'delivery_failed');
    // Its background work done (the Jira issue made), the run stays: it used to end here.
    await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await handle(alert).describe()).status.name, 'RUNNING');
    // Slack takes it now (the cause fixed); the SIEM sends the alert again.
    const resent = await createAlertStarter(s.t.client, s.taskQueue).start(alert);
    assert.equal(resent.status, 'duplicate');
    const posted = await waitForTriage(handle(alert), (x) => x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(posted.state.status, 'awaiting_analyst');
    assert.equal(posted.state.reopened, 0, 'a second try, not a reopen');
    assert.equal(s.fakes.slack.messages.filter((m) => m.metadata?.event_payload['alert_key'] === alertWorkflowId(alert)).length, 1, 'one ticket');
    assert.deepEqual((await patchesOf(alert)).filter((id) => id === 'failed-delivery-stays-open'), ['failed-delivery-stays-open']);
    await handle(alert).terminate('test done');
  });

  it('posts a ticket Slack keeps refusing again one re-fire at a time, a refused re-post setting a wait before the next; the API sends no re-fire meanwhile', async () => {
    const alert = attack('refused-repeatedly');
    let refused = true;
    const mine = (r: { path: string; body: string }) => r.path === '/api/chat.postMessage' && r.body.includes(alert.alertId);
    s.fakes.slack.injectFaults(
      ...Array.from({ length: 20 }, () => ({ method: 'POST', path: '/api/chat.postMessage', match: (r: { body: string }) => refused && r.body.includes(alert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } })),
    );
    const posts = () => s.fakes.slack.requests.filter(mine).length;
    const signals = async () => ((await handle(alert).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    // A first wait long enough for the checks below on a busy machine, short enough to wait out (how the
    // wait grows with each refusal: test/unit/triage-state.test.ts).
    const backoff = 20_000;
    const failed = await start(alert, policy({ repostBackoffMs: backoff }));
    assert.equal(failed.state.status, 'delivery_failed');
    assert.equal(posts(), 1);
    // The SIEM resends it five times at once: one re-post, refused again.
    for (let i = 0; i < 5; i++) await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    const waiting = await waitForTriage(handle(alert), (x) => x.state.repost?.failed === 1, { timeoutMs: 30_000 });
    // Every re-fire handled (none left in the run's queue), so a second re-post would have been posted.
    const idle = async () => {
      const d = await handle(alert).describe();
      return !d.raw.pendingWorkflowTask && (d.raw.pendingActivities ?? []).length === 0;
    };
    assert.ok(await until(idle, 10_000, 100), 'the run is idle');
    assert.equal(posts(), 2, 'one re-post for five re-fires');
    assert.equal(waiting.state.status, 'delivery_failed');
    const after = Date.parse(waiting.state.repost!.after);
    // Counted from the refused re-post (the fake's clock and the workflow's are this machine's).
    const refusedAt = s.fakes.slack.requests.filter(mine)[1]!.at;
    assert.ok(after - refusedAt >= backoff - 1_000 && after - refusedAt <= backoff + 5_000, `the next re-post waits the backoff: ${after - refusedAt} ms after the refusal`);
    assert.ok(Date.now() < after - 2_000, 'the checks below run inside the wait');
    // Meanwhile the API takes the resend as a duplicate and does not signal the run at all.
    const starter = createAlertStarter(s.t.client, s.taskQueue);
    const signalled = await signals();
    assert.equal((await starter.start(alert)).status, 'duplicate');
    assert.equal(await signals(), signalled, 'no re-fire signal while the run waits');
    assert.equal(posts(), 2);
    // The wait over and Slack fixed, the next resend posts it.
    await new Promise((r) => setTimeout(r, Math.max(0, after - Date.now()) + 200));
    refused = false;
    assert.equal((await starter.start(alert)).status, 'duplicate');
    const posted = await waitForTriage(handle(alert), (x) => x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(posted.state.status, 'awaiting_analyst');
    assert.equal(s.fakes.slack.messages.filter((m) => m.metadata?.event_payload['alert_key'] === alertWorkflowId(alert)).length, 1, 'one ticket');
    assert.deepEqual((await patchesOf(alert)).filter((id) => id === 'reposts-throttled'), ['reposts-throttled']);
    await handle(alert).terminate('test done');
  });

  it('expires an alert whose ticket Slack refused at MAX_OPEN after it arrived, and ends its run', async () => {
    const alert = attack('refused-then-expired');
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const failed = await start(alert, policy({ maxOpenMs: 4_000, reopenWindowMs: 0 }));
    assert.equal(failed.state.status, 'delivery_failed');
    const result = await handle(alert).result();
    assert.equal(result.state.status, 'expired');
    assert.equal(result.state.disposition, 'expired');
  });

  it('looks before posting a reopened ticket whose first post failed after Slack took it: one message, not two', async () => {
    const alert = attack('posted-then-refused');
    // Slack stores the ticket, then answers with an error (as a post whose answer was lost): the run records
    // a failed delivery, though the message is in the channel.
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), afterHandling: true, status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const jira = jiraRefuses(alert); // the run waits for its Jira issue, so it is still there for the signal
    const failed = await start(alert, policy({ reopenWindowMs: 60_000 }));
    assert.equal(failed.state.status, 'delivery_failed');
    const posted = () => s.fakes.slack.messages.filter((m) => m.metadata?.event_payload['alert_key'] === alertWorkflowId(alert)).length;
    assert.equal(posted(), 1, 'the message is in the channel all the same');
    await handle(alert).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    await waitForTriage(handle(alert), (x) => x.state.status === 'auto_closed', { timeoutMs: 30_000 });
    jira.recover();
    await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok', { timeoutMs: 60_000 });
    await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(reopened.state.status, 'awaiting_analyst');
    assert.equal(posted(), 1, 'the reopened alert found its message instead of posting a second');
    const jiraKey = reopened.jira?.status === 'ok' ? reopened.jira.data.key : 'none';
    assert.match(JSON.stringify(messageFor(alert)?.blocks), new RegExp(`Jira ${jiraKey}`), 'and brought it up to date: it links the Jira issue made since');
    await handle(alert).terminate('test done');
  });

  it('enforce: an audit channel the bot cannot post to holds neither the SIEM record nor the ticket of a re-fire', async () => {
    const alert = forgotPassword('audit-refused');
    let refused = true;
    s.fakes.slack.injectFaults(
      ...Array.from({ length: 50 }, () => ({
        method: 'POST',
        path: '/api/chat.postMessage',
        match: (r: { body: string }) => refused && r.body.includes('C0AUDIT') && r.body.includes(alert.alertId),
        status: 200,
        body: { ok: false, error: 'not_in_channel' },
      })),
    );
    const h = await s.launch(alert, enforce('skip', { reopenWindowMs: 60_000 }));
    const recorded = await waitForTriage(h, undefined, { timeoutMs: 30_000 });
    assert.equal(recorded.state.status, 'auto_closed');
    await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(h, (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(reopened.state.status, 'awaiting_analyst');
    assert.ok(messageFor(alert), 'the re-fire is ticketed while the audit line is still being retried');
    refused = false;
    assert.ok(
      await until(() => s.fakes.slack.messages.filter((m) => m.channel === 'C0AUDIT' && m.text.includes(alert.alertId)).length === 1, 60_000),
      'the audit line is posted once the bot may post there',
    );
    await h.terminate('test done');
  });

  it('enforce with AUTOCLOSE_JIRA=create-closed: one issue, created and then closed', async () => {
    const alert = forgotPassword('create-closed');
    const closed = await start(alert, enforce('create-closed'));
    assert.equal(closed.state.status, 'auto_closed');
    assert.equal(messageFor(alert), undefined, 'no ticket in the main channel');
    const linked = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok');
    const key = linked.jira?.status === 'ok' ? linked.jira.data.key : '';
    const issues = s.fakes.jira.issues.filter((i) => i.fields.labels.some((l) => l.includes(alert.alertId)));
    assert.deepEqual(issues.map((i) => i.key), [key], 'one issue');
    assert.ok(await until(() => issues[0]!.status === 'Done'), `the issue is closed (${issues[0]!.status})`);
    await handle(alert).result();
  });

  it('create-closed: a Jira outage holds neither the SIEM record of the auto-close nor the ticket of a re-fire', async () => {
    const alert = forgotPassword('create-closed-jira-down');
    const jira = jiraRefuses(alert);
    const h = await s.launch(alert, enforce('create-closed', { reopenWindowMs: 60_000 }));
    // Ticketed means the SIEM write-back has its outcome: here it must not wait for Jira.
    const recorded = await waitForTriage(h, undefined, { timeoutMs: 30_000 });
    assert.equal(recorded.state.status, 'auto_closed');
    assert.equal(isJiraPending(recorded.jira), true, 'Jira has not answered');
    await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
    const reopened = await waitForTriage(h, (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    assert.equal(reopened.state.status, 'awaiting_analyst');
    assert.ok(messageFor(alert), 'the re-fire is ticketed while Jira is still down');
    jira.recover();
    const linked = await waitForTriage(h, (x) => x.jira?.status === 'ok', { timeoutMs: 90_000 });
    const key = linked.jira?.status === 'ok' ? linked.jira.data.key : '';
    assert.equal(s.fakes.jira.issues.filter((i) => i.fields.labels.some((l) => l.includes(alert.alertId))).length, 1, 'one issue');
    const issue = s.fakes.jira.issues.find((i) => i.key === key)!;
    assert.ok(await until(() => issue.comments.some((c) => /Before this issue was created: .*Reopened/.test(JSON.stringify(c)))), 'the issue hears of the reopen');
    // An Assign's comment queues behind whatever the landing queued: once it is in Jira, a Done would be too.
    await h.executeUpdate(analystActionUpdate, { args: [analyst('assign')] });
    assert.ok(await until(() => issue.comments.some((c) => /Assigned to/.test(JSON.stringify(c)))), 'the assign reaches Jira');
    assert.deepEqual(issue.transitions.filter((t) => t.to === 'Done'), [], 'reopened before the issue landed: it was never closed');
    await h.terminate('test done');
  });

  it('create-closed: an issue that lands while the re-fire is being ticketed is not closed for the close it missed', async () => {
    const alert = forgotPassword('create-closed-race');
    // Jira refuses the first create: the retry looks for it for 8 s (index lag), then creates it, ~11 s in.
    // Slack answers the re-fire's ticket 503 until the issue has landed (held, not a count of refusals, so
    // the order holds however slow the machine is), then takes it.
    const mine = (r: { body: string; query: Record<string, string | string[]> }) => r.body.includes(alert.alertId) || JSON.stringify(r.query).includes(alert.alertId);
    s.fakes.jira.injectFaults({ pathRegex: '^/rest/api/3/', match: mine, status: 401 });
    let held = true;
    const ticketPost = (r: { body: string }) => held && r.body.includes(alert.alertId) && r.body.includes(FAKE_CREDENTIALS.slackChannel) && !r.body.includes('thread_ts');
    s.fakes.slack.injectFaults(...Array.from({ length: 50 }, () => ({ method: 'POST', path: '/api/chat.postMessage', match: ticketPost, status: 503 })));
    const h = await s.launch(alert, enforce('create-closed', { reopenWindowMs: 60_000 }));
    await waitForTriage(h, (x) => x.state.status === 'auto_closed', { timeoutMs: 30_000, intervalMs: 50 });
    await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
    const landed = await waitForTriage(h, (x) => x.jira?.status === 'ok', { timeoutMs: 60_000 });
    held = false;
    assert.equal(landed.delivery?.kind, 'none', 'the issue landed while the re-fire was still being ticketed');
    const linked = await waitForTriage(h, (x) => x.delivery?.kind === 'slack', { timeoutMs: 60_000 });
    assert.equal(linked.state.status, 'awaiting_analyst');
    const key = linked.jira?.status === 'ok' ? linked.jira.data.key : '';
    const issue = s.fakes.jira.issues.find((i) => i.key === key)!;
    // The barrier again: an Assign's comment lands after anything the landing or the reopen queued.
    await h.executeUpdate(analystActionUpdate, { args: [analyst('assign')] });
    assert.ok(await until(() => issue.comments.some((c) => /Assigned to/.test(JSON.stringify(c))), 30_000), 'the assign reaches Jira');
    assert.deepEqual(issue.transitions.filter((t) => t.to === 'Done'), [], `the alert is open again: never closed (${issue.transitions.map((t) => t.to).join(' → ')})`);
    assert.notEqual(issue.status, 'Done');
    await h.terminate('test done');
  });

  it('starts no second Jira create when an alert reopens while its first issue is still being created', async () => {
    const alert = attack('reopen-while-jira-pending');
    s.fakes.slack.injectFaults({ method: 'POST', path: '/api/chat.postMessage', match: (r) => r.body.includes(alert.alertId), status: 200, body: { ok: false, error: 'invalid_arguments' } });
    const jira = jiraRefuses(alert);
    const failed = await start(alert, policy({ reopenWindowMs: 60_000 }));
    assert.equal(failed.state.status, 'delivery_failed');
    await handle(alert).signal(autoCloseSignal, { reason: 'IP belongs to our pentest vendor', ruleId: 'pentest-allowlist' });
    await waitForTriage(handle(alert), (x) => x.state.status === 'auto_closed', { timeoutMs: 30_000 });
    // Fired again while Jira still refuses: the ticket goes out, and the create under way is the only one.
    await handle(alert).signal(alertRefiredSignal, { at: new Date().toISOString() });
    await waitForTriage(handle(alert), (x) => x.state.reopened === 1 && x.delivery?.kind === 'slack', { timeoutMs: 30_000 });
    jira.recover();
    const linked = await waitForTriage(handle(alert), (x) => x.jira?.status === 'ok', { timeoutMs: 90_000 });
    const history = await handle(alert).fetchHistory();
    const creates = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'createJiraIssue');
    assert.equal(creates.length, 1, 'one createJiraIssue scheduled in the run');
    assert.equal(s.fakes.jira.issues.filter((i) => JSON.stringify(i).includes(alert.alertId)).length, 1, 'one issue in Jira');
    assert.equal(linked.state.status, 'awaiting_analyst');
    await handle(alert).terminate('test done');
  });

  it('ignores a re-fire past the reopen window while the run is still open for a Jira retry', async () => {
    const alert = forgotPassword('late-refire');
    const jira = jiraRefuses(alert);
    const h = await s.launch(alert, policy({ reopenWindowMs: 500 }));
    await waitForTriage(h, (x) => x.state.status === 'awaiting_analyst');
    await h.executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await h.signal(alertRefiredSignal, { at: new Date().toISOString() });
    // The signal is handled by the next workflow task; an update after it is answered once it was.
    await assert.rejects(
      h.executeUpdate(analystActionUpdate, { args: [analyst('assign')] }),
      (err: unknown) => err instanceof WorkflowUpdateFailedError && /already closed/.test(String(err.cause?.message)),
      'still closed: the assign button is refused by the validator',
    );
    const state = await h.query(triageStateQuery);
    assert.equal(state.state.status, 'closed', 'not reopened past its window');
    assert.equal(state.state.reopened, 0);
    assert.equal(s.fakes.slack.replies(messageFor(alert)!.ts).some((r) => /Reopened/.test(r.text)), false);
    jira.recover();
    await h.result();
  });

  it('opens the ticket to analysts while Jira refuses, and links the issue once Jira recovers', async () => {
    const alert = forgotPassword('jira-down');
    // A revoked token: every Jira call of this alert answers 401 until the analyst has closed it.
    const jira = jiraRefuses(alert);
    const h = await s.launch(alert, policy({ reopenWindowMs: 60_000 }));
    const open = await waitForTriage(h, (x) => x.state.status === 'awaiting_analyst');
    assert.equal(open.jira?.status === 'ok', false, 'Jira has not answered yet');
    assert.ok(messageFor(alert), 'the Slack ticket is out');
    const state = await h.executeUpdate(analystActionUpdate, { args: [analyst('close_benign')] });
    assert.equal(state.status, 'closed', 'the buttons work while Jira is down');
    await waitForTriage(h, () => s.fakes.slack.replies(messageFor(alert)!.ts).some((r) => /Closed as benign/.test(r.text)));
    jira.recover();
    const linked = await waitForTriage(h, (x) => x.jira?.status === 'ok');
    const key = linked.jira?.status === 'ok' ? linked.jira.data.key : '';
    assert.equal(s.fakes.jira.issues.filter((i) => i.fields.labels.some((l) => l.includes(alert.alertId))).length, 1, 'one issue');
    const issue = s.fakes.jira.issues.find((i) => i.key === key)!;
    await waitForTriage(h, () => issue.status === 'Done');
    const told = issue.comments.filter((c) => JSON.stringify(c).includes('Closed as benign'));
    assert.equal(told.length, 1, 'the issue hears of the close once');
    assert.match(JSON.stringify(told[0]), /Before this issue was created: .*Closed as benign by ana/);
    await waitForTriage(h, () => JSON.stringify(messageFor(alert)!.blocks).includes(key));
    await h.terminate('test done');
  });
});
