/** `npm run report` arguments (src/cli/report.ts). */
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/report';

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
});
