/** What each enrichment result says, as ticket lines. Pure. */
import type { IndicatorSearch, IpReputation, LoginLocations, RecentLogins } from '../domain/enrichment';
import { ago, place, plural, shortDate, truncate } from './format';
import { link, text, type Line } from './spans';

export function ipVerdict(r: IpReputation): 'malicious' | 'suspicious' | 'clean' | 'unknown' {
  if (!r.found) return 'unknown';
  if (r.malicious > 0) return 'malicious';
  if (r.suspicious > 0) return 'suspicious';
  return 'clean';
}

export function describeIpReputation(r: IpReputation): Line[] {
  const verdict = ipVerdict(r);
  if (verdict === 'unknown') {
    return [[text(r.ip, { code: true }), text(' — no VirusTotal record for this IP · '), link('VirusTotal ↗', r.link)]];
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
      text(` (${tables}) · `),
      link('open the search ↗', s.link),
    ],
  ];
}

export function describeLoginLocations(l: LoginLocations, alertIps: readonly string[], anchor: Date): Line[] {
  if (l.locations.length === 0) {
    return [[text(`no successful logins by ${l.user} in ${plural(l.days, 'day')}`)]];
  }
  const lines: Line[] = [[text(`${plural(l.totalLogins, 'successful login')} by ${l.user} in ${plural(l.days, 'day')}`)]];
  l.locations.forEach((loc, i) => {
    const line: Line = [
      text(`${i + 1}. `),
      text(loc.ip, { code: true }),
      text(`  ${place(loc.city, loc.country)}  ${plural(loc.count, 'login')}, last ${ago(loc.lastSeen, anchor)}`),
    ];
    if (alertIps.includes(loc.ip)) line.push(text('  ← the alert\'s IP', { bold: true }));
    lines.push(line);
  });
  if (alertIps.length && !l.locations.some((loc) => alertIps.includes(loc.ip))) {
    lines.push([text(`the alert's IP is not among ${l.user}'s usual login locations`, { bold: true })]);
  }
  return lines;
}

export function describeRecentLogins(r: RecentLogins, alertIps: readonly string[], anchor: Date): Line[] {
  if (r.logins.length === 0) return [[text(`no successful logins by ${r.user} found`)]];
  return r.logins.map((login) => {
    const line: Line = [text(`${ago(login.time, anchor)}  `)];
    if (login.ip) line.push(text(login.ip, { code: true }));
    line.push(text(`  ${place(login.city, login.country)}`));
    if (login.userAgent) line.push(text(`  ${truncate(login.userAgent, 60)}`));
    if (login.ip && alertIps.includes(login.ip)) line.push(text('  ← the alert\'s IP', { bold: true }));
    return line;
  });
}
