/**
 * The backfill command as an operator runs it (a real process against the real dev server): 1,000
 * alerts from a file with progress, a second run that starts nothing, and a dry run that writes tickets
 * to a file and nothing to Slack, Jira or Panther.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { projectRoot } from '../../src/config/paths';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { graphqlRootIs } from '../fakes/panther';
import { NEUTRAL_CWD } from '../helpers/processes';
import { tempDir } from '../helpers/sample-logs';
import { until } from '../helpers/until';
import { testAddress, uniqueTaskQueue, visibilityCaughtUp } from '../helpers/temporal';
import { startStack, type Stack } from '../helpers/worker-stack';
import { SA } from '../../src/temporal/search-attributes';

const run = promisify(execFile);
const BACKFILL = () => path.join(projectRoot(), 'dist/src/cli/backfill.js');

function alertsFile(n: number): string {
  const file = path.join(tempDir('backfill'), 'alerts.jsonl');
  const [forgot, attack] = demoPantherAlerts().map((a) => a.payload);
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ ...(i % 2 ? attack : forgot)!, alertId: randomBytes(16).toString('hex') }));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function backfill(args: string[], env: Record<string, string>): Promise<{ stderr: string; code: number }> {
  try {
    const { stderr } = await run(process.execPath, [BACKFILL(), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: NEUTRAL_CWD, maxBuffer: 16 * 1024 * 1024 });
    return { stderr, code: 0 };
  } catch (err) {
    const e = err as { stderr?: string; code?: number };
    return { stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

describe('backfill (real process, real Temporal)', function () {
  this.timeout(240_000);
  let connection: Connection;
  let client: Client;
  before(async () => {
    connection = await Connection.connect({ address: testAddress() });
    client = new Client({ connection });
  });
  after(() => connection?.close());

  it('starts 1,000 alerts from a file with progress and an ETA; a second run starts none', async () => {
    const taskQueue = uniqueTaskQueue('backfill');
    const file = alertsFile(1000);
    const env = { TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue, DATA_DIR: tempDir('backfill-data') };
    const first = await backfill(['--file', file, '--rate', '400'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /ETA/, 'progress with an ETA');
    assert.match(first.stderr, /done in [\d.]+ s: 1000 alerts — started 1000, duplicate 0, already done 0, rejected 0/);
    const count = async () => (await client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkflowType = "alertTriage"`)).count;
    // Visibility catches up with the starts shortly after them.
    assert.ok(await until(async () => (await count()) === 1000, 30_000, 250), `1000 workflows, found ${await count()}`);

    const second = await backfill(['--file', file, '--rate', '400'], env);
    assert.match(second.stderr, /started 0, duplicate 0, already done 1000, rejected 0/, 'resumed from the checkpoint');
    const forced = await backfill(['--file', file, '--rate', '400', '--restart'], env);
    assert.match(forced.stderr, /started 0, duplicate 1000, already done 0, rejected 0/, 'idempotent even without the checkpoint');
    await visibilityCaughtUp(client, taskQueue);
    assert.equal(await count(), 1000, 'no workflow was started twice');
  });

  it('reports malformed lines and carries on, and says which alerts had no time of their own', async () => {
    const file = path.join(tempDir('backfill-bad'), 'alerts.jsonl');
    const payload = demoPantherAlerts()[0]!.payload;
    const good = JSON.stringify(payload);
    const { createdAt: _, ...rest } = payload;
    const undated = JSON.stringify({ ...rest, alertId: randomBytes(16).toString('hex') });
    // A blank line too: the lines are numbered as an editor shows them.
    fs.writeFileSync(file, `${good}\n\nnot json\n{"id":"Okta.BruteForceLogins"}\n${undated}\n`);
    const res = await backfill(['--file', file], {
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('bad'),
      DATA_DIR: tempDir('bad-data'),
      AUTOCLOSE_MODE: 'off',
      SLA_REMINDER: 'HIGH=30m',
    });
    assert.equal(res.code, 1);
    // Where the alerts go, and that nothing will triage them yet: no worker polls that queue.
    assert.ok(res.stderr.includes(`to Temporal ${testAddress()}, namespace default, task queue bad-`), res.stderr);
    assert.match(res.stderr, /task queue bad-\S+ \(no worker polls it now: the triages wait until one does\)/);
    // The settings the triages carry come from the backfill's own environment: it says which.
    assert.match(res.stderr, /triage settings from this environment: auto-close off · SLA reminders HIGH 30 min · escalations/);
    assert.match(res.stderr, /started 2, duplicate 0, already done 0, rejected 2/);
    assert.match(res.stderr, /line 3: .*JSON/);
    assert.match(res.stderr, /line 4: invalid Panther alert: alertId/);
    assert.match(res.stderr, /note: 1 alert\(s\) had no readable createdAt: their enrichment looked at the days before this backfill/);
  });

  it('refuses --panther without Panther credentials as a setup error, before connecting to Temporal', async () => {
    // Nothing answers at this address: the refusal must come first, not a connection error or a "carry on" hint.
    const res = await backfill(['--panther', '--from', '2026-10-01T00:00:00Z', '--to', '2026-10-02T00:00:00Z'], { TEMPORAL_ADDRESS: '127.0.0.1:1', DATA_DIR: tempDir('no-panther-data') });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^backfill: --panther needs PANTHER_API_URL and PANTHER_API_TOKEN$/m);
    assert.doesNotMatch(res.stderr, /carry on|Temporal/);
  });

  it('refuses to start when its checkpoint cannot be written, and says so before starting anything', async () => {
    const taskQueue = uniqueTaskQueue('no-checkpoint');
    const file = alertsFile(3);
    // A folder where the checkpoint goes: not writable as a file, even by root.
    fs.mkdirSync(`${file}.backfill-checkpoint.json`);
    const res = await backfill(['--file', file], { TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue, DATA_DIR: tempDir('no-checkpoint-data') });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /cannot write the checkpoint .*alerts\.jsonl\.backfill-checkpoint\.json \(EISDIR[^)]*\): nothing was started/);
    await visibilityCaughtUp(client, taskQueue);
    assert.equal((await client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkflowType = "alertTriage"`)).count, 0, 'no triage started');
  });

  describe('--dry-run', () => {
    let s: Stack;
    before(async () => (s = await startStack({}, { panther: { autoCreateAlerts: true } })));
    after(() => s?.stop());

    it('renders the tickets to a file and writes nothing to Slack, Jira or Panther', async () => {
      const file = alertsFile(5);
      const out = path.join(tempDir('dry'), 'tickets.jsonl');
      const env = { ...s.fakes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: s.taskQueue, DATA_DIR: tempDir('dry-data') };
      const res = await backfill(['--file', file, '--dry-run', '--out', out], env);
      assert.equal(res.code, 0, res.stderr);
      const tickets = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { workflowId: string; text: string; slack: { blocks: unknown[] }; playbook: string });
      assert.equal(tickets.length, 5);
      for (const t of tickets) {
        // Its run is over, and says so to anyone who lists runs by status (not a triage stuck enriching).
        const run = await s.t.client.workflow.getHandle(t.workflowId).describe();
        assert.equal(run.status.name, 'COMPLETED');
        assert.ok(await until(async () => (await s.t.client.workflow.getHandle(t.workflowId).describe()).typedSearchAttributes.get(SA.TriageStatus) === 'dry_run'), `${t.workflowId}: TriageStatus=dry_run`);
        assert.equal(t.playbook, 'bruteForce');
        assert.match(t.text, /Top login locations/);
        assert.ok(t.slack.blocks.length > 3);
      }
      assert.equal(s.fakes.slack.requests.length, 0, 'nothing sent to Slack');
      assert.equal(s.fakes.jira.requests.length, 0, 'nothing sent to Jira');
      assert.ok((s.fakes.panther?.comments.length ?? 0) === 0 && (s.fakes.panther?.statusUpdates.length ?? 0) === 0, 'nothing written to Panther');
      assert.ok(s.fakes.vt.requests.length > 0, 'enrichment still ran');
    });

    it('with --panther, lists the time range from the Panther API and triages those alerts (dry run)', async () => {
      const panther = s.fakes.panther!;
      const event = (i: number) => ({
        p_log_type: 'Okta.SystemLog',
        client: { ipAddress: `203.0.113.${10 + i}` },
        actor: { alternateId: 'alice.martin@acme.io' },
      });
      const origin = { id: 'Okta.BruteForceLogins', name: 'Okta brute force' };
      const inRange = Array.from({ length: 60 }, (_, i) => `range-${String(i).padStart(2, '0')}`);
      inRange.forEach((id, i) => panther.setAlert({ id, origin, createdAt: new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString(), events: [event(i % 3)] }));
      panther.setAlert({ id: 'before-range', origin, createdAt: '2026-09-30T23:59:00.000Z', events: [event(0)] });
      panther.setAlert({ id: 'after-range', origin, createdAt: '2026-10-02T00:00:00.000Z', events: [event(0)] });
      const out = path.join(tempDir('dry-panther'), 'tickets.jsonl');
      // A busy API on the way: a 502, then a 429 with its Retry-After, then two without (API Gateway's
      // throttle): each page is asked again, the throttled one after 1 s, then 2 s.
      const pagesBefore = panther.requests.length;
      panther.injectFaults(
        { match: graphqlRootIs('alerts'), status: 502 },
        { match: graphqlRootIs('alerts'), status: 429, headers: { 'retry-after': '1' } },
        { match: graphqlRootIs('alerts'), status: 429 },
        { match: graphqlRootIs('alerts'), status: 429 },
      );
      // A range without a zone is UTC, also on a machine set to another zone.
      const env = { ...s.fakes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: s.taskQueue, DATA_DIR: tempDir('dry-panther-data'), TZ: 'America/New_York' };
      const res = await backfill(['--panther', '--from', '2026-10-01T00:00:00', '--to', '2026-10-01T23:59:59', '--dry-run', '--out', out, '--rate', '100'], env);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /60 alerts — started 60, duplicate 0, already done 0, rejected 0/, 'more than one page (25 by default) was read');
      const tickets = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { alertId: string; playbook: string; text: string });
      assert.deepEqual(tickets.map((t) => t.alertId).sort(), inRange);
      for (const t of tickets) {
        assert.equal(t.playbook, 'bruteForce');
        assert.match(t.text, /203\.0\.113\.1[012]/, 'the indicators came from the alert\'s events in Panther');
      }
      assert.equal(panther.comments.length + panther.statusUpdates.length, 0, 'nothing written to Panther');
      const pages = panther.requests.slice(pagesBefore).filter(graphqlRootIs('alerts'));
      assert.deepEqual(pages.slice(0, 5).map((r) => r.status), [502, 429, 429, 429, 200]);
      const waited = (i: number) => pages[i + 1]!.at - pages[i]!.at;
      assert.ok(waited(2) >= 950 && waited(3) >= 1950, `a 429 without Retry-After backs off: waited ${waited(2)} ms, then ${waited(3)} ms`);
    });

    it('with --panther, a page the API refuses stops the run with the alerts read so far triaged, and says where to carry on', async () => {
      const panther = s.fakes.panther!;
      const origin = { id: 'Okta.BruteForceLogins', name: 'Okta brute force' };
      const ids = Array.from({ length: 70 }, (_, i) => `stop-${String(i).padStart(2, '0')}`);
      ids.forEach((id, i) =>
        panther.setAlert({ id, origin, createdAt: new Date(Date.UTC(2026, 9, 3, 0, i)).toISOString(), events: [{ p_log_type: 'Okta.SystemLog', client: { ipAddress: '203.0.113.30' }, actor: { alternateId: 'alice.martin@acme.io' } }] }),
      );
      // The second page is refused (a token that lost its permission mid-run): not a failure to retry.
      panther.injectFaults({ match: (r) => graphqlRootIs('alerts')(r) && !r.body.includes('"cursor":null'), status: 403 });
      const out = path.join(tempDir('dry-panther-stop'), 'tickets.jsonl');
      const env = { ...s.fakes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: s.taskQueue, DATA_DIR: tempDir('dry-panther-stop-data') };
      const res = await backfill(['--panther', '--from', '2026-10-03T00:00:00Z', '--to', '2026-10-04T00:00:00Z', '--dry-run', '--out', out, '--rate', '100'], env);
      assert.equal(res.code, 1, res.stderr);
      const read = Number(/done in [\d.]+ s: (\d+) alerts — started \1,/.exec(res.stderr)?.[1]);
      assert.ok(read > 0 && read < 70, `the first page was triaged: ${res.stderr}`);
      assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, read, 'a ticket for each alert read');
      assert.match(res.stderr, new RegExp(`stopped: Panther .*403.*: carry on with --from ${new Date(Date.UTC(2026, 9, 3, 0, read - 1)).toISOString().replace(/\./g, '\\.')}`));
    });
  });
});
