/** What each enrichment result says, as ticket lines. Pure. */
import type { AbuseIpReport, GreyNoiseReport, IndicatorSearch, IpReputation, LoginLocations, RecentLogins } from '../domain/enrichment';
import { ago, place, plural, shortDate, truncate } from './format';
import { link, text, type Line } from './spans';

export function ipVerdict(r: IpReputation): 'malicious' | 'suspicious' | 'clean' | 'unknown' {
  if (!r.found || r.engines === 0) return 'unknown';
  if (r.malicious > 0) return 'malicious';
  if (r.suspicious > 0) return 'suspicious';
  return 'clean';
}

export function describeIpReputation(r: IpReputation): Line[] {
  const verdict = ipVerdict(r);
  if (verdict === 'unknown') {
    // A record with all-zero stats (VirusTotal's usual answer for an IP it never analysed) is not "clean".
    const why = r.found ? ' — not analysed by any VirusTotal engine, so not known to be clean' : ' — no VirusTotal record for this IP';
    const about = [r.asn !== undefined ? `AS${r.asn}` : '', r.asOwner ?? '', r.country ?? ''].filter(Boolean).join(' ');
    return [[text(r.ip, { code: true }), text(why), text(r.found && about ? ` · ${about}` : ''), text(' · '), link('VirusTotal ↗', r.link)]];
  }
  const line: Line = [
    text(r.ip, { code: true }),
    text(' — '),
    text(verdict === 'clean' ? 'clean' : verdict.toUpperCase(), { bold: verdict !== 'clean' }),
    text(`: ${r.malicious} malicious / ${r.suspicious} suspicious of ${r.engines}`),
  ];
  if (r.asn !== undefined || r.asOwner) line.push(text(` · ${[r.asn !== undefined ? `AS${r.asn}` : '', r.asOwner ?? ''].join(' ').trim()}`));
  if (r.country) line.push(text(` · ${r.country}`));
  if (r.reputation !== undefined) line.push(text(` · reputation ${r.reputation > 0 ? '+' : ''}${r.reputation}`));
  line.push(text(' · '), link('VirusTotal ↗', r.link));
  return [line];
}

export function describeAbuseIpReport(r: AbuseIpReport): Line[] {
  const score = r.abuseConfidenceScore;
  const line: Line = [
    text(r.ip, { code: true }),
    text(' — '),
    text(`abuse confidence ${score}%`, { bold: score >= 50 }),
    text(` · ${plural(r.totalReports, 'report')} from ${plural(r.distinctReporters, 'reporter')}`),
  ];
  if (r.lastReportedAt) line.push(text(`, last ${shortDate(r.lastReportedAt)}`));
  const about = [r.usageType, r.isp, r.countryCode].filter(Boolean).join(' · ');
  if (about) line.push(text(` · ${about}`));
  if (r.isTor) line.push(text(' · Tor exit', { bold: true }));
  line.push(text(' · '), link('AbuseIPDB ↗', r.link));
  return [line];
}

export function describeGreyNoiseReport(r: GreyNoiseReport): Line[] {
  if (!r.found) {
    return [[text(r.ip, { code: true }), text(' — not seen scanning the internet, not a known business service · '), link('GreyNoise ↗', r.link)]];
  }
  const what = r.riot ? 'known business service' : r.noise ? 'internet scanner' : 'seen';
  const line: Line = [text(r.ip, { code: true }), text(` — ${what}`)];
  if (r.classification) line.push(text(' · '), text(r.classification, { bold: r.classification === 'malicious' }));
  if (r.name && r.name !== 'unknown') line.push(text(` · ${r.name}`));
  if (r.lastSeen) line.push(text(` · last seen ${r.lastSeen}`));
  line.push(text(' · '), link('GreyNoise ↗', r.link));
  return [line];
}

export function describeIndicatorSearch(s: IndicatorSearch): Line[] {
  const period = plural(s.days, 'day');
  if (s.hits === 0) {
    return [[text(s.indicator, { code: true }), text(` — no events in the last ${period} · `), link('open the search ↗', s.link)]];
  }
  const tables = s.tables.slice(0, 5).map((t) => `${t.table} ${t.hits}`).join(', ');
  return [
    [
      text(s.indicator, { code: true }),
      text(` in ${plural(s.hits, 'event')} over ${period}`),
      text(s.firstSeen && s.lastSeen ? `, first ${shortDate(s.firstSeen)}, last ${shortDate(s.lastSeen)}` : ''),
      text(` (${tables})`),
      text(s.eventsRead !== undefined && s.eventsRead < s.hits ? `, seen in the ${s.eventsRead} events read` : ''),
      text(' · '),
      link('open the search ↗', s.link),
    ],
  ];
}

/** Rows of a section that Jira shows as a table and Slack/text as one line per row. */
export interface Table {
  header: string[];
  rows: Line[][];
}

/** One row as a line: its non-empty cells, two spaces apart. */
export function rowLine(cells: Line[]): Line {
  return cells.filter((c) => c.length > 0).flatMap((c, i) => (i === 0 ? c : [text('  '), ...c]));
}

const ALERT_IP_MARK = (): Line => [text('← the alert\'s IP', { bold: true })];

export function loginLocationsTable(l: LoginLocations, alertIps: readonly string[], anchor: Date): Table {
  return {
    header: ['#', 'IP', 'Location', 'Logins', 'Last seen', ''],
    rows: l.locations.map((loc, i) => [
      [text(`${i + 1}.`)],
      [text(loc.ip, { code: true })],
      [text(place(loc.city, loc.country))],
      [text(plural(loc.count, 'login'))],
      [text(`last ${ago(loc.lastSeen, anchor)}`)],
      alertIps.includes(loc.ip) ? ALERT_IP_MARK() : [],
    ]),
  };
}

export function describeLoginLocations(l: LoginLocations, alertIps: readonly string[], anchor: Date): Line[] {
  if (l.locations.length === 0) {
    return [[text(`no successful logins by ${l.user} in ${plural(l.days, 'day')}`)]];
  }
  const lines: Line[] = [[text(`${plural(l.totalLogins, 'successful login')} by ${l.user} in ${plural(l.days, 'day')}`)]];
  lines.push(...loginLocationsTable(l, alertIps, anchor).rows.map(rowLine));
  if (alertIps.length && !l.locations.some((loc) => alertIps.includes(loc.ip))) {
    lines.push([text(`the alert's IP is not among ${l.user}'s usual login locations`, { bold: true })]);
  }
  return lines;
}

export function recentLoginsTable(r: RecentLogins, alertIps: readonly string[], anchor: Date): Table {
  return {
    header: ['When', 'IP', 'Location', 'User agent', ''],
    rows: r.logins.map((login) => [
      [text(ago(login.time, anchor))],
      login.ip ? [text(login.ip, { code: true })] : [],
      [text(place(login.city, login.country))],
      login.userAgent ? [text(truncate(login.userAgent, 60))] : [],
      login.ip && alertIps.includes(login.ip) ? ALERT_IP_MARK() : [],
    ]),
  };
}

export function describeRecentLogins(r: RecentLogins, alertIps: readonly string[], anchor: Date): Line[] {
  if (r.logins.length === 0) return [[text(`no successful logins by ${r.user} found`)]];
  return recentLoginsTable(r, alertIps, anchor).rows.map(rowLine);
}
