/** A Panther alert's link must point at the Panther console when it is known (src/intake/trusted-link.ts). */
import assert from 'node:assert/strict';
import { normalizePanther } from '../../src/intake/panther';
import { withTrustedLink } from '../../src/intake/trusted-link';
import { parseAlertLine } from '../../src/cli/backfill/alert-sources';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';

const CONSOLE = 'https://acme.runpanther.net';
const alertWithLink = (link: string) => normalizePanther({ ...demoPantherAlerts()[0]!.payload, link }, new Date());

describe('withTrustedLink', () => {
  it('keeps a link to the console', () => {
    const { alert, dropped } = withTrustedLink(alertWithLink(`${CONSOLE}/alerts/abc`), CONSOLE);
    assert.equal(alert.link, `${CONSOLE}/alerts/abc`);
    assert.equal(dropped, undefined);
  });

  it('drops a link to any other origin, a look-alike host and another port included, and says which', () => {
    for (const link of ['https://acme.runpanther.net.evil.example/alerts/abc', 'https://evil.example/login', 'http://acme.runpanther.net/alerts/abc', 'https://acme.runpanther.net:8443/x']) {
      const { alert, dropped } = withTrustedLink(alertWithLink(link), CONSOLE);
      assert.equal(alert.link, undefined, link);
      assert.equal(dropped, new URL(link).origin, link);
    }
  });

  it('keeps any link when no console is known (Panther not configured)', () => {
    assert.equal(withTrustedLink(alertWithLink('https://elsewhere.example/a'), undefined).alert.link, 'https://elsewhere.example/a');
  });

  it('applies to the Panther payloads of a backfill file too, not to canonical alerts from other SIEMs', () => {
    const panther = JSON.stringify({ ...demoPantherAlerts()[0]!.payload, link: 'https://acme-runpanther.net.evil.example/login' });
    assert.equal(parseAlertLine(panther, new Date(), CONSOLE).link, undefined);
    const kept = JSON.stringify({ ...demoPantherAlerts()[0]!.payload, link: `${CONSOLE}/alerts/abc` });
    assert.equal(parseAlertLine(kept, new Date(), CONSOLE).link, `${CONSOLE}/alerts/abc`);
    const canonical = JSON.stringify({ source: 'mysiem', alertId: 'a1', detectionId: 'D', title: 't', severity: 'LOW', link: 'https://siem.example/a1' });
    assert.equal(parseAlertLine(canonical, new Date(), CONSOLE).link, 'https://siem.example/a1');
    const pantherCanonical = JSON.stringify({ source: 'panther', alertId: 'a2', detectionId: 'D', title: 't', severity: 'LOW', link: 'https://evil.example/a2' });
    assert.equal(parseAlertLine(pantherCanonical, new Date(), CONSOLE).link, undefined, 'a Panther alert in the canonical shape is checked too');
  });
});
