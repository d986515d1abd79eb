/**
 * The routing table and routing decisions (src/routing/*, src/workflows/playbooks/index.ts).
 *
 * The coverage checks are data-driven: they iterate over whatever DETECTION_ROUTES, PLAYBOOK_IDS and
 * LOG_TYPE_WORKFLOWS hold at run time, so removing a playbook (or its runner, or a LogType workflow) that
 * the table still names fails here even where a cast hides it from the compiler.
 */
import assert from 'node:assert/strict';
import type { Alert } from '../../src/domain/alert';
import { PLAYBOOK_IDS, PLAYBOOKS } from '../../src/routing/playbooks';
import { enrichmentFailedReport } from '../../src/workflows/alert-triage';
import {
  childWorkflowId,
  describeRoute,
  logTypeForDetection,
  routeByDetection,
  routeByLogType,
} from '../../src/routing/route';
import {
  DETECTION_ROUTES,
  FALLBACK_PLAYBOOK,
  GENERIC_LOG_TYPE_WORKFLOW,
  LOG_TYPE_WORKFLOWS,
} from '../../src/routing/routing-table';
import { ENRICHMENT_SECTIONS } from '../../src/domain/enrichment';
import { PLAYBOOK_RUNNERS } from '../../src/workflows/playbooks';
import * as workflows from '../../src/workflows';

/**
 * LogTypes a detection may pin without a LogType workflow of their own: they run genericTriage on
 * purpose. Empty today; adding one here is a deliberate decision, not an accident.
 */
const INTENTIONALLY_GENERIC_LOG_TYPES: readonly string[] = [];

const PARENT_ID = 'alert/panther/5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1';

/** Lookups as plain records, so a missing key is seen as undefined at run time. */
const playbooks = PLAYBOOKS as Readonly<Record<string, (typeof PLAYBOOKS)[keyof typeof PLAYBOOKS] | undefined>>;
const runners = PLAYBOOK_RUNNERS as Readonly<Record<string, unknown>>;
const logTypeWorkflows = LOG_TYPE_WORKFLOWS as Readonly<Record<string, { workflow: string; childSuffix: string } | undefined>>;
const workflowExports = workflows as Readonly<Record<string, unknown>>;
const enrichmentKeys = new Set(ENRICHMENT_SECTIONS.map((s) => s.key));

function alertWith(overrides: Partial<Alert>): Alert {
  return {
    source: 'panther',
    alertId: '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1',
    detectionId: 'Okta.BruteForceLogins',
    title: 'Suspected brute force',
    severity: 'MEDIUM',
    logType: 'Okta.SystemLog',
    logTypeSource: 'routing-table',
    createdAt: '2025-06-18T14:25:00.000Z',
    tags: [],
    ips: ['198.51.100.7'],
    users: ['alice@acme.io'],
    ...overrides,
  };
}

describe('routing table coverage', () => {
  const detections = Object.entries(DETECTION_ROUTES);

  it('has detections to check', () => {
    assert.ok(detections.length > 0);
  });

  for (const [detectionId, entry] of detections) {
    describe(`detection ${detectionId}`, () => {
      it(`names a playbook (${entry.playbook}) defined in PLAYBOOKS`, () => {
        const definition = playbooks[entry.playbook];
        assert.ok(definition, `PLAYBOOKS has no "${entry.playbook}"`);
        assert.equal(definition.id, entry.playbook);
      });

      it(`names a playbook (${entry.playbook}) with a runner in PLAYBOOK_RUNNERS`, () => {
        assert.equal(typeof runners[entry.playbook], 'function', `PLAYBOOK_RUNNERS has no "${entry.playbook}"`);
      });

      it('is routed by the table, not by the fallback', () => {
        assert.deepEqual(routeByDetection(detectionId), { playbook: entry.playbook, matchedBy: 'routing-table' });
      });

      if (entry.logType !== undefined) {
        const logType = entry.logType;
        it(`pins LogType ${logType}, which has a LogType workflow or is intentionally generic`, () => {
          assert.ok(
            logTypeWorkflows[logType] !== undefined || INTENTIONALLY_GENERIC_LOG_TYPES.includes(logType),
            `${logType} has no LOG_TYPE_WORKFLOWS entry and is not listed as intentionally generic`,
          );
          assert.equal(logTypeForDetection(detectionId), logType);
        });
      }
    });
  }

  it('the fallback playbook exists and has a runner', () => {
    assert.ok(playbooks[FALLBACK_PLAYBOOK]);
    assert.equal(typeof runners[FALLBACK_PLAYBOOK], 'function');
  });

  for (const id of PLAYBOOK_IDS) {
    it(`playbook ${id} is defined, has a runner, and lists only known enrichments`, () => {
      const definition = playbooks[id];
      assert.ok(definition, `PLAYBOOKS has no "${id}"`);
      assert.equal(typeof runners[id], 'function', `PLAYBOOK_RUNNERS has no "${id}"`);
      assert.ok(definition.enrichments.length > 0);
      for (const key of definition.enrichments) assert.ok(enrichmentKeys.has(key), `${id} lists unknown enrichment ${key}`);
      assert.ok(definition.runbook.trim().length > 0);
    });
  }

  it('every playbook with a runner is in PLAYBOOK_IDS (no orphan runner)', () => {
    assert.deepEqual(Object.keys(runners).sort(), [...PLAYBOOK_IDS].sort());
    assert.deepEqual(Object.keys(playbooks).sort(), [...PLAYBOOK_IDS].sort());
  });

  for (const [logType, route] of [...Object.entries(LOG_TYPE_WORKFLOWS), ['(generic)', GENERIC_LOG_TYPE_WORKFLOW] as const]) {
    it(`the LogType workflow for ${logType} (${route.workflow}) is exported by src/workflows`, () => {
      assert.equal(typeof workflowExports[route.workflow], 'function', `src/workflows does not export ${route.workflow}`);
    });
  }

  it('child suffixes are distinct, so two LogTypes never share a child workflow id', () => {
    const suffixes = [...Object.values(LOG_TYPE_WORKFLOWS).map((r) => r.childSuffix), GENERIC_LOG_TYPE_WORKFLOW.childSuffix];
    assert.equal(new Set(suffixes).size, suffixes.length);
    for (const s of suffixes) assert.match(s, /^[a-z0-9-]+$/);
  });
});

describe('routing decisions', () => {
  it('routes an unknown detection to the fallback playbook with matchedBy "fallback"', () => {
    assert.deepEqual(routeByDetection('Custom.NeverHeardOfIt'), { playbook: FALLBACK_PLAYBOOK, matchedBy: 'fallback' });
  });

  it('routes a detection that itself failed (RULE_ERROR, SYSTEM_ERROR) to the fallback playbook, whatever the table says', () => {
    for (const type of ['RULE_ERROR', 'SCHEDULED_RULE_ERROR', 'SYSTEM_ERROR']) {
      assert.deepEqual(routeByDetection('Standard.BruteForceByIP', type), { playbook: FALLBACK_PLAYBOOK, matchedBy: 'detection-error' }, type);
    }
    for (const type of ['RULE', 'POLICY', 'SCHEDULED_RULE', undefined]) {
      assert.deepEqual(routeByDetection('Standard.BruteForceByIP', type), { playbook: 'bruteForce', matchedBy: 'routing-table' }, String(type));
    }
  });

  it('does not treat Object.prototype names as detections', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      assert.deepEqual(routeByDetection(name), { playbook: FALLBACK_PLAYBOOK, matchedBy: 'fallback' }, name);
      assert.equal(logTypeForDetection(name), undefined, name);
    }
  });

  it('routes Okta.SystemLog to oktaTriage', () => {
    assert.deepEqual(routeByLogType('Okta.SystemLog'), { workflow: 'oktaTriage', childSuffix: 'okta' });
  });

  it('routes any other LogType to genericTriage', () => {
    for (const logType of ['Box.Event', 'GSuite.Reports', 'Unknown', 'okta.systemlog']) {
      assert.deepEqual(routeByLogType(logType), { workflow: 'genericTriage', childSuffix: 'generic' }, logType);
    }
  });
  it('routes LogTypes named like Object.prototype members to genericTriage', () => {
    for (const logType of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      assert.deepEqual(routeByLogType(logType), { workflow: 'genericTriage', childSuffix: 'generic' }, logType);
    }
  });

  it("extends the parent's workflow id for the child (…/okta, …/generic)", () => {
    assert.equal(childWorkflowId(PARENT_ID, routeByLogType('Okta.SystemLog')), `${PARENT_ID}/okta`);
    assert.equal(childWorkflowId(PARENT_ID, routeByLogType('Box.Event')), `${PARENT_ID}/generic`);
    assert.equal(childWorkflowId(PARENT_ID, routeByLogType('AWS.CloudTrail')), `${PARENT_ID}/cloudtrail`);
  });

  it('describeRoute combines the LogType and detection routes of an alert', () => {
    assert.deepEqual(describeRoute(alertWith({})), {
      logType: { workflow: 'oktaTriage', childSuffix: 'okta' },
      playbook: { playbook: 'bruteForce', matchedBy: 'routing-table' },
    });
    assert.deepEqual(describeRoute(alertWith({ detectionId: 'Custom.X', logType: 'Box.Event' })), {
      logType: { workflow: 'genericTriage', childSuffix: 'generic' },
      playbook: { playbook: FALLBACK_PLAYBOOK, matchedBy: 'fallback' },
    });
  });
});

describe('the ticket of a failed enrichment workflow', () => {
  it("shows the playbook's own enrichments unavailable, and why — not steps the playbook never runs", () => {
    const ip = enrichmentFailedReport({ playbook: 'ipTriage', matchedBy: 'routing-table' }, 'genericTriage', 'Terminated');
    assert.deepEqual(Object.keys(ip.enrichments).sort(), ['indicatorSearch', 'ipReputation']);
    const brute = enrichmentFailedReport({ playbook: 'bruteForce', matchedBy: 'routing-table' }, 'oktaTriage', 'Terminated');
    assert.deepEqual(Object.keys(brute.enrichments).sort(), ['indicatorSearch', 'ipReputation', 'loginLocations', 'recentLogins']);
    const reason = brute.enrichments.loginLocations?.status === 'unavailable' ? brute.enrichments.loginLocations.reason : '';
    assert.equal(reason, 'the enrichment workflow oktaTriage failed: Terminated');
  });
});
