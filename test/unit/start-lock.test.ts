/**
 * One npm start per DATA_DIR: the lock file names its owner; a live npm start keeps it, a gone one (or a
 * pid reused by another program) does not. Owners are real processes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { commandLine, commandLineFromPs } from '../../src/cli/process-alive';
import { startLockFile, takeStartLock } from '../../src/cli/start-lock';
import { projectRoot } from '../../src/config/paths';
import { tempDir } from '../helpers/sample-logs';

/** A live process whose command line is `node -e … <args>`. */
function idle(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
}

describe('npm start lock (one npm start per DATA_DIR)', () => {
  const script = '/opt/autotriage/dist/src/cli/start.js';
  const running: ChildProcess[] = [];
  after(() => running.forEach((c) => c.kill('SIGKILL')));

  it('is taken in a new folder, names this process, and release removes it', () => {
    const dataDir = path.join(tempDir('lock'), '.data');
    const lock = takeStartLock(dataDir, script);
    assert.equal(lock.taken, true);
    assert.equal(fs.readFileSync(startLockFile(dataDir), 'utf8').trim(), String(process.pid));
    if (lock.taken) lock.release();
    assert.equal(fs.existsSync(startLockFile(dataDir)), false);
  });

  it('is refused while another npm start holds it, naming that one, and left as it was', async () => {
    const dataDir = tempDir('lock');
    const other = idle('dist/src/cli/start.js');
    running.push(other);
    fs.writeFileSync(startLockFile(dataDir), `${other.pid}\n`);
    assert.deepEqual(takeStartLock(dataDir, script), { taken: false, heldBy: other.pid });
    assert.equal(fs.readFileSync(startLockFile(dataDir), 'utf8').trim(), String(other.pid));
  });

  for (const [what, holder] of [
    ['an owner that is gone (npm start killed outright)', () => spawnSync('true').pid],
    ['a pid now used by another program', () => {
      const other = idle('not-autotriage.js');
      running.push(other);
      return other.pid!;
    }],
    ['a file with no pid in it', () => Number.NaN],
  ] as const) {
    it(`is taken over from ${what}`, () => {
      const dataDir = tempDir('lock');
      fs.writeFileSync(startLockFile(dataDir), `${holder()}\n`);
      const lock = takeStartLock(dataDir, script);
      assert.equal(lock.taken, true);
      assert.equal(fs.readFileSync(startLockFile(dataDir), 'utf8').trim(), String(process.pid));
    });
  }

  it('of several npm starts racing for a stale lock, exactly one takes it, and the others name it', async () => {
    const dataDir = tempDir('lock-race');
    fs.writeFileSync(startLockFile(dataDir), `${spawnSync('true').pid}\n`); // its owner is gone
    // Each contender is a script named like npm start's, so each is taken for one by the others.
    const script = path.join(tempDir('lock-race-bin'), 'cli', 'start.js');
    fs.mkdirSync(path.dirname(script));
    fs.writeFileSync(
      script,
      `const { takeStartLock } = require(${JSON.stringify(path.join(projectRoot(), 'dist/src/cli/start-lock.js'))});
       const lock = takeStartLock(${JSON.stringify(dataDir)});
       console.log(JSON.stringify(lock.taken ? { taken: process.pid } : { heldBy: lock.heldBy }));
       setTimeout(() => {}, 3000);`,
    );
    const contenders = Array.from({ length: 6 }, () => spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] }));
    running.push(...contenders);
    const answers = await Promise.all(
      contenders.map((c) => new Promise<{ taken?: number; heldBy?: number }>((resolve) => c.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { taken?: number; heldBy?: number })))),
    );
    const winners = answers.filter((a) => a.taken !== undefined);
    assert.equal(winners.length, 1, JSON.stringify(answers));
    assert.ok(answers.every((a) => a.taken !== undefined || a.heldBy === winners[0]!.taken), JSON.stringify(answers));
    assert.equal(fs.readFileSync(startLockFile(dataDir), 'utf8').trim(), String(winners[0]!.taken));
    assert.deepEqual(fs.readdirSync(dataDir), ['npm-start.pid'], 'no temporary files left');
  });

  it('release leaves a lock another npm start has since taken over', () => {
    const dataDir = tempDir('lock');
    const lock = takeStartLock(dataDir, script);
    assert.equal(lock.taken, true);
    if (!lock.taken) return;
    fs.writeFileSync(startLockFile(dataDir), '4194000\n');
    lock.release();
    assert.equal(fs.readFileSync(startLockFile(dataDir), 'utf8').trim(), '4194000');
  });

  it('reads a process\'s arguments from ps where there is no /proc (macOS): what tells npm start from a reused pid there', () => {
    assert.equal(spawnSync('ps', ['-p', String(process.pid)]).status, 0, 'this test needs ps (Debian: apt-get install procps; .ci/run installs it)');
    const other = idle('/opt/autotriage/dist/src/cli/start.js');
    running.push(other);
    assert.deepEqual(commandLineFromPs(other.pid!), [process.execPath, '-e', 'setInterval(()', '=>', '{},', '1000)', '/opt/autotriage/dist/src/cli/start.js']);
    assert.deepEqual(commandLine(other.pid!), [process.execPath, '-e', 'setInterval(() => {}, 1000)', '/opt/autotriage/dist/src/cli/start.js', '']);
    assert.equal(commandLineFromPs(spawnSync('true').pid), undefined, 'a process that is gone');
  });
});
