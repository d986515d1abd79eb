/**
 * A worker keeps at most WORKER_MAX_CACHED_WORKFLOWS workflows in memory; triages waiting for an analyst
 * fall out of that cache, and a button click must still reach them (the worker replays their history).
 */
import assert from 'node:assert/strict';
import { alertWorkflowId, type Alert } from '../../src/domain/alert';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { waitForTriage } from '../../src/temporal/triage-client';
import { analystActionUpdate } from '../../src/workflows/messages';
import { startStack, type Stack } from '../helpers/worker-stack';

const CACHE = 2;

describe('worker cache smaller than the open triages (real Temporal)', function () {
  this.timeout(180_000);
  let s: Stack;
  before(async () => (s = await startStack({ WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) })));
  after(() => s?.stop());

  it('closes every waiting triage from its button after the worker evicted it', async () => {
    const alerts: Alert[] = ['a', 'b', 'c', 'd'].map((suffix) => {
      const a = normalizePanther(demoPantherAlerts()[1]!.payload, new Date());
      return { ...a, alertId: `${a.alertId.slice(0, 16)}-evict-${suffix}` };
    });
    // One at a time: each is ticketed and waiting before the next starts, so the early ones get evicted.
    for (const alert of alerts) {
      const [ticketed] = await s.triage([alert], { ...DEFAULT_POLICY, reopenWindowMs: 60_000 });
      assert.equal(ticketed!.state.status, 'awaiting_analyst');
    }
    const cached = s.workers.workers[0]!.getStatus().numCachedWorkflows;
    assert.ok(cached <= CACHE, `the worker holds ${cached} workflows, more than its cache of ${CACHE}`);

    for (const alert of alerts) {
      const handle = s.t.client.workflow.getHandle(alertWorkflowId(alert));
      const state = await handle.executeUpdate(analystActionUpdate, { args: [{ kind: 'close_benign', by: { kind: 'analyst', id: 'U0ANALYST1', name: 'ana' } }] });
      assert.equal(state.status, 'closed', alert.alertId);
      const message = () => s.ticketMessage(alert);
      await waitForTriage(handle, () => /Closed as benign by/.test(JSON.stringify(message()?.blocks)));
      assert.equal(s.fakes.slack.messages.filter((m) => m.channel === 'C0SOCALERTS' && JSON.stringify(m.metadata ?? {}).includes(alertWorkflowId(alert))).length, 1, 'one ticket, updated in place');
      await handle.terminate('test done');
    }
  });
});
