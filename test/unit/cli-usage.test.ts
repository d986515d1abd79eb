/**
 * The CLIs' answers to a wrong argument, as real processes: exit 2 and the usage, before anything is
 * sent or connected (nothing answers at the addresses given), so a script tells a typo (2) from an outage (1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths';
import { NEUTRAL_CWD } from '../helpers/processes';

function cli(script: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [path.join(projectRoot(), 'dist/src/cli', script), ...args], {
    cwd: NEUTRAL_CWD,
    // Nothing listens here: a CLI that went past its arguments would fail to connect instead (exit 1).
    env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('CLI usage errors (real processes)', () => {
  it('npm run demo --help prints its usage and sends nothing; an unknown argument exits 2', () => {
    const help = cli('demo.js', ['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage: npm run demo/);
    assert.doesNotMatch(help.stdout + help.stderr, /sending|not answering/);
    const wrong = cli('demo.js', ['--count', '5']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^demo: unknown argument --count; usage: npm run demo/);
  });

  it('npm run report exits 2 on a wrong argument, naming it', () => {
    for (const [args, message] of [
      [['--until', '1d'], /^report: unknown argument --until; usage: npm run report/],
      [['--since', 'soon'], /^report: --since needs a duration like 24h or 7d, got soon/],
    ] as const) {
      const res = cli('report.js', [...args]);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, message);
    }
  });
});
