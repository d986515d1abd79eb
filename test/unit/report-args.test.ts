/** `npm run report` arguments (src/cli/report.ts). */
import assert from 'node:assert/strict';
import { parseArgs, preferRun } from '../../src/cli/report';

describe('report arguments', () => {
  it('defaults to the last 7 days as a table', () => {
    assert.deepEqual(parseArgs([]), { sinceMs: 7 * 86_400_000, json: false, help: false });
  });

  it('reads --since as a duration and --json', () => {
    assert.deepEqual(parseArgs(['--since', '24h', '--json']), { sinceMs: 86_400_000, json: true, help: false });
  });

  it('asks for the usage on --help instead of failing', () => {
    assert.equal(parseArgs(['--help']).help, true);
    assert.equal(parseArgs(['-h']).help, true);
  });

  it('names the bad argument and shows the usage', () => {
    assert.throws(() => parseArgs(['--since', 'soon']), /--since needs a duration like 24h or 7d, got soon/);
    assert.throws(() => parseArgs(['--until', '1d']), /unknown argument --until; usage: npm run report/);
  });

  it('refuses an empty window and one that reaches back past any date', () => {
    assert.throws(() => parseArgs(['--since', '0d']), /--since must be longer than 0 .*got 0d/);
    assert.throws(() => parseArgs(['--since', '99999999999999d']), /--since must be longer than 0 and reach back to a real date/);
    assert.equal(parseArgs(['--since', '3650d']).sinceMs, 3650 * 86_400_000);
  });
});

describe('report: one run per alert', () => {
  const run = (startTime: string, terminated: boolean) => ({ startTime, terminated });
  it('counts the run a reset started, not the one it terminated', () => {
    const old = run('2025-06-18T14:00:00.000Z', true);
    const reset = run('2025-06-18T15:00:00.000Z', false);
    assert.equal(preferRun(old, reset), reset);
    assert.equal(preferRun(reset, old), reset);
  });
  it('prefers a run that was not terminated, else the latest', () => {
    const running = run('2025-06-18T14:00:00.000Z', false);
    const laterTerminated = run('2025-06-18T16:00:00.000Z', true);
    assert.equal(preferRun(running, laterTerminated), running);
    const a = run('2025-06-18T14:00:00.000Z', true);
    const b = run('2025-06-18T16:00:00.000Z', true);
    assert.equal(preferRun(a, b), b);
    assert.equal(preferRun(b, a), b);
  });
});
