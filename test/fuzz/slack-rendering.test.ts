/**
 * Property-based fuzzing of the Slack renderer (src/tickets/slack-message.ts over tickets from buildTicket):
 * whatever an alert, a SIEM or an enrichment provider puts in the text, what goes to Slack carries no
 * control sequence (`<!channel>`, `<@U…>`, `<#C…>`, `<url|label>`) but the ticket's own links and the
 * clicking analyst's mention, stays valid Block Kit, and reads back as the original text.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Alert } from '../../src/domain/alert';
import type { Enrichments, Outcome } from '../../src/domain/enrichment';
import type { Actor, AutoCloseVerdict } from '../../src/domain/triage-state';
import { MENTION_TARGET } from '../../src/tickets/slack-ids';
import { SLACK_LIMITS, escapeMrkdwn, lineToMrkdwn, renderSlackMessage } from '../../src/tickets/slack-message';
import { oneLine, type Span } from '../../src/tickets/spans';
import { SEVERITY_EMOJI, buildTicket, type TicketInput, type TicketTriage } from '../../src/tickets/ticket';
import { validateBlocks } from '../fakes/slack';
import { FUZZ_SEED, HOSTILE_VALID_LINKS, KNOWN_DETECTIONS, LOGIN_LOG_TYPES, hostileText, ipv4, severityAnyCase } from '../helpers/hostile';
import { blockTexts, slackTextViolations, slackUnescape } from './oracles';

const RUNS = { tickets: 3_000, spans: 10_000, escape: 10_000 };

const text = (maxLength: number) => hostileText({ maxLength });
const someText = (maxLength: number) => hostileText({ minLength: 1, maxLength });
const iso = fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') }).map((ms) => new Date(ms).toISOString());
/** A Slack user id as a signed interaction carries it. */
const slackUserId = fc.stringMatching(/^[UW][A-Z0-9]{2,20}$/);

const hostileAlert: fc.Arbitrary<Alert> = fc.record({
  source: fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/),
  alertId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/),
  detectionId: fc.oneof(fc.constantFrom(...KNOWN_DETECTIONS), someText(256)),
  detectionName: fc.option(text(512), { nil: undefined }),
  title: someText(1000),
  severity: severityAnyCase.map((s) => s.toUpperCase() as Alert['severity']),
  logType: fc.oneof(fc.constantFrom(...LOGIN_LOG_TYPES, 'Unknown'), someText(128)),
  logTypeSource: fc.constantFrom('payload', 'routing-table', 'title', 'siem-api', 'default'),
  createdAt: iso,
  link: fc.option(fc.oneof(fc.constantFrom(...HOSTILE_VALID_LINKS), text(300)), { nil: undefined }),
  runbook: fc.option(text(4000), { nil: undefined }),
  description: fc.option(text(4000), { nil: undefined }),
  tags: fc.array(text(128), { maxLength: 5 }),
  ips: fc.array(ipv4, { maxLength: 3 }),
  users: fc.array(someText(256), { maxLength: 3 }),
});

/** An enrichment outcome whose data (what a SIEM or provider answered) and reasons are hostile too. */
function outcome<T>(data: fc.Arbitrary<T>): fc.Arbitrary<Outcome<T> | undefined> {
  return fc.oneof(
    data.map((d): Outcome<T> => ({ status: 'ok', data: d })),
    fc.record({ d: data, at: iso }).map(({ d, at }): Outcome<T> => ({ status: 'ok', data: d, cache: { hit: true, fetchedAt: at } })),
    text(300).map((reason): Outcome<T> => ({ status: 'unavailable', reason })),
    text(300).map((reason): Outcome<T> => ({ status: 'skipped', reason })),
    text(300).map((reason): Outcome<T> => ({ status: 'not_configured', reason })),
    fc.record({ reason: text(300), ip: ipv4 }).map(({ reason, ip }): Outcome<T> => ({ status: 'pending', reason, lookup: { provider: 'virustotal', indicator: ip } })),
    fc.constant(undefined),
  );
}

const optText = (n: number) => fc.option(text(n), { nil: undefined });
const url = fc.oneof(fc.constantFrom(...HOSTILE_VALID_LINKS), text(200));

const hostileEnrichments: fc.Arbitrary<Enrichments> = fc.record({
  ipReputation: outcome(
    fc.record({
      ip: someText(64),
      provider: fc.constant('virustotal' as const),
      found: fc.boolean(),
      malicious: fc.nat(100),
      suspicious: fc.nat(100),
      harmless: fc.nat(100),
      undetected: fc.nat(100),
      engines: fc.nat(100),
      reputation: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined }),
      asn: fc.option(fc.nat(), { nil: undefined }),
      asOwner: optText(200),
      country: optText(20),
      link: url,
    }),
  ),
  abuseIpdb: outcome(
    fc.record({
      ip: someText(64),
      provider: fc.constant('abuseipdb' as const),
      abuseConfidenceScore: fc.nat(100),
      totalReports: fc.nat(1000),
      distinctReporters: fc.nat(1000),
      lastReportedAt: fc.option(iso, { nil: undefined }),
      countryCode: optText(10),
      usageType: optText(100),
      isp: optText(100),
      isTor: fc.boolean(),
      link: url,
    }),
  ),
  greyNoise: outcome(
    fc.record({
      ip: someText(64),
      provider: fc.constant('greynoise' as const),
      found: fc.boolean(),
      noise: fc.boolean(),
      riot: fc.boolean(),
      classification: optText(50),
      name: optText(100),
      lastSeen: optText(40),
      link: url,
    }),
  ),
  indicatorSearch: outcome(
    fc.record({
      indicator: someText(64),
      from: iso,
      to: iso,
      days: fc.nat(100),
      hits: fc.nat(10_000),
      firstSeen: fc.option(iso, { nil: undefined }),
      lastSeen: fc.option(iso, { nil: undefined }),
      tables: fc.array(fc.record({ table: someText(100), hits: fc.nat(1000) }), { maxLength: 6 }),
      link: url,
    }),
  ),
  loginLocations: outcome(
    fc.record({
      user: someText(256),
      days: fc.nat(100),
      totalLogins: fc.nat(10_000),
      locations: fc.array(fc.record({ ip: someText(64), city: optText(100), country: optText(100), count: fc.nat(1000), lastSeen: iso }), { maxLength: 8 }),
    }),
  ),
  recentLogins: outcome(
    fc.record({
      user: someText(256),
      logins: fc.array(
        fc.record({ time: iso, ip: optText(64), city: optText(100), country: optText(100), userAgent: optText(400) }),
        { maxLength: 8 },
      ),
    }),
  ),
});

/** Who acted: analysts are ids from signed Slack payloads, with whatever display name Slack sent. */
const actor: fc.Arbitrary<Actor> = fc.oneof(
  fc.record({ kind: fc.constant('analyst' as const), id: slackUserId, name: optText(100) }),
  fc.record({ kind: fc.constantFrom('automation' as const, 'system' as const), id: someText(100), name: optText(100) }),
);

const verdict: fc.Arbitrary<AutoCloseVerdict> = fc.record({
  ruleId: someText(100),
  ruleVersion: fc.nat(100),
  disposition: fc.constantFrom('benign' as const, 'false_positive' as const),
  reason: text(500),
  facts: fc.constant({}),
});

const triage: fc.Arbitrary<TicketTriage | undefined> = fc.option(
  fc.record({
    status: fc.constantFrom('awaiting_analyst', 'escalated', 'closed', 'auto_closed', 'expired', 'delivery_failed'),
    disposition: fc.option(fc.constantFrom('benign', 'false_positive', 'escalated', 'auto_closed', 'expired'), { nil: undefined }),
    closedBy: fc.option(actor, { nil: undefined }),
    closedAt: fc.option(iso, { nil: undefined }),
    assignee: fc.option(actor, { nil: undefined }),
    shadow: fc.option(verdict, { nil: undefined }),
    autoClosed: fc.option(verdict, { nil: undefined }),
    reopened: fc.nat(5),
  }),
  { nil: undefined },
);

const ticketInput: fc.Arbitrary<TicketInput> = fc
  .record({
    alert: hostileAlert,
    playbook: fc.record({
      id: fc.constantFrom('bruteForce' as const, 'identityTriage' as const, 'ipTriage' as const),
      matchedBy: fc.constantFrom('routing-table' as const, 'fallback' as const),
      logTypeWorkflow: fc.constantFrom('oktaTriage', 'genericTriage'),
    }),
    enrichments: hostileEnrichments,
    jira: fc.option(fc.record({ key: fc.stringMatching(/^[A-Z][A-Z0-9]{0,9}-[1-9]\d{0,5}$/), url: url }), { nil: undefined }),
    triage,
  })
  .map((i) => ({ ...i, workflowId: `alert/${i.alert.source}/${i.alert.alertId}` }));

/** The analysts whose mention the ticket may carry: ids from signed clicks, never from alert text. */
function analystIds(t: TicketTriage | undefined): Set<string> {
  return new Set([t?.closedBy, t?.assignee].filter((a): a is Actor => a?.kind === 'analyst').map((a) => a.id));
}

const params = (numRuns: number) => ({ numRuns, seed: FUZZ_SEED });

describe('fuzz: Slack rendering of hostile alerts', function () {
  this.timeout(120_000);

  it(`renders ${RUNS.tickets} hostile tickets with no control sequence from their text, as valid Block Kit`, () => {
    fc.assert(
      fc.property(ticketInput, (input) => {
        const message = renderSlackMessage(buildTicket(input), input.workflowId);
        const allowed = analystIds(input.triage);
        const texts = [{ where: 'text', text: message.text }, ...blockTexts(message.blocks)];
        const violations = texts.flatMap((t) => slackTextViolations(t.text, t.where, allowed));
        assert.deepEqual(violations, [], `rendered ${JSON.stringify(input.alert.title)}`);
        assert.deepEqual(validateBlocks(message.blocks as Array<Record<string, unknown> & { type: string }>), [], 'Slack would reject the ticket');
      }),
      params(RUNS.tickets),
    );
  });

  it('keeps the title readable: the fallback text reads back as the alert title, on one line', () => {
    fc.assert(
      fc.property(ticketInput, (input) => {
        const message = renderSlackMessage(buildTicket(input), input.workflowId);
        const prefix = `${SEVERITY_EMOJI[input.alert.severity]} [${input.alert.severity}] `;
        assert.ok(message.text.startsWith(prefix));
        const shown = message.text.slice(prefix.length);
        const title = oneLine(input.alert.title);
        if (message.text.endsWith('…') && message.text.length === SLACK_LIMITS.fallbackText) {
          // Cut at Slack's limit: what is shown is the start of the escaped title.
          assert.ok(escapeMrkdwn(title).startsWith(shown.slice(0, -1)));
        } else assert.equal(slackUnescape(shown), title);
      }),
      params(RUNS.tickets),
    );
  });

  it(`puts no control sequence in any of ${RUNS.spans} lines of hostile spans but links to http(s) and signed analysts`, () => {
    const span: fc.Arbitrary<Span> = fc.oneof(
      fc.record({ kind: fc.constant('text' as const), text: text(200), bold: fc.boolean(), code: fc.boolean() }),
      fc.record({ kind: fc.constant('link' as const), text: fc.constantFrom('SIEM alert ↗', 'VirusTotal ↗', 'open the search ↗'), url }),
      fc.record({ kind: fc.constant('link' as const), text: text(100), url: text(100).filter((u) => !/^https?:\/\//i.test(u)) }),
      fc.record({ kind: fc.constant('mention' as const), userId: slackUserId }),
      // A mention whose target is not a user id or the operator's escalation target is text, escaped.
      fc.record({ kind: fc.constant('mention' as const), userId: someText(40).filter((t) => !MENTION_TARGET.test(t)) }),
    );
    fc.assert(
      fc.property(fc.array(span, { maxLength: 8 }), (line) => {
        const allowed = new Set(line.flatMap((s) => (s.kind === 'mention' && /^[UW][A-Z0-9]{2,20}$/.test(s.userId) ? [s.userId] : [])));
        assert.deepEqual(slackTextViolations(lineToMrkdwn(line), 'line', allowed), []);
      }),
      params(RUNS.spans),
    );
  });

  it(`escapes ${RUNS.escape} hostile strings so that they read back unchanged and hold no < > or bare &`, () => {
    fc.assert(
      fc.property(text(2000), (s) => {
        const escaped = escapeMrkdwn(s);
        assert.equal(slackUnescape(escaped), s);
        assert.ok(!/[<>]/.test(escaped));
        assert.ok(!/&(?!(amp|lt|gt);)/.test(escaped));
      }),
      params(RUNS.escape),
    );
  });
});
