/** The triage lifecycle state machine (src/domain/triage-state.ts). */
import assert from 'node:assert/strict';
import {
  applyAction,
  applyAutoClose,
  applyExpiry,
  applyReopen,
  reopensOnRefire,
  applySlaEscalation,
  applySlaReminder,
  initialState,
  isClosed,
  malformedAction,
  refuseAction,
  afterFailedRepost,
  repostWaits,
  triageMemo,
  REPOST_BACKOFF_MAX_MS,
  REPOST_BACKOFF_MS,
  withStatus,
  type Actor,
  type AnalystAction,
  type AnalystActionKind,
  type AutoCloseVerdict,
  type TriageState,
} from '../../src/domain/triage-state';

const T0 = '2025-06-18T14:25:00.000Z';
const T1 = '2025-06-18T14:30:00.000Z';
const T2 = '2025-06-18T15:00:00.000Z';
const T3 = '2025-06-19T09:00:00.000Z';

const ALICE: Actor = { kind: 'analyst', id: 'U0123ABCD', name: 'alice' };
const BOB: Actor = { kind: 'analyst', id: 'U0456EFGH', name: 'bob' };

const VERDICT: AutoCloseVerdict = {
  ruleId: 'known-location',
  ruleVersion: 1,
  disposition: 'benign',
  reason: "the IP is the user's #1 login location and VirusTotal reports it clean: the user most likely forgot the password",
  facts: { ip: '198.51.100.7', rank: 1 },
};

const act = (kind: AnalystActionKind, by: Actor = ALICE): AnalystAction => ({ kind, by });

/** A ticket that went out and waits for an analyst. */
function awaiting(): TriageState {
  return { ...withStatus(initialState(T0), 'awaiting_analyst', T1, 'ticket posted'), openedAt: T1 };
}

describe('triage state', () => {
  describe('initialState', () => {
    it('starts received, open, with no SLA activity and one timeline entry', () => {
      assert.deepEqual(initialState(T0), {
        status: 'received',
        slaReminders: 0,
        slaEscalated: false,
        reopened: 0,
        timeline: [{ at: T0, what: 'alert received' }],
      });
      assert.equal(isClosed(initialState(T0)), false);
    });
  });

  describe('malformedAction', () => {
    it('accepts every action the Slack route builds', () => {
      for (const kind of ['close_benign', 'close_false_positive', 'escalate', 'assign'] as const) assert.equal(malformedAction(act(kind)), undefined);
      assert.equal(malformedAction({ kind: 'assign', by: { kind: 'system', id: 'cli' } }), undefined);
    });

    it('names what is wrong with an action sent by hand', () => {
      assert.match(malformedAction(null) ?? '', /must be an object/);
      assert.match(malformedAction('close_benign') ?? '', /must be an object/);
      assert.match(malformedAction({ kind: 'reopen', by: ALICE }) ?? '', /^kind must be one of close_benign/);
      assert.match(malformedAction({ kind: 'close_benign' }) ?? '', /^by must be an object/);
      assert.match(malformedAction({ kind: 'close_benign', by: { kind: 'robot', id: 'x' } }) ?? '', /^by\.kind must be one of/);
      assert.match(malformedAction({ kind: 'close_benign', by: { kind: 'analyst', id: '' } }) ?? '', /^by\.id must be/);
      assert.match(malformedAction({ kind: 'close_benign', by: { kind: 'analyst', id: 7 } }) ?? '', /^by\.id must be/);
      assert.match(malformedAction({ kind: 'close_benign', by: { kind: 'analyst', id: 'U1', name: 42 } }) ?? '', /^by\.name must be/);
    });
  });

  describe('refuseAction', () => {
    for (const status of ['received', 'enriching'] as const) {
      it(`refuses an action before the ticket exists (${status})`, () => {
        const state = withStatus(initialState(T0), status, T0);
        assert.equal(refuseAction(state, act('close_benign')), 'The ticket is not ready for actions yet.');
      });
    }

    it('allows closing an open ticket', () => {
      assert.equal(refuseAction(awaiting(), act('close_benign')), undefined);
      assert.equal(refuseAction(awaiting(), act('close_false_positive')), undefined);
    });

    it('refuses closing a closed alert, naming the disposition and who closed it', () => {
      const closed = applyAction(awaiting(), act('close_false_positive', ALICE), T2);
      const message = refuseAction(closed, act('close_benign', BOB));
      assert.ok(message);
      assert.match(message, /already closed as false positive/);
      assert.match(message, /by alice/);
      assert.match(message, new RegExp(T2));
    });

    it('refuses acting on an auto-closed alert, saying it was auto-closed', () => {
      const closed = applyAutoClose(awaiting(), VERDICT, T2);
      const message = refuseAction(closed, act('escalate'));
      assert.ok(message);
      assert.match(message, /already auto-closed by known-location@1/);
    });

    it('refuses acting on an expired alert, saying it expired (and, if escalated, who escalated it), not that someone closed it', () => {
      assert.equal(refuseAction(applyExpiry(awaiting(), T3), act('close_benign')), `This alert expired at ${T3}, nobody closed it: autotriage no longer tracks it.`);
      const escalated = applyExpiry(applyAction(awaiting(), act('escalate', ALICE), T2), T3);
      assert.equal(refuseAction(escalated, act('close_benign', BOB)), `This alert expired at ${T3} (escalated by alice, never closed): autotriage no longer tracks it.`);
    });

    it('refuses assigning twice to the same analyst', () => {
      const assigned = applyAction(awaiting(), act('assign', ALICE), T2);
      assert.equal(refuseAction(assigned, act('assign', ALICE)), 'This alert is already assigned to you.');
    });

    it('allows another analyst to take over the assignment', () => {
      const assigned = applyAction(awaiting(), act('assign', ALICE), T2);
      assert.equal(refuseAction(assigned, act('assign', BOB)), undefined);
    });

    it('allows closing an escalated alert', () => {
      const escalated = applyAction(awaiting(), act('escalate', ALICE), T2);
      assert.equal(refuseAction(escalated, act('close_benign', BOB)), undefined);
    });

    it('refuses escalating an alert an analyst already escalated, naming who', () => {
      const escalated = applyAction(awaiting(), act('escalate', ALICE), T2);
      assert.equal(refuseAction(escalated, act('escalate', BOB)), 'This alert is already escalated by alice.');
    });

    it('allows an analyst to escalate an alert the SLA escalated', () => {
      const slaEscalated = applySlaEscalation(awaiting(), T3, '4 h');
      assert.equal(refuseAction(slaEscalated, act('escalate')), undefined);
    });
  });

  describe('applyAction', () => {
    it('close_benign closes as benign, by and at, with a timeline entry', () => {
      const before = awaiting();
      const s = applyAction(before, act('close_benign'), T2);
      assert.equal(s.status, 'closed');
      assert.equal(s.disposition, 'benign');
      assert.deepEqual(s.closedBy, ALICE);
      assert.equal(s.closedAt, T2);
      assert.equal(isClosed(s), true);
      assert.equal(s.timeline.length, before.timeline.length + 1);
      assert.deepEqual(s.timeline.at(-1), { at: T2, what: 'closed as benign', by: ALICE });
    });

    it('close_false_positive closes as false_positive', () => {
      const s = applyAction(awaiting(), act('close_false_positive', BOB), T2);
      assert.equal(s.status, 'closed');
      assert.equal(s.disposition, 'false_positive');
      assert.deepEqual(s.closedBy, BOB);
      assert.equal(s.closedAt, T2);
      assert.deepEqual(s.timeline.at(-1), { at: T2, what: 'closed as false positive', by: BOB });
    });

    it('escalate sets status and disposition escalated, by and at, and the ticket stays actionable', () => {
      const s = applyAction(awaiting(), act('escalate'), T2);
      assert.equal(s.status, 'escalated');
      assert.equal(s.disposition, 'escalated');
      assert.deepEqual(s.closedBy, ALICE);
      assert.equal(s.closedAt, T2);
      assert.equal(isClosed(s), false);
      assert.deepEqual(s.timeline.at(-1), { at: T2, what: 'escalated', by: ALICE });
    });

    it('assign sets the assignee and leaves status and disposition alone', () => {
      const s = applyAction(awaiting(), act('assign', BOB), T2);
      assert.equal(s.status, 'awaiting_analyst');
      assert.equal(s.disposition, undefined);
      assert.equal(s.closedBy, undefined);
      assert.deepEqual(s.assignee, BOB);
      assert.deepEqual(s.timeline.at(-1), { at: T2, what: 'assigned', by: BOB });
    });

    it('escalate then close ends closed by the closing analyst', () => {
      const s = applyAction(applyAction(awaiting(), act('escalate', ALICE), T2), act('close_benign', BOB), T3);
      assert.equal(s.status, 'closed');
      assert.equal(s.disposition, 'benign');
      assert.deepEqual(s.closedBy, BOB);
      assert.equal(s.closedAt, T3);
    });

    it("records an analyst's close or escalation as the analyst verdict, and a script's (automation, system) not", () => {
      assert.deepEqual(applyAction(awaiting(), act('escalate', ALICE), T2).analystVerdict, { disposition: 'escalated', at: T2 });
      const script: Actor = { kind: 'automation', id: 'cleanup-script' };
      const closedByScript = applyAction(awaiting(), act('close_benign', script), T2);
      assert.equal(closedByScript.status, 'closed', 'the action itself still applies');
      assert.equal(closedByScript.analystVerdict, undefined, 'nobody judged the alert');
      const afterAnalyst = applyAction(applyAction(awaiting(), act('escalate', ALICE), T2), act('close_benign', { kind: 'system', id: 'ops' }), T3);
      assert.deepEqual(afterAnalyst.analystVerdict, { disposition: 'escalated', at: T2 }, "the analyst's earlier verdict stands");
    });

    it('does not mutate the state it is given', () => {
      const before = awaiting();
      const copy = structuredClone(before);
      applyAction(before, act('close_benign'), T2);
      assert.deepEqual(before, copy);
    });
  });

  describe('applyAutoClose', () => {
    it('auto-closes with disposition auto_closed, by automation <rule>@<version>, keeping the verdict', () => {
      const s = applyAutoClose(awaiting(), VERDICT, T2);
      assert.equal(s.status, 'auto_closed');
      assert.equal(s.disposition, 'auto_closed');
      assert.deepEqual(s.closedBy, { kind: 'automation', id: 'known-location@1' });
      assert.equal(s.closedAt, T2);
      assert.deepEqual(s.autoClosed, VERDICT);
      assert.equal(isClosed(s), true);
      const last = s.timeline.at(-1);
      assert.equal(last?.at, T2);
      assert.match(last?.what ?? '', /^auto-closed as benign: .*forgot the password/);
    });
  });

  describe('applyReopen', () => {
    it('reopens a closed alert: awaiting_analyst, disposition cleared, reopened+1, openedAt set, SLA counters reset', () => {
      let closed = applySlaReminder(awaiting(), T2, '30 min');
      closed = applySlaEscalation(closed, T2, '4 h');
      closed = applyAction(closed, act('close_benign'), T2);
      assert.equal(closed.slaReminders, 1);
      assert.equal(closed.slaEscalated, true);
      const s = applyReopen(closed, T3);
      assert.equal(s.status, 'awaiting_analyst');
      assert.equal(s.disposition, undefined);
      assert.equal(s.closedAt, undefined);
      assert.equal(s.closedBy, undefined);
      assert.equal(s.reopened, 1);
      assert.equal(s.openedAt, T3);
      assert.equal(s.slaReminders, 0);
      assert.equal(s.slaEscalated, false);
      assert.deepEqual(s.timeline.at(-1), { at: T3, what: 'reopened: the SIEM fired the alert again' });
      assert.equal(refuseAction(s, act('close_benign')), undefined, 'the reopened ticket takes actions again');
      assert.deepEqual(s.analystVerdict, { disposition: 'benign', at: T2 }, "the analyst's verdict stays on record for the report");
    });

    it('clears the auto-close verdict of an auto-closed alert and counts each reopen', () => {
      const once = applyReopen(applyAutoClose(awaiting(), VERDICT, T2), T3);
      assert.equal(once.autoClosed, undefined);
      assert.deepEqual(once.autoCloseReopened, VERDICT, "the rule's verdict stays on record as reopened");
      const twice = applyReopen(applyAutoClose(once, VERDICT, T3), T3);
      assert.equal(twice.reopened, 2);
    });
  });

  describe('reopensOnRefire', () => {
    const window = 60_000;
    const closedAt = Date.parse(T2);
    it('reopens a closed or auto-closed alert within the window, the last millisecond included', () => {
      const closed = applyAction(awaiting(), act('close_benign'), T2);
      assert.equal(reopensOnRefire(closed, closedAt, window), true);
      assert.equal(reopensOnRefire(closed, closedAt + window, window), true);
      assert.equal(reopensOnRefire(applyAutoClose(awaiting(), VERDICT, T2), closedAt + 1000, window), true);
    });

    it('leaves an alert closed past the window, an open alert and an expired one as they are', () => {
      const closed = applyAction(awaiting(), act('close_benign'), T2);
      assert.equal(reopensOnRefire(closed, closedAt + window + 1, window), false);
      assert.equal(reopensOnRefire(awaiting(), closedAt, window), false);
      assert.equal(reopensOnRefire(applyExpiry(awaiting(), T2), closedAt, window), false);
    });
  });

  describe('SLA and expiry', () => {
    it('applySlaReminder counts the reminder and records how long it was open', () => {
      const s = applySlaReminder(applySlaReminder(awaiting(), T2, '30 min'), T3, '18 h');
      assert.equal(s.slaReminders, 2);
      assert.equal(s.status, 'awaiting_analyst');
      assert.deepEqual(s.timeline.at(-1), { at: T3, what: 'SLA reminder: open for 18 h' });
    });

    it('applySlaEscalation escalates without a disposition', () => {
      const s = applySlaEscalation(awaiting(), T3, '4 h');
      assert.equal(s.status, 'escalated');
      assert.equal(s.slaEscalated, true);
      assert.equal(s.disposition, undefined);
      assert.deepEqual(s.timeline.at(-1), { at: T3, what: 'SLA escalation: open for 4 h' });
    });

    it('applyExpiry closes as expired by the system', () => {
      const s = applyExpiry(awaiting(), T3);
      assert.equal(s.status, 'expired');
      assert.equal(s.disposition, 'expired');
      assert.deepEqual(s.closedBy, { kind: 'system', id: 'autotriage' });
      assert.equal(s.closedAt, T3);
      assert.equal(isClosed(s), true);
      assert.equal(s.timeline.at(-1)?.what, 'expired: nobody closed it');
    });

    it('applyExpiry keeps an escalation: its disposition and the analyst who escalated stay on record', () => {
      const escalated = applyAction(awaiting(), act('escalate'), T2);
      const s = applyExpiry(escalated, T3);
      assert.equal(s.status, 'expired');
      assert.equal(s.disposition, 'escalated');
      assert.deepEqual(s.closedBy, escalated.closedBy);
      assert.equal(s.closedBy?.kind, 'analyst');
      assert.equal(isClosed(s), true);
      assert.equal(s.timeline.at(-1)?.what, 'expired: escalated, and nobody closed it');
    });
  });

  describe('timeline', () => {
    it('keeps at most 200 entries, dropping the oldest', () => {
      let s = awaiting();
      for (let i = 1; i <= 250; i++) s = applySlaReminder(s, T2, `${i} min`);
      assert.equal(s.slaReminders, 250);
      assert.equal(s.timeline.length, 200);
      assert.equal(s.timeline[0]?.what, 'SLA reminder: open for 51 min');
      assert.equal(s.timeline.at(-1)?.what, 'SLA reminder: open for 250 min');
      s = applyAction(s, act('close_benign'), T3);
      assert.equal(s.timeline.length, 200);
      assert.equal(s.timeline.at(-1)?.what, 'closed as benign');
    });
  });

  describe('re-posts of a ticket Slack refused', () => {
    const refused = (): TriageState => withStatus(initialState(T0), 'delivery_failed', T1, 'ticket refused by Slack');
    const now = Date.parse(T2);

    it('waits 5 min after the first refused re-post, doubling after each, then hourly', () => {
      let s = refused();
      const waits: number[] = [];
      for (let i = 0; i < 7; i++) {
        s = { ...s, repost: afterFailedRepost(s, now) };
        waits.push((Date.parse(s.repost!.after) - now) / 60_000);
      }
      assert.deepEqual(waits, [5, 10, 20, 40, 60, 60, 60]);
      assert.equal(s.repost?.failed, 7);
      assert.equal(REPOST_BACKOFF_MS, 5 * 60_000);
      assert.equal(REPOST_BACKOFF_MAX_MS, 60 * 60_000);
    });

    it('starts from a shorter first wait when the policy gives one', () => {
      const s = refused();
      assert.equal(Date.parse(afterFailedRepost(s, now, 2_000).after) - now, 2_000);
      assert.equal(Date.parse(afterFailedRepost({ ...s, repost: { failed: 3, after: T2 } }, now, 2_000).after) - now, 16_000);
    });

    it('makes a re-fire wait only before the time set', () => {
      assert.equal(repostWaits(undefined, now), false);
      assert.equal(repostWaits(null, now), false);
      assert.equal(repostWaits(new Date(now + 1).toISOString(), now), true);
      assert.equal(repostWaits(new Date(now).toISOString(), now), false);
    });

    it('starts afresh when the alert is reopened (a new round of posts)', () => {
      const s = { ...refused(), repost: { failed: 3, after: T3 } };
      assert.equal(applyReopen(s, T2).repost, undefined);
    });

    it('puts the time in the memo only when there is one (the API reads it there)', () => {
      assert.equal('repostAfter' in triageMemo(refused()), false);
      const s = { ...refused(), repost: afterFailedRepost(refused(), now) };
      assert.equal(triageMemo(s).repostAfter, s.repost.after);
    });
  });
});
