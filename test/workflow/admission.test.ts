/**
 * Storm pacing on the real server: past its burst, a detection's alerts start their triage through
 * Temporal's start delay — accepted and deduplicated at once, triaged a little later — while another
 * detection's alert starts immediately.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAlertStarter } from '../../src/temporal/alert-starter';
import { StartPacer } from '../../src/temporal/start-pacer';
import type { Alert } from '../../src/domain/alert';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { waitForTriage } from '../../src/temporal/triage-client';
import { startStack, type Stack } from '../helpers/worker-stack';

function alertOf(detectionId: string): Alert {
  const alert = normalizePanther({ ...demoPantherAlerts()[1]!.payload, alertId: randomUUID().replace(/-/g, '') }, new Date());
  return { ...alert, detectionId };
}

describe('admission control: paced triage starts (real Temporal)', function () {
  this.timeout(120_000);
  let s: Stack;
  before(async () => (s = await startStack()));
  after(() => s?.stop());

  /** The delay Temporal recorded before the first workflow task (0 when it started at once). */
  async function startDelayMs(workflowId: string): Promise<number> {
    const history = await s.t.client.workflow.getHandle(workflowId).fetchHistory();
    const backoff = history.events?.[0]?.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff;
    return Number(backoff?.seconds ?? 0) * 1000 + Math.round(Number(backoff?.nanos ?? 0) / 1e6);
  }

  it('delays a noisy detection past its burst, dedupes during the delay, and triages every alert once', async () => {
    // The pacer's clock stands still, so the slots do not depend on how long each start takes here.
    const frozen = Date.now();
    const starter = createAlertStarter(s.t.client, s.taskQueue, { pacer: new StartPacer(1, 1, () => frozen) });
    const noisy = [alertOf('Noisy.Rule'), alertOf('Noisy.Rule'), alertOf('Noisy.Rule')];
    const other = alertOf('Other.Rule');
    const started = [];
    for (const alert of [...noisy, other]) started.push(await starter.start(alert));
    assert.deepEqual(started.map((o) => o.status), ['started', 'started', 'started', 'started']);
    // Resent while its start is still delayed: a duplicate, nothing new.
    assert.equal((await starter.start(noisy[2]!)).status, 'duplicate');
    // A SIEM re-notifying its open alerts: duplicates take no slot, so the next new alert is not pushed out.
    for (const alert of [...noisy, ...noisy]) assert.equal((await starter.start(alert)).status, 'duplicate');
    const next = await starter.start(alertOf('Noisy.Rule'));
    assert.equal(await startDelayMs(next.workflowId), 2000, 'the next new alert takes the slot after the last start, not after the resends');
    started.push(next);

    const delays = await Promise.all(started.slice(0, 4).map((o) => startDelayMs(o.workflowId)));
    assert.equal(delays[0], 0);
    assert.equal(delays[1], 0, 'within the burst');
    assert.equal(delays[2], 1000, 'the third waits one second for its slot');
    assert.equal(delays[3], 0, 'another detection is not held up');

    for (const o of started) await waitForTriage(s.t.client.workflow.getHandle(o.workflowId));
    for (const o of started) {
      assert.equal(s.fakes.slack.messages.filter((m) => m.metadata?.event_payload.alert_key === o.workflowId).length, 1, `${o.workflowId}: one ticket`);
    }
  });
});
