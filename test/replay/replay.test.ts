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
  const dir = path.join(projectRoot(), 'test', 'histories');
  const { histories, unreadable } = readHistoryFiles(dir);
  /** Recorded by earlier code: the old branches of patched() changes, kept until the patch is deprecated. */
  const older = readHistoryFiles(path.join(dir, 'previous'));
  const previous = older.histories;

  it('has a recorded history of every workflow type', () => {
    assert.deepEqual([...unreadable, ...older.unreadable], [], 'every file is a history');
    const types = new Set(histories.map((h) => h.file.split('.')[0]));
    for (const type of ['alertTriage', 'oktaTriage', 'genericTriage', 'cloudTrailTriage', 'gsuiteTriage', 'enrichmentCache', 'rateBudget']) {
      assert.ok(types.has(type), `no recorded ${type} history`);
    }
    for (const path_ of ['analyst-closed', 'auto-closed', 'auto-closed-jira', 'several-users', 'several-domains', 'auto-closed-refired', 'enrichment-failed', 'sla-reopened', 'generic-signal', 'dry-run', 'second-opinion-pending', 'detection-error', 'late-rule-closed', 'delivery-refused-reposted', 'refused-refire-pending']) {
      assert.ok(histories.some((h) => h.file === `alertTriage.${path_}`), `no recorded alertTriage ${path_} history`);
    }
  });

  it('replays every recorded history with the current workflow code, old runs included', async () => {
    assert.ok(previous.length > 0, 'test/histories/previous holds the histories of runs started on older code');
    const all = [...histories, ...previous];
    const outcomes = await replayHistories(all);
    assert.equal(outcomes.length, all.length);
    const failed = outcomes.filter((o) => !o.ok);
    assert.deepEqual(failed, [], failed.map((f) => `${f.workflowId}: ${f.error}`).join('\n'));
  });
});
