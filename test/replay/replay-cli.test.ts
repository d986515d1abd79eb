/** `npm run replay` as an operator runs it (a real process; the tests' dev server for --query). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/config/paths';
import { NEUTRAL_CWD } from '../helpers/processes';
import { tempDir } from '../helpers/sample-logs';
import { testAddress } from '../helpers/temporal';

const run = promisify(execFile);

async function replay(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: testAddress() };
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(projectRoot(), 'dist/src/cli/replay.js'), ...args], { env, cwd: NEUTRAL_CWD });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

describe('npm run replay (real process)', function () {
  this.timeout(120_000);

  it('replays a folder of recorded histories and exits 0', async () => {
    const res = await replay(['--dir', path.join(projectRoot(), 'test/histories')]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /^\d+ replayed, 0 failed$/m);
  });

  it('exits 1 and says so when a query matches no workflow (a typo is not a pass)', async () => {
    const res = await replay(['--query', 'WorkflowId = "alert/panther/no-such-alert-anywhere"']);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(res.stdout, /0 replayed, 0 failed\nno workflow matched: nothing was replayed/);
  });

  it('reports a file that is no history as a failure of its own, replays the others, and exits 1', async () => {
    const dir = tempDir('replay-bad-files');
    const recorded = path.join(projectRoot(), 'test/histories/oktaTriage.brute-force.json');
    fs.copyFileSync(recorded, path.join(dir, 'oktaTriage.brute-force.json'));
    fs.writeFileSync(path.join(dir, 'a-truncated.json'), '{"workflowId": "alert/x", "history": {"eve');
    fs.writeFileSync(path.join(dir, 'b-empty.json'), '{}');
    const res = await replay(['--dir', dir]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(res.stdout, /^ok {4}alert\/panther\/rec-analyst-closed\/okta$/m, 'the good file is replayed');
    assert.match(res.stdout, /^FAIL {2}.*a-truncated\.json\n {6}could not read it: .*JSON/m);
    assert.match(res.stdout, /^FAIL {2}.*b-empty\.json\n {6}could not read it: no history events in it/m);
    assert.match(res.stdout, /^1 replayed, 0 failed, 2 not read$/m);
  });

  it('refuses workflow ids given with --query instead of ignoring them', async () => {
    const res = await replay(['alert/panther/x', '--query', 'WorkflowType = "alertTriage"']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /give workflow ids or --query, not both/);
  });

  it('refuses ids or a query given with --dir instead of ignoring them', async () => {
    const res = await replay(['--dir', 'test/histories', 'alert/panther/x']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--dir replays the files in a folder: give workflow ids or --query without it/);
  });
});
