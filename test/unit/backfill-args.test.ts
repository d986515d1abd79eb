/** The backfill's command line and how it reads one line of a file (src/cli/backfill/args.ts, alert-sources.ts). */
import assert from 'node:assert/strict';
import { parseAlertLine } from '../../src/cli/backfill/alert-sources';
import { DEFAULT_RATE, parseArgs } from '../../src/cli/backfill/args';

describe('backfill arguments and lines', () => {
  it('starts at about what two cores triage unless told otherwise', () => {
    assert.equal(parseArgs(['--file', 'a.jsonl']).rate, DEFAULT_RATE);
    assert.ok(DEFAULT_RATE <= 5);
    assert.equal(parseArgs(['--file', 'a.jsonl', '--rate', '40']).rate, 40);
  });

  it('refuses --from/--to without --panther instead of triaging the whole file', () => {
    for (const flag of ['--from', '--to']) {
      assert.throws(() => parseArgs(['--file', 'a.jsonl', flag, '2026-10-20T00:00:00Z']), /--from and --to choose the range Panther lists: use them with --panther/);
    }
    assert.deepEqual(parseArgs(['--panther', '--from', '2026-10-20T00:00:00Z', '--to', '2026-10-21T00:00:00Z']).panther?.to, new Date('2026-10-21T00:00:00Z'));
  });

  it('refuses a tickets file that is the alerts file (opening it for the tickets would empty it)', () => {
    assert.throws(() => parseArgs(['--file', 'alerts.jsonl', '--dry-run', '--out', './alerts.jsonl']), /--out \.\/alerts\.jsonl is the alerts file itself/);
    assert.equal(parseArgs(['--file', 'alerts.jsonl', '--dry-run', '--out', 'tickets.jsonl']).out, 'tickets.jsonl');
  });

  it('reports a canonical line missing a field against the canonical format, not as a Panther payload', () => {
    const line = JSON.stringify({ source: 'crowdstrike', alertId: 'cs-1', detectionid: 'X', title: 't', severity: 'HIGH' });
    assert.throws(() => parseAlertLine(line, new Date()), (err: Error) => {
      assert.match(err.message, /detectionId/);
      assert.doesNotMatch(err.message, /Panther/);
      return true;
    });
  });

  it('tells the two shapes apart by the field each has alone', () => {
    const panther = { id: 'Okta.BruteForceLogins', alertId: 'p-1', title: 'Brute force', severity: 'HIGH' };
    assert.equal(parseAlertLine(JSON.stringify(panther), new Date()).detectionId, 'Okta.BruteForceLogins');
    const canonical = { source: 'crowdstrike', alertId: 'cs-1', detectionId: 'CS.Login', title: 't', severity: 'HIGH' };
    assert.equal(parseAlertLine(JSON.stringify(canonical), new Date()).source, 'crowdstrike');
    // A Panther payload missing its id is still read as Panther's, and the error names the id.
    assert.throws(() => parseAlertLine(JSON.stringify({ alertId: 'p-2', title: 't', severity: 'HIGH' }), new Date()), /invalid Panther alert: id/);
  });
});
