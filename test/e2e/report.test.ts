/**
 * The report command's selection on the real dev server (SQLite visibility): the triages of its task
 * queue, without the backfill `--dry-run` runs, which are `alertTriage` workflows too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { listTriageRecords } from '../../src/cli/report';
import { dryRunWorkflowId } from '../../src/cli/dry-run-id';
import { projectRoot } from '../../src/config/paths';
import { alertWorkflowId } from '../../src/domain/alert';
import type { TriageReport } from '../../src/reporting/triage-report';
import { SA } from '../../src/temporal/search-attributes';
import { NEUTRAL_CWD } from '../helpers/processes';
import { connectTestTemporal, testAddress, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';

describe('report: which runs it counts (real Temporal visibility)', function () {
  this.timeout(60_000);
  const taskQueue = uniqueTaskQueue('report');
  const alert = { source: 'panther', alertId: 'report-dry-run-1' } as const;
  const ids = { real: alertWorkflowId(alert), dry: dryRunWorkflowId('20260101000000', alert) };
  let t: TestTemporal;

  before(async () => {
    t = await connectTestTemporal();
    // No worker: the runs wait on the queue, which is all visibility needs to list them.
    for (const workflowId of [ids.real, ids.dry]) {
      await t.client.workflow.start('alertTriage', {
        taskQueue,
        workflowId,
        args: [{}],
        typedSearchAttributes: [{ key: SA.DetectionId, value: 'Okta.BruteForceLogins' }],
      });
    }
    // Both are visible to an unfiltered query, so only the report's filter can leave the dry run out.
    assert.ok(await until(async () => (await t.client.workflow.count(`TaskQueue = "${taskQueue}"`)).count === 2), 'both runs visible');
  });

  after(async () => {
    for (const id of [ids.real, ids.dry]) await t.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await t?.close();
  });

  it('lists the alert\'s triage and not its backfill dry run', async () => {
    const records = await listTriageRecords(t.client, taskQueue, new Date(Date.now() - 3_600_000));
    assert.deepEqual(records.map((r) => r.workflowId), [ids.real]);
  });

  it('npm run report counts one alert, not two', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(projectRoot(), 'dist/src/cli/report.js'), '--since', '1h', '--json'], {
      cwd: NEUTRAL_CWD,
      env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue },
    });
    const report = JSON.parse(stdout) as TriageReport;
    assert.equal(report.total, 1);
    assert.deepEqual(report.byDetection.map((r) => [r.key, r.alerts]), [['Okta.BruteForceLogins', 1]]);
  });
});
