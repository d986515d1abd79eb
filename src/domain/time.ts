/**
 * Timestamps in logs and payloads come as RFC 3339, Panther's `2021-06-04 09:59:53.650807` (UTC, no zone),
 * or epoch milliseconds — or seconds: a number below 10^11 would be a millisecond time before March 1973,
 * never an alert's, so it is read as seconds. Anything that is no real instant of the years 0000–9999 (the
 * range an ISO-8601 string can carry) is undefined: `2024-02-30`, year 10000.
 */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return inIsoRange(new Date(Math.abs(value) < 1e11 ? value * 1000 : value));
  }
  const s = value.trim();
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!ymd) return undefined;
  const [year, month, day] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  // `new Date` rolls 2024-02-30 over to March 1st: a day the month does not have is no date.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2000, month, 0)).getUTCDate() || (month === 2 && day === 29 && !isLeapYear(year))) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  return inIsoRange(new Date(hasZone ? s : `${s.replace(' ', 'T')}Z`));
}

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function inIsoRange(d: Date): Date | undefined {
  const year = d.getUTCFullYear();
  return Number.isNaN(d.getTime()) || year < 0 || year > 9999 ? undefined : d;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * An alert dated more than a day after it reached us is a wrong clock or a misread epoch (99999999999 is
 * year 5138), not a time: its enrichment windows, anchored on it, would search a future with no logs.
 */
export const MAX_ALERT_CLOCK_SKEW_MS = DAY_MS;

export function isImplausiblyLate(createdAt: Date, receivedAt: Date): boolean {
  return createdAt.getTime() - receivedAt.getTime() > MAX_ALERT_CLOCK_SKEW_MS;
}

/** `45 s`, `20 min`, `1.5 h`, `30 h`, `3 d`: how long something took or stayed open, for people to read. */
export function humanDuration(ms: number): string {
  if (ms < 59_500) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `${minutes} min`;
  const hours = ms / 3_600_000;
  if (hours < 10) return `${Number(hours.toFixed(1))} h`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} d`;
}
