/** Timestamps in logs and payloads come as RFC 3339 or Panther's `2021-06-04 09:59:53.650807` (UTC, no zone). */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const s = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  const d = new Date(hasZone ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

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
