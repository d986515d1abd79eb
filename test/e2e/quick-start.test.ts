/**
 * The README's quick start, as a new user runs it: `npm start` (dist/src/cli/start.js) on the embedded
 * defaults — its own Temporal dev server with the Web UI, sample logs written because the folder is
 * empty, the worker and the API — then `npm run demo` prints two enriched tickets whose login data comes
 * from those logs, the Web UI lists the runs, and Ctrl-C stops everything cleanly. The tests are those
 * steps, in order, on one running service (run the file, not one test alone).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/config/paths';
import { serverRecordFile } from '../../src/cli/leftover-server';
import { alive } from '../../src/cli/process-alive';
import { startLockFile } from '../../src/cli/start-lock';
import { findTemporalCli, isTemporalUp, startDevServer } from '../../src/temporal/dev-server';
import { SAMPLE_SCENARIOS } from '../../src/sample-data/okta-events';
import { NEUTRAL_CWD, spawnScript, type ServiceProcess } from '../helpers/processes';
import { sampleLogsDir, tempDir } from '../helpers/sample-logs';
import { testAddress, uniqueTaskQueue } from '../helpers/temporal';
import { until } from '../helpers/until';
import { freePort, freeServicePorts } from '../setup/global';

/** Whether something answers HTTP at `url`. */
const answers = (url: string) => fetch(url).then(() => true, () => false);

describe('quick start: npm start, then npm run demo (real processes, its own dev server)', function () {
  this.timeout(240_000);
  let start: ServiceProcess | undefined;
  let env: Record<string, string>;
  let uiPort: number;
  let logsDir: string;

  before(async () => {
    const { port, metricsPort } = await freeServicePorts();
    uiPort = await freePort();
    const data = tempDir('quick-start');
    env = {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      TEMPORAL_UI_PORT: String(uiPort),
      TEMPORAL_CLI_PATH: findTemporalCli(),
      DATA_DIR: path.join(data, '.data'),
    };
    // As on a fresh clone: LOCAL_SIEM_LOGS left at its default, ./data/logs, which does not exist yet
    // (relative to the working directory, here a fresh folder).
    logsDir = path.join(data, 'data', 'logs');
    start = spawnScript('npm start', 'dist/src/cli/start.js', env, [], data);
    await start.waitFor(/API listening/, 180_000);
    await start.waitFor(/worker started/, 60_000);
  });

  after(async () => start?.stop());

  it('writes the sample logs itself, and the demo prints two enriched tickets from them', async () => {
    assert.ok(start!.output.some((l) => /holds no logs: writing sample Okta logs/.test(l)), 'npm start said it wrote the sample logs');
    assert.ok(fs.readdirSync(path.join(logsDir, 'okta_systemlog')).length > 0, 'in the default folder, created');
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(projectRoot(), 'dist/src/cli/demo.js')], {
      cwd: NEUTRAL_CWD,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 150_000,
    });
    assert.equal(stdout.match(/triaged in [\d.]+ s/g)?.length, 2, stdout);
    const [forgot, attack] = stdout.split('→ sending').slice(1);
    for (const [ticket, scenario] of [[forgot, SAMPLE_SCENARIOS.forgotPassword], [attack, SAMPLE_SCENARIOS.attack]] as const) {
      for (const section of ['VirusTotal', 'SIEM indicator search', 'Top login locations', 'Last successful logins']) {
        assert.ok(ticket?.includes(section), `${scenario.user}: section ${section}`);
      }
      assert.ok(ticket?.includes(scenario.homeCity), `${scenario.user}'s login locations name the home city from the sample logs`);
    }
    assert.ok(forgot?.includes(SAMPLE_SCENARIOS.forgotPassword.ip), "the forgot-password IP is among Alice's locations");
  });

  it('shows the runs in the Web UI', async () => {
    let ids: Array<string | undefined> = [];
    // Visibility trails the starts a little: poll the UI's list as a person would reload it.
    const listed = async () => {
      const res = await fetch(`http://127.0.0.1:${uiPort}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('WorkflowType="alertTriage"')}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { executions?: Array<{ execution?: { workflowId?: string } }> };
      ids = (body.executions ?? []).map((e) => e.execution?.workflowId);
      return ids.filter((id) => id?.startsWith('alert/panther/')).length === 2;
    };
    assert.ok(await until(listed, 20_000, 250), `the Web UI lists the two demo runs: ${JSON.stringify(ids)}`);
  });

  it('a second npm start in the same folder refuses, naming the first, and the first keeps serving', async () => {
    const { port, metricsPort } = await freeServicePorts();
    // Its own ports: without the lock it would run a second worker on the first one's SQLite file.
    const second = spawnScript('npm start', 'dist/src/cli/start.js', { ...env, PORT: String(port), METRICS_PORT: String(metricsPort) }, [], path.dirname(env.DATA_DIR!));
    const exited = new Promise<number | null>((resolve) => second.child.once('exit', (code) => resolve(code)));
    try {
      assert.equal(await exited, 1);
      await second.stop();
      const said = second.output.join('\n');
      assert.match(said, new RegExp(`another npm start \\(pid ${start!.child.pid}\\) runs with DATA_DIR=`));
      assert.doesNotMatch(said, /starting the Temporal dev server|worker started/);
      assert.equal((await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).status, 200, 'the first one still serves');
      assert.equal(fs.readFileSync(startLockFile(env.DATA_DIR!), 'utf8').trim(), String(start!.child.pid), 'and still holds the lock');
    } finally {
      await second.stop();
    }
  });

  it('stops the API, the worker and the dev server on Ctrl-C, exiting 0', async () => {
    // `npm start` execs start.js (so a SIGTERM to npm reaches it, not only a shell): one Ctrl-C then
    // arrives twice, from the terminal and forwarded by npm. The echo must not cut the clean stop short.
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.start ?? '', /&& exec node .*dist\/src\/cli\/start\.js/);
    const exited = new Promise<number | null>((resolve) => start!.child.once('exit', (code) => resolve(code)));
    start!.child.kill('SIGINT');
    setTimeout(() => start!.child.kill('SIGINT'), 50);
    assert.equal(await exited, 0);
    assert.ok(start!.output.some((l) => /stopped/.test(l)), start!.output.slice(-5).join('\n'));
    await new Promise((r) => setTimeout(r, 200));
    const gone = await fetch(`http://127.0.0.1:${env.PORT}/healthz`).then(() => false, () => true);
    assert.ok(gone, 'the API no longer answers');
    const uiGone = await fetch(`http://127.0.0.1:${uiPort}/`).then(() => false, () => true);
    assert.ok(uiGone, 'the Web UI no longer answers');
    assert.equal(fs.existsSync(startLockFile(env.DATA_DIR!)), false, 'the lock is released');
  });
});

/** The API's and the worker's pids, from their JSON log lines as npm start prints them. */
function servicePids(output: string[]): number[] {
  const pidOf = (name: string) => Number(/"pid":(\d+)/.exec(output.find((l) => l.startsWith(`[${name}]`) && l.includes('"pid"')) ?? '')?.[1]);
  const pids = [pidOf('api'), pidOf('worker')];
  assert.ok(pids.every((p) => p > 0), `pids of the API and the worker: ${pids.join(', ')}`);
  return pids;
}

describe('npm start on a Temporal server already running: a closed terminal stops it (real processes)', function () {
  this.timeout(120_000);

  it('stops the API and the worker on SIGHUP, leaving no process behind (they run in their own process group: without the handler they outlive it)', async () => {
    const { port, metricsPort } = await freeServicePorts();
    const data = tempDir('sighup');
    const start = spawnScript('npm start', 'dist/src/cli/start.js', {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('sighup'),
      DATA_DIR: path.join(data, '.data'),
      LOCAL_SIEM_LOGS: await sampleLogsDir(),
    });
    try {
      await start.waitFor(/API listening/, 60_000);
      await start.waitFor(/worker started/, 60_000);
      assert.ok(await answers(`http://127.0.0.1:${metricsPort}/metrics`), 'the worker serves its metrics');
      const pids = servicePids(start.output);
      const exited = new Promise<number | null>((resolve) => start.child.once('exit', (code) => resolve(code)));
      // A closing terminal often sends two: the clean stop still finishes.
      start.child.kill('SIGHUP');
      setTimeout(() => start.child.kill('SIGHUP'), 100);
      assert.equal(await exited, 0);
      assert.ok(start.output.some((l) => /terminal closed/.test(l)), start.output.slice(-5).join('\n'));
      // npm start waits for its children before it exits: they are gone, not only their ports.
      assert.deepEqual(pids.filter(alive), [], 'the API and the worker are gone');
      assert.equal(await answers(`http://127.0.0.1:${port}/healthz`), false, 'the API is gone');
      assert.equal(await answers(`http://127.0.0.1:${metricsPort}/metrics`), false, 'the worker is gone');
    } finally {
      await start.stop();
    }
  });
});

describe('npm start killed outright (SIGKILL, the OOM killer): nothing is orphaned (real processes)', function () {
  this.timeout(120_000);

  it('the API and the worker stop by themselves when npm start is gone, freeing their ports', async () => {
    const { port, metricsPort } = await freeServicePorts();
    const start = spawnScript('npm start', 'dist/src/cli/start.js', {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('lifeline'),
      DATA_DIR: path.join(tempDir('lifeline'), '.data'),
      LOCAL_SIEM_LOGS: await sampleLogsDir(),
    });
    try {
      await start.waitFor(/API listening/, 60_000);
      await start.waitFor(/worker started/, 60_000);
      assert.ok(await answers(`http://127.0.0.1:${port}/healthz`));
      const pids = servicePids(start.output);
      start.child.kill('SIGKILL');
      // Gone, not only quiet: a process that closed its port but hangs at exit (writing its last log line
      // to the dead supervisor's pipe) would still be an orphan.
      const gone = () => pids.every((p) => !alive(p));
      const stopped = await until(gone, 30_000, 250);
      const left = pids.filter(alive);
      for (const p of left) process.kill(p, 'SIGKILL');
      assert.ok(stopped, `the API and the worker outlived npm start (still running: ${left.join(', ')})`);
      assert.equal(await answers(`http://127.0.0.1:${port}/healthz`), false);
    } finally {
      await start.stop();
    }
  });
});

describe('npm start killed outright while running its own dev server: the next npm start stops what it left (real processes)', function () {
  this.timeout(180_000);

  it('the next npm start stops the leftover dev server and runs its own, recorded, which Ctrl-C then stops', async () => {
    const { port, metricsPort } = await freeServicePorts();
    const serverPort = await freePort();
    const address = `127.0.0.1:${serverPort}`;
    const dataDir = path.join(tempDir('leftover-server'), '.data');
    fs.mkdirSync(dataDir, { recursive: true });
    const env = {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: findTemporalCli(),
      DATA_DIR: dataDir,
      LOCAL_SIEM_LOGS: await sampleLogsDir(),
    };
    // What an npm start killed outright leaves (when its server had nothing to print to the dead pipe): the
    // server, in its own process group, on the folder's SQLite file, named in DATA_DIR by an owner now gone.
    const dbFile = path.join(dataDir, 'temporal.db');
    const leftover = await startDevServer({ cliPath: findTemporalCli(), port: serverPort, dbFile, detached: true });
    const goneOwner = spawnSync('true').pid;
    fs.writeFileSync(serverRecordFile(dataDir), JSON.stringify({ serverPid: leftover.process.pid, ownerPid: goneOwner, dbFile }));
    fs.writeFileSync(startLockFile(dataDir), `${goneOwner}\n`);
    let start: ServiceProcess | undefined;
    try {
      start = spawnScript('npm start', 'dist/src/cli/start.js', env);
      await start.waitFor(new RegExp(`stopped the Temporal dev server \\(pid ${leftover.process.pid}\\) that an earlier npm start, killed outright, left running`), 60_000);
      await start.waitFor(/worker started/, 90_000);
      assert.notEqual(leftover.process.exitCode ?? leftover.process.signalCode, null, 'the leftover server is gone');
      assert.ok(start.output.some((l) => /Temporal dev server ready/.test(l)), 'it started a server of its own');
      // Its own server is named for the next npm start, as its own.
      const record = JSON.parse(fs.readFileSync(serverRecordFile(dataDir), 'utf8')) as { serverPid: number; ownerPid: number };
      assert.equal(record.ownerPid, start.child.pid);
      assert.notEqual(record.serverPid, leftover.process.pid);
      const exited = new Promise<number | null>((resolve) => start!.child.once('exit', (code) => resolve(code)));
      start.child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.equal(await isTemporalUp(address, 1000), false, 'Ctrl-C stopped its dev server too');
      assert.equal(fs.existsSync(serverRecordFile(dataDir)), false, 'a clean stop leaves no record');
      assert.equal(fs.existsSync(startLockFile(dataDir)), false, 'nor the lock it took over from the gone owner');
    } finally {
      await start?.stop();
      await leftover.stop();
    }
  });
});

describe('npm start with a LOCAL_SIEM_LOGS it cannot use (real process)', function () {
  this.timeout(60_000);

  for (const [what, logs, message] of [
    ['a chosen folder that does not exist (a volume not mounted)', () => path.join(tempDir('missing-logs'), 'mnt', 'siem'), /LOCAL_SIEM_LOGS=.* does not exist/],
    ['a path that is a file', () => {
      const file = path.join(tempDir('file-logs'), 'logs');
      fs.writeFileSync(file, 'not a folder');
      return file;
    }, /LOCAL_SIEM_LOGS=.* cannot be read \(ENOTDIR\)/],
  ] as const) {
    it(`refuses ${what}, naming the variable, and writes no sample logs there`, async () => {
      const { port, metricsPort } = await freeServicePorts();
      const dir = logs();
      const start = spawnScript('npm start', 'dist/src/cli/start.js', {
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        TEMPORAL_ADDRESS: testAddress(),
        DATA_DIR: tempDir('bad-logs-data'),
        LOCAL_SIEM_LOGS: dir,
      });
      const exited = new Promise<number | null>((resolve) => start.child.once('exit', (code) => resolve(code)));
      try {
        assert.equal(await exited, 1);
        await start.stop();
        assert.ok(start.output.some((l) => message.test(l)), start.output.slice(-5).join('\n'));
        assert.ok(!start.output.some((l) => /writing sample Okta logs/.test(l)));
        if (what.startsWith('a chosen')) assert.equal(fs.existsSync(dir), false, 'the missing folder was not created');
      } finally {
        await start.stop();
      }
    });
  }
});
