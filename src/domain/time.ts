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
