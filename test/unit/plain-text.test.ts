/** Ticket → plain text for the console and the local ticket file (src/tickets/plain-text.ts). */
import assert from 'node:assert/strict';
import { lineToText, renderPlainText } from '../../src/tickets/plain-text';
import { link, text } from '../../src/tickets/spans';
import { buildTicket } from '../../src/tickets/ticket';
import { ALERT_IP, FORGED_LINE, forgotPasswordAlert, hostileTicketInput, ipReputation, loginLocations, ticketInput } from '../helpers/ticket-fixtures';

const ESC_TITLE = '\u001b[31mRED ALERT\u001b[0m \u001b]0;pwned\u0007 back\bspace';

describe('renderPlainText', () => {
  it('renders a realistic ticket: title, severity, runbook, sections and links as `label <url>`', () => {
    const input = ticketInput();
    const out = renderPlainText(buildTicket(input));
    const lines = out.split('\n');
    assert.equal(lines[0], `🔐 ${input.alert.title}    🟡 MEDIUM`);
    assert.ok(lines[1]?.startsWith('Okta.BruteForceLogins · Okta.SystemLog · SIEM alert <https://acme.runpanther.net/alerts/'), lines[1]);
    assert.ok(lines[2]?.startsWith('Runbook: Check the source IP'), lines[2]);
    for (const title of ['VirusTotal', 'SIEM indicator search', 'Top login locations', 'Last successful logins']) {
      assert.ok(lines.includes(title), `section ${title}`);
    }
    assert.ok(out.includes(`    ${ALERT_IP} — clean: 0 malicious / 0 suspicious of 94`));
    assert.ok(out.includes(`VirusTotal <https://www.virustotal.com/gui/ip-address/${ALERT_IP}>`));
    assert.equal(lines.at(-1), `${input.workflowId} · oktaTriage → playbook bruteForce · LogType from routing-table`);
  });

  it('says an IP no VirusTotal engine analysed is not known to be clean, never "clean: … of 0"', () => {
    const input = ticketInput({
      enrichments: { ipReputation: { status: 'ok', data: ipReputation({ harmless: 0, undetected: 0, engines: 0, asOwner: 'Comcast' }) } },
    });
    const out = renderPlainText(buildTicket(input));
    assert.ok(out.includes(`    ${ALERT_IP} — not analysed by any VirusTotal engine, so not known to be clean`), out);
    assert.ok(!out.includes('clean: 0 malicious'), out);
  });

  it('strips terminal control characters (ESC, BEL, BS, CSI) from alert text', () => {
    const alert = forgotPasswordAlert({ title: ESC_TITLE, users: [ESC_TITLE], runbook: `read \u009b2J this` });
    const input = ticketInput({
      alert,
      enrichments: {
        loginLocations: { status: 'ok', data: loginLocations(ESC_TITLE) },
        ipReputation: { status: 'unavailable', reason: 'VirusTotal said \u001b[2J' },
      },
    });
    const out = renderPlainText(buildTicket(input));
    assert.ok(!out.includes('\u001b'), 'no ESC');
    assert.ok(!out.includes('\u0007'), 'no BEL');
    assert.ok(!out.includes('\b'), 'no backspace');
    assert.ok(!out.includes('\u009b'), 'no CSI');
    assert.ok(out.includes('[31mRED ALERT'), 'the printable rest is kept');
    assert.ok(out.includes('VirusTotal said �[2J'));
  });

  it('keeps a line break in alert text from forging a ticket line', () => {
    const out = renderPlainText(buildTicket(hostileTicketInput(FORGED_LINE)));
    assert.ok(out.includes('FORGED ✅'), 'the forged text is still shown, inside its own line');
    for (const line of out.split('\n')) assert.ok(!/^\W*FORGED/.test(line), `a forged line: ${line}`);
  });

  it('keeps tabs, which are not control sequences', () => {
    assert.equal(lineToText([text('a\tb')]), 'a\tb');
  });
  it('strips every C1 control character, not only CSI', () => {
    const out = lineToText([text('x\u009d52;c;aGk=\u009c \u0090q\u009c \u0098s \u009ep \u009fa y')]);
    assert.ok(!/[\u0080-\u009f]/.test(out), JSON.stringify(out));
  });

  it('renders a link as its label and URL, dropping the ↗', () => {
    assert.equal(lineToText([text('see '), link('VirusTotal ↗', 'https://vt.example/ip')]), 'see VirusTotal <https://vt.example/ip>');
  });
});
