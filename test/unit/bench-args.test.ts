/** The benchmark's command line (bench/run.ts): phases and settings reach the run, mistakes are named. */
import assert from 'node:assert/strict';
import { parseBenchArgs } from '../../bench/run';

describe('bench arguments', () => {
  it('runs every phase with the default configuration when given nothing', () => {
    const a = parseBenchArgs([]);
    assert.deepEqual([...a.phases], ['intake', 'latency', 'storm']);
    assert.deepEqual(a.env, {});
    assert.equal(a.storm, 5000);
  });

  it('takes a phase list and settings for the worker and the API', () => {
    const a = parseBenchArgs(['--phases', 'storm', '--env', 'TRIAGE_START_RATE=20', '--env', 'WORKER_MAX_CACHED_WORKFLOWS=300', '--storm', '600']);
    assert.deepEqual([...a.phases], ['storm']);
    assert.deepEqual(a.env, { TRIAGE_START_RATE: '20', WORKER_MAX_CACHED_WORKFLOWS: '300' });
    assert.equal(a.storm, 600);
  });

  it('names what is wrong', () => {
    assert.throws(() => parseBenchArgs(['--phases', 'storm,soak']), /--phases .*not soak/);
    assert.throws(() => parseBenchArgs(['--env', 'rate=5']), /--env needs NAME=VALUE/);
    assert.throws(() => parseBenchArgs(['--storm', '-1']), /--storm needs a whole number ≥ 0/);
    // A count of alerts is whole: 2.5 alerts would build 2 and wait an hour for the half.
    assert.throws(() => parseBenchArgs(['--storm', '2.5']), /--storm needs a whole number/);
    assert.throws(() => parseBenchArgs(['--latency-alerts', '1.5']), /--latency-alerts needs a whole number/);
    assert.equal(parseBenchArgs(['--vt-ms', '12.5']).latencies.virustotalMs, 12.5);
    assert.throws(() => parseBenchArgs(['--fast']), /unknown argument --fast/);
  });
});
