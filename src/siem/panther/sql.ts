/**
 * The playbook queries in Panther's data-lake SQL (Snowflake): `actor:alternateId`-style paths,
 * `p_occurs_between` for the time range, tables from the LogType rule. Values from alerts enter SQL only
 * through `sqlString` after validation — a user named `x' OR '1'='1` stays one string literal.
 */
import { SiemQueryError } from '../siem';
import type { FieldPath, LoginProfile } from '../log-profiles';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TABLE = /^[a-z0-9_]{1,128}$/;
// Control characters have no business in a user name or indicator; rejecting them keeps literals one line.
const CONTROL = /[\u0000-\u001f\u007f]/;

// Panther expands its time macros before Snowflake sees the query, and its docs do not say the expander
// skips string literals: `p_occurs_since(900)` inside one could come out with quotes of its own.
const MACRO_CALL = /p_occurs_\w*\s*\(/i;

/** A Snowflake single-quoted literal: backslash is an escape character there, and `'` doubles. */
export function sqlString(value: string): string {
  if (CONTROL.test(value)) throw new SiemQueryError('value contains control characters; refusing to put it in SQL');
  if (MACRO_CALL.test(value)) throw new SiemQueryError('value contains a Panther time macro call (p_occurs_…); refusing to put it in SQL');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** `['client','geographicalContext','city']` → `client:geographicalContext:city`. Paths come from our profiles. */
export function fieldPath(path: FieldPath): string {
  return path
    .map((key, i) => {
      const part = IDENTIFIER.test(key) ? key : `"${key.replace(/"/g, '')}"`;
      return i === 0 ? part : `:${part}`;
    })
    .join('');
}

const text = (path: FieldPath) => `${fieldPath(path)}::varchar`;

export function tableName(profile: LoginProfile): string {
  if (!TABLE.test(profile.table)) throw new SiemQueryError(`not a Panther table name: ${profile.table}`);
  return `panther_logs.public.${profile.table}`;
}

function timeRange(from: Date, to: Date): string {
  return `p_occurs_between(${sqlString(from.toISOString())}, ${sqlString(to.toISOString())})`;
}

function successfulLoginsOf(profile: LoginProfile, user: string, from: Date, to: Date): string {
  const success = profile.successfulLogin.map((c) => `${text(c.path)} = ${sqlString(c.equals)}`);
  return [timeRange(from, to), `LOWER(${text(profile.user)}) = LOWER(${sqlString(user)})`, ...success].join('\n  AND ');
}

const optional = (path: FieldPath | undefined) => (path ? text(path) : 'NULL');

export function loginLocationsSql(profile: LoginProfile, q: { user: string; from: Date; to: Date; limit: number }): string {
  return `/* autotriage: top successful login locations */
SELECT ${text(profile.ip)} AS ip,
  MAX_BY(${optional(profile.city)}, p_event_time) AS city,
  MAX_BY(${optional(profile.country)}, p_event_time) AS country,
  COUNT(*) AS logins,
  MAX(p_event_time) AS last_seen,
  SUM(COUNT(*)) OVER () AS total
FROM ${tableName(profile)}
WHERE ${successfulLoginsOf(profile, q.user, q.from, q.to)}
GROUP BY 1
ORDER BY logins DESC, last_seen DESC
LIMIT ${Math.max(1, Math.min(Math.trunc(q.limit), 100))}`;
}

export function recentLoginsSql(profile: LoginProfile, q: { user: string; from: Date; to: Date; limit: number }): string {
  return `/* autotriage: last successful logins */
SELECT p_event_time AS time,
  ${text(profile.ip)} AS ip,
  ${optional(profile.city)} AS city,
  ${optional(profile.country)} AS country,
  ${optional(profile.userAgent)} AS user_agent
FROM ${tableName(profile)}
WHERE ${successfulLoginsOf(profile, q.user, q.from, q.to)}
ORDER BY p_event_time DESC
LIMIT ${Math.max(1, Math.min(Math.trunc(q.limit), 100))}`;
}
