/**
 * Replay: the histories recorded from real runs (test/histories, `npm run record-histories`) must still
 * replay against the current workflow code. A change that would break runs in flight fails here.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { replayHistories, readHistoryFiles } from '../../src/cli/replay';
import { projectRoot } from '../../src/config/paths';

describe('replay of recorded histories', function () {
  this.timeout(120_000);
  const histories = readHistoryFiles(path.join(projectRoot(), 'test', 'histories'));

  it('has a recorded history of every workflow type', () => {
    const types = new Set(histories.map((h) => h.file.split('.')[0]));
    for (const type of ['alertTriage', 'oktaTriage', 'genericTriage', 'cloudTrailTriage', 'gsuiteTriage', 'enrichmentCache', 'rateBudget']) {
      assert.ok(types.has(type), `no recorded ${type} history`);
    }
    for (const path_ of ['analyst-closed', 'auto-closed', 'enrichment-failed', 'sla-reopened', 'generic-signal', 'dry-run']) {
      assert.ok(histories.some((h) => h.file === `alertTriage.${path_}`), `no recorded alertTriage ${path_} history`);
    }
  });

  it('replays every recorded history with the current workflow code', async () => {
    const outcomes = await replayHistories(histories);
    assert.equal(outcomes.length, histories.length);
    const failed = outcomes.filter((o) => !o.ok);
    assert.deepEqual(failed, [], failed.map((f) => `${f.workflowId}: ${f.error}`).join('\n'));
  });
});
