/** The triage record per detection and per rule (src/reporting/triage-report.ts). */
import assert from 'node:assert/strict';
import type { Actor } from '../../src/domain/triage-state';
import { buildReport, renderReport, type Row, type TriageRecord, type TriageReport } from '../../src/reporting/triage-report';

const SINCE = new Date('2025-06-11T00:00:00.000Z');
const START = '2025-06-18T14:00:00.000Z';
const BRUTE = 'Okta.BruteForceLogins';
const MFA = 'Okta.MFAReset';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const ANALYST: Actor = { kind: 'analyst', id: 'U0123ABCD', name: 'alice' };
const SHADOW = { ruleId: 'known-location', ruleVersion: 1, disposition: 'benign' };

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

let seq = 0;
function record(overrides: Partial<TriageRecord> = {}): TriageRecord {
  seq += 1;
  return { workflowId: `alert/panther/a${seq}`, detectionId: BRUTE, startTime: START, ...overrides };
}

/** Closed by an analyst `ms` after the ticket went out (openedAt = start + 5 s). */
function analystClosed(disposition: 'benign' | 'false_positive' | 'escalated', ms: number, overrides: Partial<TriageRecord> = {}): TriageRecord {
  const openedAt = plus(START, 5 * SECOND);
  return record({
    status: disposition === 'escalated' ? 'escalated' : 'closed',
    disposition,
    openedAt,
    closedAt: plus(openedAt, ms),
    closedBy: ANALYST,
    ...overrides,
  });
}

/** Closed by a rule `ms` after the workflow started. */
function autoClosed(ms: number, overrides: Partial<TriageRecord> = {}): TriageRecord {
  return record({
    status: 'auto_closed',
    disposition: 'auto_closed',
    closedAt: plus(START, ms),
    closedBy: { kind: 'automation', id: 'known-location@1' },
    autoClosed: { ruleId: 'known-location', ruleVersion: 1 },
    ...overrides,
  });
}

function rowFor(rows: Row[], key: string): Row {
  const row = rows.find((r) => r.key === key);
  assert.ok(row, `no row ${key} in ${rows.map((r) => r.key).join(', ')}`);
  return row;
}

describe('triage report', () => {
  describe('buildReport', () => {
    it('counts per detection: alerts, auto-closed, shadow decisions, analyst closes', () => {
      const report = buildReport(
        [
          autoClosed(20 * SECOND),
          autoClosed(40 * SECOND),
          analystClosed('benign', 10 * MINUTE, { shadow: SHADOW }),
          analystClosed('false_positive', 20 * MINUTE),
          analystClosed('escalated', 5 * MINUTE, { shadow: SHADOW }),
          record({ status: 'awaiting_analyst', openedAt: plus(START, 5 * SECOND), shadow: SHADOW }),
          analystClosed('benign', 3 * MINUTE, { detectionId: MFA }),
        ],
        SINCE,
      );
      assert.equal(report.since, SINCE.toISOString());
      assert.equal(report.total, 7);
      assert.deepEqual(
        report.byDetection.map((r) => r.key),
        [BRUTE, MFA],
        'ordered by alert count',
      );
      const brute = rowFor(report.byDetection, BRUTE);
      assert.equal(brute.alerts, 6);
      assert.equal(brute.autoClosed, 2);
      assert.equal(brute.shadowDecisions, 3);
      assert.equal(brute.judged, 2);
      assert.equal(brute.agreed, 1);
      assert.equal(brute.precision, 0.5);
      assert.equal(brute.analystClosed, 2, 'benign and false positive count; an escalation is not a close');
      const mfa = rowFor(report.byDetection, MFA);
      assert.equal(mfa.alerts, 1);
      assert.equal(mfa.analystClosed, 1);
      assert.equal(mfa.shadowDecisions, 0);
    });

    it('counts an analyst benign or false-positive close as agreeing with a shadow close, an escalation as disagreeing', () => {
      const report = buildReport(
        [
          analystClosed('benign', MINUTE, { shadow: SHADOW }),
          analystClosed('false_positive', MINUTE, { shadow: SHADOW }),
          analystClosed('false_positive', MINUTE, { shadow: SHADOW }),
          analystClosed('escalated', MINUTE, { shadow: SHADOW }),
        ],
        SINCE,
      );
      const row = rowFor(report.byDetection, BRUTE);
      assert.equal(row.judged, 4);
      assert.equal(row.agreed, 3);
      assert.equal(row.precision, 0.75);
    });

    it('leaves shadow decisions nobody judged yet out of precision (undefined when none was judged)', () => {
      const report = buildReport(
        [
          record({ status: 'awaiting_analyst', shadow: SHADOW }),
          record({ status: 'escalated', openedAt: START, shadow: SHADOW }),
          record({ status: 'expired', disposition: 'expired', closedAt: plus(START, 30 * 86_400_000), closedBy: { kind: 'system', id: 'autotriage' }, shadow: SHADOW }),
        ],
        SINCE,
      );
      const row = rowFor(report.byDetection, BRUTE);
      assert.equal(row.shadowDecisions, 3);
      assert.equal(row.judged, 0);
      assert.equal(row.agreed, 0);
      assert.equal(row.precision, undefined);
    });

    it('does not count an analyst close without a shadow decision as a judgement', () => {
      const row = rowFor(buildReport([analystClosed('benign', MINUTE), analystClosed('escalated', MINUTE)], SINCE).byDetection, BRUTE);
      assert.equal(row.judged, 0);
      assert.equal(row.precision, undefined);
    });

    it('takes the median analyst close time (closedAt − openedAt) over an odd count', () => {
      const report = buildReport([analystClosed('benign', 30 * MINUTE), analystClosed('benign', 2 * MINUTE), analystClosed('false_positive', 10 * MINUTE)], SINCE);
      assert.equal(rowFor(report.byDetection, BRUTE).medianAnalystCloseMs, 10 * MINUTE);
    });

    it('takes the median analyst close time over an even count as the mean of the middle two', () => {
      const report = buildReport(
        [analystClosed('benign', 40 * MINUTE), analystClosed('benign', 2 * MINUTE), analystClosed('benign', 10 * MINUTE), analystClosed('benign', 20 * MINUTE)],
        SINCE,
      );
      assert.equal(rowFor(report.byDetection, BRUTE).medianAnalystCloseMs, 15 * MINUTE);
    });

    it('takes the median automation close time (closedAt − startTime), odd and even', () => {
      const odd = buildReport([autoClosed(9 * SECOND), autoClosed(3 * SECOND), autoClosed(5 * SECOND)], SINCE);
      assert.equal(rowFor(odd.byDetection, BRUTE).medianAutomationCloseMs, 5 * SECOND);
      const even = buildReport([autoClosed(9 * SECOND), autoClosed(3 * SECOND), autoClosed(5 * SECOND), autoClosed(7 * SECOND)], SINCE);
      assert.equal(rowFor(even.byDetection, BRUTE).medianAutomationCloseMs, 6 * SECOND);
    });

    it('has no medians when nothing was closed', () => {
      const row = rowFor(buildReport([record({ status: 'awaiting_analyst' })], SINCE).byDetection, BRUTE);
      assert.equal(row.medianAnalystCloseMs, undefined);
      assert.equal(row.medianAutomationCloseMs, undefined);
    });

    it('keys rule rows <ruleId>@<version>, from the auto-close or the shadow decision', () => {
      const report = buildReport(
        [
          autoClosed(10 * SECOND),
          analystClosed('benign', MINUTE, { shadow: SHADOW }),
          analystClosed('escalated', MINUTE, { shadow: SHADOW }),
          analystClosed('benign', MINUTE, { shadow: { ...SHADOW, ruleVersion: 2 } }),
          autoClosed(10 * SECOND, { autoClosed: { ruleId: 'other-rule', ruleVersion: 3 } }),
          analystClosed('benign', MINUTE),
        ],
        SINCE,
      );
      assert.deepEqual(
        report.byRule.map((r) => [r.key, r.alerts]),
        [
          ['known-location@1', 3],
          ['known-location@2', 1],
          ['other-rule@3', 1],
        ],
      );
      const v1 = rowFor(report.byRule, 'known-location@1');
      assert.equal(v1.autoClosed, 1);
      assert.equal(v1.shadowDecisions, 2);
      assert.equal(v1.judged, 2);
      assert.equal(v1.agreed, 1);
      assert.equal(v1.precision, 0.5);
    });

    it("keeps an auto-close the SIEM's re-fire reopened in its rule's row, counted as auto-closed and as reopened", () => {
      const reopened = analystClosed('escalated', MINUTE, { autoCloseReopened: { ruleId: 'known-location', ruleVersion: 1 } });
      const report = buildReport([autoClosed(10 * SECOND), reopened], SINCE);
      const v1 = rowFor(report.byRule, 'known-location@1');
      assert.deepEqual([v1.alerts, v1.autoClosed, v1.reopenedAfterAutoClose], [2, 2, 1], 'reopened / auto-closed is the reopen rate');
      assert.equal(rowFor(report.byDetection, BRUTE).reopenedAfterAutoClose, 1);
    });

    it("judges a shadow decision by the analyst's verdict even when a re-fire reopened the alert and it then expired", () => {
      const reopenedThenExpired = record({
        status: 'expired',
        disposition: 'expired',
        closedBy: { kind: 'system', id: 'autotriage' },
        shadow: SHADOW,
        analystVerdict: { disposition: 'benign', at: plus(START, MINUTE) },
      });
      const escalatedThenSignalled = autoClosed(MINUTE, { shadow: SHADOW, autoClosed: undefined, analystVerdict: { disposition: 'escalated', at: START } });
      const v1 = rowFor(buildReport([reopenedThenExpired, escalatedThenSignalled], SINCE).byRule, 'known-location@1');
      assert.deepEqual([v1.shadowDecisions, v1.judged, v1.agreed], [2, 2, 1]);
    });

    it('counts each decision of a run under its own rule: a shadow under the shadowing rule, a close under the closing one', () => {
      // Shadowed by known-location, judged by an analyst (escalated: disagrees), then closed by the autoClose signal's rule.
      const signalled = autoClosed(MINUTE, {
        shadow: SHADOW,
        autoClosed: { ruleId: 'pentest-allowlist', ruleVersion: 1 },
        analystVerdict: { disposition: 'escalated', at: START },
      });
      const report = buildReport([signalled], SINCE);
      const shadowing = rowFor(report.byRule, 'known-location@1');
      assert.deepEqual([shadowing.alerts, shadowing.shadowDecisions, shadowing.judged, shadowing.agreed, shadowing.autoClosed], [1, 1, 1, 0, 0]);
      assert.equal(shadowing.medianAutomationCloseMs, undefined, 'the shadowing rule closed nothing');
      const closing = rowFor(report.byRule, 'pentest-allowlist@1');
      assert.deepEqual([closing.alerts, closing.shadowDecisions, closing.judged, closing.autoClosed], [1, 0, 0, 1]);
      assert.equal(closing.medianAutomationCloseMs, MINUTE);
    });

    it('keeps a reopen on the rule whose close was reopened when another rule closes the alert afterwards', () => {
      const reopenedThenSignalled = autoClosed(MINUTE, {
        autoCloseReopened: { ruleId: 'known-location', ruleVersion: 1 },
        autoClosed: { ruleId: 'pentest-allowlist', ruleVersion: 1 },
      });
      const report = buildReport([reopenedThenSignalled], SINCE);
      const reopened = rowFor(report.byRule, 'known-location@1');
      assert.deepEqual([reopened.autoClosed, reopened.reopenedAfterAutoClose], [1, 1]);
      const closing = rowFor(report.byRule, 'pentest-allowlist@1');
      assert.deepEqual([closing.autoClosed, closing.reopenedAfterAutoClose], [1, 0]);
    });

    it('times an automation close after a reopen from the reopen, not from the alert', () => {
      const reopenedAt = plus(START, 2 * 86_400_000);
      const reclosed = autoClosed(0, { autoCloseReopened: { ruleId: 'known-location', ruleVersion: 1 }, openedAt: reopenedAt, closedAt: plus(reopenedAt, MINUTE) });
      assert.equal(rowFor(buildReport([reclosed], SINCE).byDetection, BRUTE).medianAutomationCloseMs, MINUTE);
    });

    it('reports an empty period', () => {
      const report = buildReport([], SINCE);
      assert.deepEqual(report, { since: SINCE.toISOString(), total: 0, byDetection: [], byRule: [] } satisfies TriageReport);
    });
  });

  describe('renderReport', () => {
    it('renders the headers, the rows and the precision as a percentage', () => {
      const report = buildReport(
        [
          autoClosed(20 * SECOND),
          analystClosed('benign', 10 * MINUTE, { shadow: SHADOW }),
          analystClosed('benign', 10 * MINUTE, { shadow: SHADOW }),
          analystClosed('escalated', 10 * MINUTE, { shadow: SHADOW }),
        ],
        SINCE,
      );
      const text = renderReport(report);
      assert.match(text, /^autotriage report since 2025-06-11T00:00:00.000Z: 4 alert\(s\)/);
      for (const header of ['detection', 'auto-close rule', 'alerts', 'auto-closed', 'reopened', 'shadow', 'judged', 'agreed', 'precision', 'analyst closed', 'median analyst', 'median automation']) {
        assert.ok(text.includes(header), `missing header ${header}`);
      }
      assert.match(text, new RegExp(`${BRUTE.replace('.', '\\.')}\\s+4\\s+1\\s+0\\s+3\\s+3\\s+2\\s+66%`), '2 of 3, rounded down');
      assert.match(text, /known-location@1/);
      assert.match(text, /10 min/);
      assert.match(text, /20 s/);
    });

    it('rounds precision down, so only a rule that never disagreed reads 100%', () => {
      const agreeing = Array.from({ length: 199 }, () => analystClosed('benign', MINUTE, { shadow: SHADOW }));
      const text = renderReport(buildReport([...agreeing, analystClosed('escalated', MINUTE, { shadow: SHADOW })], SINCE));
      assert.match(text, /\b99%/);
      assert.doesNotMatch(text, /100%/);
      assert.match(renderReport(buildReport(agreeing, SINCE)), /\b100%/);
    });

    it('says so when there are no alerts and no rule decisions', () => {
      const text = renderReport(buildReport([], SINCE));
      assert.match(text, /no alerts/);
      assert.match(text, /no auto-close rule decided anything/);
    });

    it('renders an undefined precision as a dash, not a percentage', () => {
      const text = renderReport(buildReport([record({ status: 'awaiting_analyst', shadow: SHADOW })], SINCE));
      assert.doesNotMatch(text, /%/);
      assert.match(text, /—/);
    });
  });
});
