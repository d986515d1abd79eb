/** Ticket → Jira issue fields and ADF description (src/tickets/jira-issue.ts). */
import assert from 'node:assert/strict';
import { alertLabel, renderJiraIssue, type AdfDoc, type AdfNode, type AdfText } from '../../src/tickets/jira-issue';
import { jiraLabel } from '../../src/tickets/jira-label';
import { link, text } from '../../src/tickets/spans';
import { buildTicket, type TicketTriage } from '../../src/tickets/ticket';
import { FORGED_LINE, HOSTILE, forgotPasswordAlert, hostileTicketInput, manyRowsTicketInput, ticketInput } from '../helpers/ticket-fixtures';

/** Node types this renderer may produce, and which of them must have content. */
const BLOCK_TYPES = new Set(['paragraph', 'heading', 'bulletList', 'listItem', 'table', 'tableRow', 'tableHeader', 'tableCell']);
const NEEDS_CONTENT = new Set(['heading', 'bulletList', 'listItem', 'table', 'tableRow', 'tableHeader', 'tableCell']);

function isText(n: AdfNode | AdfText): n is AdfText {
  return n.type === 'text';
}

/** Every node of the tree, depth first, with its path. */
function walk(doc: AdfDoc): Array<{ node: AdfNode | AdfText; path: string }> {
  const out: Array<{ node: AdfNode | AdfText; path: string }> = [];
  const visit = (node: AdfNode | AdfText, path: string): void => {
    out.push({ node, path });
    if (!isText(node)) node.content?.forEach((child, i) => visit(child, `${path}/${i}`));
  };
  doc.content.forEach((n, i) => visit(n, `/${i}`));
  return out;
}

function assertValidAdf(doc: AdfDoc): void {
  assert.equal(doc.type, 'doc');
  assert.equal(doc.version, 1);
  assert.ok(Array.isArray(doc.content) && doc.content.length > 0, 'doc has content');
  for (const top of doc.content) assert.ok(['paragraph', 'heading', 'bulletList', 'table'].includes(top.type), `top-level ${top.type}`);
  for (const { node, path } of walk(doc)) {
    if (isText(node)) {
      assert.equal(typeof node.text, 'string', `${path} text`);
      assert.ok(node.text.length > 0, `empty text node at ${path}`);
      for (const mark of node.marks ?? []) {
        if (mark.type === 'link') assert.match(mark.attrs.href, /^https?:\/\//, `${path} link href`);
      }
      continue;
    }
    assert.ok(BLOCK_TYPES.has(node.type), `unexpected node ${node.type} at ${path}`);
    if (NEEDS_CONTENT.has(node.type)) assert.ok(node.content && node.content.length > 0, `${node.type} without content at ${path}`);
    if (node.type === 'heading') assert.ok(typeof node.attrs?.['level'] === 'number', `${path} heading level`);
    if (node.type === 'bulletList') for (const c of node.content ?? []) assert.equal(c.type, 'listItem');
    if (node.type === 'listItem') for (const c of node.content ?? []) assert.equal(c.type, 'paragraph');
    if (node.type === 'table') for (const c of node.content ?? []) assert.equal(c.type, 'tableRow');
    if (node.type === 'tableRow') for (const c of node.content ?? []) assert.ok(['tableHeader', 'tableCell'].includes(c.type), `${path} row cell`);
    if (node.type === 'tableHeader' || node.type === 'tableCell') for (const c of node.content ?? []) assert.equal(c.type, 'paragraph');
    if (node.type === 'paragraph') for (const c of node.content ?? []) assert.equal(c.type, 'text');
  }
}

function allText(doc: AdfDoc): string[] {
  return walk(doc).flatMap(({ node }) => (isText(node) ? [node.text] : []));
}

describe('renderJiraIssue', () => {
  it('renders a realistic ticket: summary, labels, and a valid ADF description', () => {
    const input = ticketInput();
    const issue = renderJiraIssue(buildTicket(input), input.alert);
    assert.equal(issue.summary, `[MEDIUM] ${input.alert.title}`);
    assert.deepEqual(issue.labels, ['autotriage', 'autotriage-panther-5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1', 'detection-Okta.BruteForceLogins']);
    assertValidAdf(issue.description);
    const headings = issue.description.content.filter((n) => n.type === 'heading').map((n) => (n.content?.[0] as AdfText | undefined)?.text);
    assert.deepEqual(headings, ['VirusTotal', 'SIEM indicator search', 'Top login locations', 'Last successful logins']);
    const links = walk(issue.description).flatMap(({ node }) =>
      isText(node) ? (node.marks ?? []).flatMap((m) => (m.type === 'link' ? [m.attrs.href] : [])) : [],
    );
    assert.ok(links.includes(input.alert.link ?? ''), 'links the SIEM alert');
    assert.ok(links.some((l) => l.startsWith('https://www.virustotal.com/gui/ip-address/')), 'links VirusTotal');
  });

  it("says in the description what a rule decided: why an issue created closed is closed, or a shadow rule's verdict", () => {
    const verdict = { ruleId: 'known-location', ruleVersion: 1, disposition: 'benign' as const, reason: 'the IP is the user\'s #1 login location', facts: {} };
    const paragraphs = (triage: TicketTriage) => {
      const input = ticketInput({ triage });
      return JSON.stringify(renderJiraIssue(buildTicket(input), input.alert).description);
    };
    assert.match(paragraphs({ status: 'auto_closed', disposition: 'auto_closed', autoClosed: verdict, reopened: 0 }), /Auto-close as benign — the IP is the user's #1 login location .*known-location v1/);
    assert.match(paragraphs({ status: 'awaiting_analyst', shadow: verdict, reopened: 0 }), /Auto-close \(shadow\): would close as benign/);
    assert.doesNotMatch(paragraphs({ status: 'awaiting_analyst', reopened: 0 }), /Auto-close/);
  });

  it('has no empty text node anywhere, even where spans are empty (no first/last seen, empty runbook, empty reason)', () => {
    const base = ticketInput();
    const input = ticketInput({
      alert: forgotPasswordAlert({ runbook: '' }),
      enrichments: {
        ...base.enrichments,
        indicatorSearch: {
          status: 'ok',
          data: {
            indicator: '198.51.100.7', from: '2025-06-15T14:25:00.000Z', to: '2025-06-18T14:30:00.000Z', days: 3, hits: 4,
            tables: [{ table: 'okta_systemlog', hits: 4 }], link: 'http://127.0.0.1:3000/siem/search?indicator=198.51.100.7',
          },
        },
        loginLocations: { status: 'unavailable', reason: '' },
      },
    });
    const doc = buildTicket(input);
    doc.meta.push(text(''), text('', { bold: true }), link('', 'https://example.com'));
    assertValidAdf(renderJiraIssue(doc, input.alert).description);
  });

  it('stays valid ADF with 500 login rows and with hostile text', () => {
    for (const input of [manyRowsTicketInput(500), hostileTicketInput()]) {
      assertValidAdf(renderJiraIssue(buildTicket(input), input.alert).description);
    }
  });

  it('places hostile text verbatim in text nodes (ADF has no markup to inject into)', () => {
    const input = hostileTicketInput();
    const texts = allText(renderJiraIssue(buildTicket(input), input.alert).description);
    assert.ok(texts.some((t) => t.includes(HOSTILE)), 'the hostile runbook is one text node');
    assert.ok(texts.some((t) => t.includes(`by ${HOSTILE}`)), 'the hostile user is plain text');
  });

  it('keeps line breaks of alert text out of its text nodes (one line stays one line)', () => {
    const input = hostileTicketInput(FORGED_LINE);
    const texts = allText(renderJiraIssue(buildTicket(input), input.alert).description);
    assert.ok(texts.some((t) => t.includes('FORGED ✅')));
    for (const t of texts) assert.ok(!/[\r\n\u2028]/.test(t), JSON.stringify(t));
  });

  it('never puts a link mark on a non-http URL', () => {
    const input = ticketInput();
    const doc = buildTicket(input);
    doc.meta.push(link('click', 'javascript:alert(1)'));
    const description = renderJiraIssue(doc, input.alert).description;
    assertValidAdf(description);
    const click = walk(description).find(({ node }) => isText(node) && node.text === 'click')?.node as AdfText | undefined;
    assert.ok(click, 'the label is kept as text');
    assert.equal(click.marks, undefined);
  });

  it('shows login locations and recent logins as tables with a header row', () => {
    const doc = renderJiraIssue(buildTicket(ticketInput()), forgotPasswordAlert()).description;
    const tables = doc.content.filter((n) => n.type === 'table');
    assert.equal(tables.length, 2);
    const header = tables[0]!.content![0] as AdfNode;
    assert.deepEqual(
      (header.content ?? []).map((cell) => JSON.stringify(cell).match(/"text":"([^"]*)"/)?.[1] ?? ''),
      ['#', 'IP', 'Location', 'Logins', 'Last seen', ''],
    );
    assert.match(JSON.stringify(tables[0]), /198\.51\.100\.7/);
  });

  it('keeps the summary ≤255 characters and on one line', () => {
    const alert = forgotPasswordAlert({ title: `Brute force\r\non alice\nfrom [198.51.100.7] ${'z'.repeat(990)}` });
    const { summary } = renderJiraIssue(buildTicket(ticketInput({ alert })), alert);
    assert.ok(summary.length <= 255, `summary of ${summary.length}`);
    assert.ok(!/[\r\n]/.test(summary), 'no newline');
    assert.ok(summary.startsWith('[MEDIUM] Brute force on alice from [198.51.100.7] zzz'), summary);
  });

  it('makes labels without whitespace that contain the alert label', () => {
    const alert = forgotPasswordAlert({ alertId: 'Test.Alert', detectionId: 'Custom Rule: brute\tforce on <users>' });
    const { labels } = renderJiraIssue(buildTicket(ticketInput({ alert })), alert);
    assert.ok(labels.includes(alertLabel(alert)));
    assert.equal(alertLabel({ source: 'panther', alertId: '5f0c1e3b9a7d4c22' }), 'autotriage-panther-5f0c1e3b9a7d4c22');
    // Jira's `labels =` ignores case: an id with capitals gets a digest, so `AbC1` never finds `abc1`'s issue.
    assert.match(alertLabel(alert), /^autotriage_[0-9a-f]{40}$/);
    const [upper, lower] = [alertLabel({ source: 'siem', alertId: 'AbC1' }), alertLabel({ source: 'siem', alertId: 'abc1' })];
    assert.equal(lower, 'autotriage-siem-abc1');
    assert.notEqual(upper.toLowerCase(), lower.toLowerCase());
    // A source with "-" could meet another alert's label: those get a digest, one per alert.
    const [a, b] = [alertLabel({ source: 'acme-edr', alertId: '1' }), alertLabel({ source: 'acme', alertId: 'edr-1' })];
    assert.equal(b, 'autotriage-acme-edr-1');
    assert.match(a, /^autotriage_[0-9a-f]{40}$/);
    assert.notEqual(a, b);
    assert.equal(alertLabel({ source: 'acme-edr', alertId: '1' }), a, 'the same alert, the same label');
    for (const l of labels) {
      assert.ok(l.length > 0 && l.length <= 255, l);
      assert.ok(!/\s/.test(l), `label with whitespace: ${JSON.stringify(l)}`);
    }
    assert.ok(labels.includes('detection-Custom_Rule:_brute_force_on__users_'), labels.join(','));
  });

  it('jiraLabel caps labels at 255 characters', () => {
    assert.equal(jiraLabel('a b'.repeat(200)).length, 255);
  });
});
