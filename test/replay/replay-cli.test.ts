/** `npm run replay` as an operator runs it (a real process; the tests' dev server for --query). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/config/paths';
import { NEUTRAL_CWD } from '../helpers/processes';
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

  it('refuses ids or a query given with --dir instead of ignoring them', async () => {
    const res = await replay(['--dir', 'test/histories', 'alert/panther/x']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--dir replays the files in a folder: give workflow ids or --query without it/);
  });
});
