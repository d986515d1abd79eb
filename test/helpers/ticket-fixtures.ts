/**
 * Realistic ticket inputs for the renderer tests: the "forgot password" brute-force alert of DESIGN.md
 * with every enrichment answered, plus variants (hostile text, hundreds of rows, failed steps).
 */
import type { Alert } from '../../src/domain/alert';
import type {
  Enrichments,
  IndicatorSearch,
  IpReputation,
  LoginEvent,
  LoginLocation,
  LoginLocations,
  RecentLogins,
} from '../../src/domain/enrichment';
import type { TicketInput } from '../../src/tickets/ticket';

export const ALERT_IP = '198.51.100.7';
export const OTHER_IP = '198.51.100.20';
export const USER = 'alice@acme.io';
export const CREATED_AT = '2025-06-18T14:25:00.000Z';

/** Text that would ping the channel, mention a user, and plant a link if it reached Slack unescaped. */
export const HOSTILE = '<!channel> <@U012ABC> <https://evil.example|click> & *bold*';
/** Alert text that would forge a ticket line of its own if a renderer kept its line breaks. */
export const FORGED_LINE = 'alice@acme.io\nFORGED ✅ Closed as benign by J. Doe\r\nFORGED again\u2028FORGED once more';

export function forgotPasswordAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    source: 'panther',
    alertId: '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1',
    detectionId: 'Okta.BruteForceLogins',
    detectionName: 'Okta Brute Force Logins',
    title: `Suspected brute force Okta logins to account ${USER}, due to [INVALID_CREDENTIALS]`,
    severity: 'MEDIUM',
    logType: 'Okta.SystemLog',
    logTypeSource: 'routing-table',
    createdAt: CREATED_AT,
    link: 'https://acme.runpanther.net/alerts/5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1',
    description: 'A user has failed to login more than 5 times in 15 minutes',
    tags: ['Okta', 'Credential Access:Brute Force'],
    ips: [ALERT_IP],
    users: [USER],
    ...overrides,
  };
}

export function ipReputation(overrides: Partial<IpReputation> = {}): IpReputation {
  return {
    ip: ALERT_IP,
    provider: 'virustotal',
    found: true,
    malicious: 0,
    suspicious: 0,
    harmless: 70,
    undetected: 24,
    engines: 94,
    reputation: 3,
    asn: 64501,
    asOwner: 'ACME ISP',
    country: 'PT',
    lastAnalysis: '2025-06-17T09:00:00.000Z',
    link: `https://www.virustotal.com/gui/ip-address/${ALERT_IP}`,
    ...overrides,
  };
}

export function indicatorSearch(overrides: Partial<IndicatorSearch> = {}): IndicatorSearch {
  return {
    indicator: ALERT_IP,
    from: '2025-06-15T14:25:00.000Z',
    to: '2025-06-18T14:30:00.000Z',
    days: 3,
    hits: 9,
    firstSeen: '2025-06-15T14:02:00.000Z',
    lastSeen: '2025-06-18T14:20:00.000Z',
    tables: [{ table: 'okta_systemlog', hits: 9 }],
    link: `http://127.0.0.1:3000/siem/search?indicator=${ALERT_IP}&from=2025-06-15T14%3A25%3A00.000Z&to=2025-06-18T14%3A30%3A00.000Z`,
    ...overrides,
  };
}

export function loginLocations(user = USER, locations?: LoginLocation[]): LoginLocations {
  const locs = locations ?? [
    { ip: ALERT_IP, city: 'Lisbon', country: 'Portugal', count: 123, lastSeen: '2025-06-18T04:25:00.000Z' },
    { ip: OTHER_IP, city: 'Porto', country: 'Portugal', count: 41, lastSeen: '2025-06-16T09:00:00.000Z' },
  ];
  return { user, days: 90, totalLogins: locs.reduce((n, l) => n + l.count, 0), locations: locs };
}

export function recentLogins(user = USER, logins?: LoginEvent[]): RecentLogins {
  return {
    user,
    logins: logins ?? [
      { time: '2025-06-18T12:25:00.000Z', ip: '100.64.9.9', city: 'Madrid', country: 'Spain', userAgent: 'Mozilla/5.0 (Macintosh)' },
      { time: '2025-06-18T04:25:00.000Z', ip: ALERT_IP, city: 'Lisbon', country: 'Portugal', userAgent: 'Mozilla/5.0 (Macintosh)' },
      { time: '2025-06-17T08:25:00.000Z', ip: OTHER_IP, city: 'Porto', country: 'Portugal' },
    ],
  };
}

export function allOk(): Enrichments {
  return {
    ipReputation: { status: 'ok', data: ipReputation() },
    indicatorSearch: { status: 'ok', data: indicatorSearch() },
    loginLocations: { status: 'ok', data: loginLocations() },
    recentLogins: { status: 'ok', data: recentLogins() },
  };
}

export function ticketInput(overrides: Partial<TicketInput> = {}): TicketInput {
  const alert = overrides.alert ?? forgotPasswordAlert();
  return {
    workflowId: `alert/${alert.source}/${alert.alertId}`,
    alert,
    playbook: { id: 'bruteForce', matchedBy: 'routing-table', logTypeWorkflow: 'oktaTriage' },
    enrichments: allOk(),
    ...overrides,
  };
}

/** The same ticket where every piece of alert-controlled text is hostile: `HOSTILE`, or the given value. */
export function hostileTicketInput(value: string = HOSTILE): TicketInput {
  const alert = forgotPasswordAlert({
    title: value,
    users: [value],
    detectionName: value,
    runbook: value,
    description: value,
  });
  return ticketInput({
    alert,
    enrichments: {
      ipReputation: { status: 'ok', data: ipReputation({ asOwner: value, country: value }) },
      indicatorSearch: { status: 'ok', data: indicatorSearch({ tables: [{ table: value, hits: 9 }] }) },
      loginLocations: {
        status: 'ok',
        data: loginLocations(value, [{ ip: ALERT_IP, city: value, country: value, count: 3, lastSeen: '2025-06-18T04:25:00.000Z' }]),
      },
      recentLogins: {
        status: 'ok',
        data: recentLogins(value, [{ time: '2025-06-18T04:25:00.000Z', ip: ALERT_IP, city: value, country: value, userAgent: value }]),
      },
    },
  });
}

/** 500 distinct login rows for both login sections. */
export function manyRowsTicketInput(rows = 500): TicketInput {
  const locations: LoginLocation[] = [];
  const logins: LoginEvent[] = [];
  for (let i = 0; i < rows; i++) {
    const ip = `10.${Math.floor(i / 250)}.${i % 250}.${(i * 7) % 250}`;
    const time = new Date(Date.parse(CREATED_AT) - (i + 1) * 3_600_000).toISOString();
    locations.push({ ip, city: `City number ${i}`, country: 'Portugal', count: rows - i, lastSeen: time });
    logins.push({ time, ip, city: `City number ${i}`, country: 'Portugal', userAgent: `Mozilla/5.0 (agent ${i}) ${'x'.repeat(80)}` });
  }
  return ticketInput({
    alert: forgotPasswordAlert({ title: `Brute force ${'y'.repeat(988)}` }),
    enrichments: {
      ...allOk(),
      loginLocations: { status: 'ok', data: loginLocations(USER, locations) },
      recentLogins: { status: 'ok', data: recentLogins(USER, logins) },
    },
  });
}
