/** The backfill's progress line (src/cli/progress.ts). */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Progress, type Counts } from '../../src/cli/progress';

function printed(): { out: PassThrough; lines: () => string[] } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { out, lines: () => text.trim().split('\n') };
}

const counts = (c: Partial<Counts>): Counts => ({ total: 0, started: 0, duplicate: 0, rejected: 0, skipped: 0, ...c });

describe('backfill progress', () => {
  it('shows the rate and ETA of the lines it works on, not of those a previous run finished', () => {
    let now = 1_000_000;
    const { out, lines } = printed();
    const progress = new Progress(out, 10_000, () => now);
    // A resumed run: 9,000 lines skipped at once, then 60 started in the next 6 seconds (a line on a pipe
    // every 5 s).
    progress.update(counts({ total: 9_000, skipped: 9_000 }));
    now += 6_000;
    progress.update(counts({ total: 9_060, skipped: 9_000, started: 60 }));
    const last = lines().at(-1)!;
    assert.match(last, /9060\/10000 91% · 10\.0\/s · ETA 94 s/, last);
  });

  it('has no ETA before it has started anything', () => {
    const { out, lines } = printed();
    new Progress(out, 100, () => 5_000).update(counts({ total: 50, skipped: 50 }));
    assert.match(lines()[0]!, /· 0\.0\/s · ETA — ·/);
  });
});
