/** Ticket → Slack Block Kit (src/tickets/slack-message.ts), from tickets built with buildTicket. */
import assert from 'node:assert/strict';
import { ENRICHMENT_SECTIONS } from '../../src/domain/enrichment';
import { SLACK_LIMITS, escapeMrkdwn, lineToMrkdwn, renderSlackLine, renderSlackMessage, safeUrl, type SlackMessage } from '../../src/tickets/slack-message';
import { link, text } from '../../src/tickets/spans';
import { buildTicket } from '../../src/tickets/ticket';
import { MAX_BLOCKS_TEXT, blocksTextLength, validateBlocks } from '../fakes/slack';
import {
  ALERT_IP,
  FORGED_LINE,
  HOSTILE,
  OTHER_IP,
  forgotPasswordAlert,
  hostileTicketInput,
  ipReputation,
  manyRowsTicketInput,
  recentLogins,
  ticketInput,
} from '../helpers/ticket-fixtures';

const FORBIDDEN = ['<!channel>', '<@U', '<https://evil'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every text object's text in the blocks, with the block type it belongs to. */
function blockTexts(message: SlackMessage): Array<{ block: string; text: string }> {
  const out: Array<{ block: string; text: string }> = [];
  for (const block of message.blocks) {
    const type = String(block['type']);
    const t = block['text'];
    if (isRecord(t) && typeof t['text'] === 'string') out.push({ block: type, text: t['text'] });
    const elements = block['elements'];
    if (Array.isArray(elements)) {
      for (const el of elements) if (isRecord(el) && typeof el['text'] === 'string') out.push({ block: type, text: el['text'] });
    }
  }
  return out;
}

/** The mrkdwn text of the section titled `title`. */
function section(message: SlackMessage, title: string): string {
  const found = blockTexts(message).find((b) => b.block === 'section' && b.text.startsWith(`*${title}*`));
  assert.ok(found, `no section titled ${title}`);
  return found.text;
}

function headerText(message: SlackMessage): string {
  const header = message.blocks[0];
  assert.ok(header && header['type'] === 'header');
  const t = header['text'];
  assert.ok(isRecord(t) && t['type'] === 'plain_text' && typeof t['text'] === 'string');
  return t['text'];
}

describe('renderSlackMessage', () => {
  it('renders a realistic brute-force ticket as valid Block Kit', () => {
    const input = ticketInput();
    const message = renderSlackMessage(buildTicket(input));
    assert.deepEqual(validateBlocks(message.blocks), []);
    assert.equal(headerText(message), `🔐 ${input.alert.title}`);
    const meta = blockTexts(message)[1]?.text ?? '';
    assert.match(meta, /^🟡 \*MEDIUM\* · `Okta\.BruteForceLogins` · `Okta\.SystemLog`/);
    assert.ok(meta.includes(`<${input.alert.link}|SIEM alert ↗> (${new URL(input.alert.link!).host})`), meta);
    assert.ok(section(message, 'VirusTotal').includes(`\`${ALERT_IP}\` — clean: 0 malicious / 0 suspicious of 94 · AS64501 ACME ISP · PT · reputation +3`));
    assert.ok(section(message, 'SIEM indicator search').includes('in 9 events over 3 days, first Jun 15 14:02, last Jun 18 14:20 (okta_systemlog 9)'));
    assert.ok(section(message, 'Top login locations').includes('164 successful logins by alice@acme.io in 90 days'));
    assert.ok(section(message, 'Last successful logins').includes('2 h ago  `100.64.9.9`  Madrid, Spain'));
    const footer = blockTexts(message).at(-1)?.text ?? '';
    assert.ok(footer.includes(`${input.workflowId} · oktaTriage → playbook bruteForce · LogType from routing-table`), footer);
    assert.ok(message.text.includes('[MEDIUM] Suspected brute force Okta logins to account alice@acme.io'));
  });

  it('puts the enrichment sections in the documented order, leaving out optional ones that are not configured', () => {
    const input = ticketInput();
    input.enrichments = {
      ...input.enrichments,
      abuseIpdb: { status: 'not_configured', reason: 'set ABUSEIPDB_API_KEY' },
      greyNoise: { status: 'unavailable', reason: 'GreyNoise answered HTTP 500' },
    };
    const titles = blockTexts(renderSlackMessage(buildTicket(input)))
      .filter((b) => b.block === 'section')
      .map((b) => /^\*([^*]+)\*/.exec(b.text)?.[1])
      .filter((t): t is string => t !== undefined && ENRICHMENT_SECTIONS.some((s) => s.title === t));
    assert.deepEqual(titles, ENRICHMENT_SECTIONS.map((s) => s.title).filter((t) => t !== 'AbuseIPDB'));
  });

  describe('hostile alert text', () => {
    it('escapes the title and user in every mrkdwn text and in the fallback text', () => {
      const message = renderSlackMessage(buildTicket(hostileTicketInput()));
      const mrkdwn = [message.text, ...blockTexts(message).filter((b) => b.block !== 'header').map((b) => b.text)].join('\n');
      for (const bad of FORBIDDEN) assert.ok(!mrkdwn.includes(bad), `raw ${bad} in ${mrkdwn}`);
      assert.ok(message.text.includes('&lt;!channel&gt; &lt;@U012ABC&gt; &lt;https://evil.example|click&gt; &amp; *bold*'), message.text);
      const locations = section(message, 'Top login locations');
      assert.ok(locations.includes('by &lt;!channel&gt; &lt;@U012ABC&gt;'), locations);
    });
    it('never yields a raw <!channel>, <@U or <https://evil anywhere in the rendered JSON', () => {
      const json = JSON.stringify(renderSlackMessage(buildTicket(hostileTicketInput())));
      for (const bad of FORBIDDEN) assert.ok(!json.includes(bad), `raw ${bad} in the rendered message`);
      assert.ok(json.includes('&lt;!channel&gt;'));
    });

    it('marks every mrkdwn text verbatim, so Slack turns no URL or #channel in alert text into a link', () => {
      const input = hostileTicketInput('https://evil.example/login #general');
      const messages = [renderSlackMessage(buildTicket(input), 'alert/panther/x'), renderSlackLine([text('Closed by '), text('https://evil.example/login')])];
      let checked = 0;
      const visit = (v: unknown): void => {
        if (Array.isArray(v)) return v.forEach(visit);
        if (!isRecord(v)) return;
        if (v['type'] === 'mrkdwn') {
          assert.equal(v['verbatim'], true, JSON.stringify(v));
          checked++;
        }
        Object.values(v).forEach(visit);
      };
      messages.forEach((m) => visit(m.blocks));
      assert.ok(checked >= 8, `only ${checked} mrkdwn texts`);
      for (const m of messages) assert.deepEqual(validateBlocks(m.blocks), []);
    });

    it('keeps a line break in alert text from forging a ticket line', () => {
      const message = renderSlackMessage(buildTicket(hostileTicketInput(FORGED_LINE)), 'alert/panther/x');
      const lines = [headerText(message), message.text, ...blockTexts(message).map((b) => b.text)].flatMap((t) => t.split('\n'));
      assert.ok(lines.some((l) => l.includes('FORGED ✅')), 'the forged text is still shown, inside its own line');
      for (const line of lines) assert.ok(!/^\W*FORGED/.test(line), `a forged line: ${line}`);
      assert.ok(!renderSlackLine([text(FORGED_LINE)]).text.includes('\n'));
    });

    it('keeps hostile text valid Block Kit', () => {
      assert.deepEqual(validateBlocks(renderSlackMessage(buildTicket(hostileTicketInput())).blocks), []);
    });

    it('neutralizes backticks and stars inside code and bold spans', () => {
      assert.equal(lineToMrkdwn([text('a`b*c', { code: true, bold: true })]), '*`aˋb∗c`*');
    });

    it('escapes &, < and > (and nothing else)', () => {
      assert.equal(escapeMrkdwn(HOSTILE), '&lt;!channel&gt; &lt;@U012ABC&gt; &lt;https://evil.example|click&gt; &amp; *bold*');
    });
  });

  describe('links', () => {
    it('links only http(s) URLs: a javascript: link renders as its label', () => {
      const doc = buildTicket(ticketInput());
      doc.meta.push(text(' · '), link('open me', 'javascript:alert(1)'), text(' · '), link('data', 'data:text/html,<script>'));
      const message = renderSlackMessage(doc);
      const meta = blockTexts(message)[1]?.text ?? '';
      assert.ok(meta.endsWith(' · open me · data'), meta);
      assert.ok(!JSON.stringify(message).includes('javascript:'));
      assert.equal(lineToMrkdwn([link('x', 'JavaScript:alert(1)')]), 'x');
      assert.equal(safeUrl('javascript:alert(1)'), undefined);
    });

    it("shows the SIEM alert link's host, punycoded, so a look-alike is in plain sight", () => {
      for (const [url, host] of [
        ['https://acme-runpanther.net.evil.example/login', 'acme-runpanther.net.evil.example'],
        ['https://аcme.runpanther.net/alerts/1', 'xn--cme-5cd.runpanther.net'], // a Cyrillic "а"
        ['https://acme.runpanther.net:8443/alerts/1', 'acme.runpanther.net:8443'],
      ]) {
        const message = renderSlackMessage(buildTicket(ticketInput({ alert: forgotPasswordAlert({ link: url }) })));
        const meta = blockTexts(message)[1]?.text ?? '';
        assert.ok(meta.includes(`|SIEM alert ↗> (${host})`), meta);
      }
    });

    it('percent-encodes | > < in a link URL so it cannot break out of <url|label>', () => {
      const alert = forgotPasswordAlert({ link: 'https://acme.runpanther.net/alerts/x|<!channel>>y' });
      const message = renderSlackMessage(buildTicket(ticketInput({ alert })));
      const meta = blockTexts(message)[1]?.text ?? '';
      assert.ok(meta.includes('<https://acme.runpanther.net/alerts/x%7C%3C!channel%3E%3Ey|SIEM alert ↗>'), meta);
      assert.ok(!JSON.stringify(message).includes('<!channel>'));
    });

    it('escapes a link label so `|` and `>` in it cannot end the token', () => {
      const doc = buildTicket(ticketInput({ jira: { key: 'SEC-1|<!here>', url: 'https://acme.atlassian.net/browse/SEC-1' } }));
      const meta = blockTexts(renderSlackMessage(doc))[1]?.text ?? '';
      assert.ok(meta.includes('<https://acme.atlassian.net/browse/SEC-1|Jira SEC-1¦&lt;!here&gt; ↗>'), meta);
    });
  });

  describe('Slack limits', () => {
    it('keeps the header ≤150 characters, every text ≤3000, and ≤50 blocks with 500 login rows', () => {
      const message = renderSlackMessage(buildTicket(manyRowsTicketInput(500)));
      assert.ok(headerText(message).length <= SLACK_LIMITS.headerText, `header ${headerText(message).length}`);
      assert.ok(message.blocks.length <= 50, `${message.blocks.length} blocks`);
      for (const b of blockTexts(message)) assert.ok(b.text.length <= 3000, `${b.block} text of ${b.text.length} characters`);
      assert.ok(message.text.length <= SLACK_LIMITS.fallbackText);
      assert.deepEqual(validateBlocks(message.blocks), []);
    });

    it('says how many rows were cut', () => {
      const message = renderSlackMessage(buildTicket(manyRowsTicketInput(500)));
      const recent = section(message, 'Last successful logins');
      assert.match(recent, /\n… \d+ more$/);
      const shown = recent.split('\n').length - 2; // minus the title line and the "more" line
      const more = Number(/… (\d+) more$/.exec(recent)?.[1]);
      assert.equal(shown + more, 500);
    });

    it("keeps the blocks' text in all under Slack's total (msg_blocks_too_long), every section and the buttons still there", () => {
      // Every enrichment at its longest: 500 rows each, and reasons of 10,000 characters.
      const long = 'x'.repeat(10_000);
      const rows = manyRowsTicketInput(500);
      const input = ticketInput({
        ...rows,
        triage: { status: 'awaiting_analyst', reopened: 0 },
        enrichments: {
          ...rows.enrichments,
          ipReputation: { status: 'unavailable', reason: long },
          indicatorSearch: { status: 'unavailable', reason: long },
          abuseIpdb: { status: 'unavailable', reason: long },
          greyNoise: { status: 'unavailable', reason: long },
        },
      });
      const doc = buildTicket(input);
      const message = renderSlackMessage(doc, 'alert/panther/huge');
      assert.ok(blocksTextLength(message.blocks) <= SLACK_LIMITS.messageText, `${blocksTextLength(message.blocks)} characters of block text`);
      assert.ok(blocksTextLength(message.blocks) <= MAX_BLOCKS_TEXT, 'within what the Slack fake takes');
      assert.ok(SLACK_LIMITS.messageText < MAX_BLOCKS_TEXT);
      for (const s of doc.sections) assert.ok(section(message, s.title).length > 100, `${s.title} is there, with its start`);
      assert.ok(message.blocks.some((b) => b['type'] === 'actions'), 'the buttons are there');
      assert.match(section(message, 'Last successful logins'), /\n… \d+ more$/);
      assert.deepEqual(validateBlocks(message.blocks), []);
      // A usual ticket is not cut at all.
      const usual = renderSlackMessage(buildTicket(ticketInput()), 'alert/panther/usual');
      assert.doesNotMatch(JSON.stringify(usual.blocks), /… \d+ more/);
    });

    it('keeps a single enormous unavailable reason within the section limit', () => {
      const input = ticketInput({ enrichments: { ipReputation: { status: 'unavailable', reason: 'x'.repeat(10_000) } } });
      const message = renderSlackMessage(buildTicket(input));
      for (const b of blockTexts(message)) assert.ok(b.text.length <= 3000);
      assert.deepEqual(validateBlocks(message.blocks), []);
    });
  });

  describe('enrichment outcomes', () => {
    it('renders a line for ok, unavailable (with reason), not_configured and skipped', () => {
      const input = ticketInput({
        enrichments: {
          ipReputation: { status: 'not_configured', reason: 'set VIRUSTOTAL_API_KEY to look up IP reputation' },
          indicatorSearch: { status: 'unavailable', reason: 'no okta_systemlog logs in /data/logs' },
          loginLocations: { status: 'skipped', reason: 'the alert names no user' },
          recentLogins: { status: 'ok', data: recentLogins() },
        },
      });
      const message = renderSlackMessage(buildTicket(input));
      assert.equal(section(message, 'VirusTotal'), '*VirusTotal*\nnot configured: set VIRUSTOTAL_API_KEY to look up IP reputation');
      assert.equal(section(message, 'SIEM indicator search'), '*SIEM indicator search*\n*unavailable:* no okta_systemlog logs in /data/logs');
      assert.equal(section(message, 'Top login locations'), '*Top login locations*\nskipped: the alert names no user');
      assert.ok(section(message, 'Last successful logins').includes('`100.64.9.9`'));
    });

    it('renders no section for an enrichment the playbook did not run', () => {
      const input = ticketInput({ enrichments: { ipReputation: { status: 'ok', data: ipReputation() } } });
      const message = renderSlackMessage(buildTicket(input));
      const titles = blockTexts(message).filter((b) => b.block === 'section').map((b) => b.text);
      assert.ok(titles.some((t) => t.startsWith('*VirusTotal*')));
      assert.ok(!titles.some((t) => t.startsWith('*Top login locations*')));
    });

    it("marks the alert's IP in the login locations and recent logins", () => {
      const message = renderSlackMessage(buildTicket(ticketInput()));
      const locations = section(message, 'Top login locations').split('\n');
      const home = locations.find((l) => l.includes(`\`${ALERT_IP}\``));
      const other = locations.find((l) => l.includes(`\`${OTHER_IP}\``));
      assert.ok(home?.includes("← the alert's IP"), home);
      assert.ok(other && !other.includes('← the alert'), other);
      const recent = section(message, 'Last successful logins').split('\n');
      assert.ok(recent.find((l) => l.includes(`\`${ALERT_IP}\``))?.includes("← the alert's IP"));
      assert.ok(!recent.find((l) => l.includes('`100.64.9.9`'))?.includes('← the alert'));
    });

    it("says so when the alert's IP is not among the user's usual locations", () => {
      const alert = forgotPasswordAlert({ ips: ['185.220.101.47'] });
      const locations = section(renderSlackMessage(buildTicket(ticketInput({ alert }))), 'Top login locations');
      assert.ok(!locations.includes('← the alert'));
      assert.ok(locations.includes("*the alert's IP is not among alice@acme.io's usual login locations*"), locations);
    });

    it('says when the detection fell back to the default playbook', () => {
      const input = ticketInput({ playbook: { id: 'ipTriage', matchedBy: 'fallback', logTypeWorkflow: 'genericTriage' } });
      const footer = blockTexts(renderSlackMessage(buildTicket(input))).at(-1)?.text ?? '';
      assert.ok(footer.includes('genericTriage → playbook ipTriage (fallback: detection not in the routing table)'), footer);
    });

    it('says when the detection itself failed (a RULE_ERROR alert) and so ran the fallback playbook', () => {
      const alert = forgotPasswordAlert({ alertType: 'RULE_ERROR' });
      const input = ticketInput({ alert, playbook: { id: 'identityTriage', matchedBy: 'detection-error', logTypeWorkflow: 'oktaTriage' } });
      const footer = blockTexts(renderSlackMessage(buildTicket(input))).at(-1)?.text ?? '';
      assert.ok(footer.includes('playbook identityTriage (fallback: the detection itself failed, RULE_ERROR; fix the detection)'), footer);
    });
  });
});
