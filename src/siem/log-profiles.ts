/**
 * What the SIEM queries need to know about a LogType's events, independent of the query language: the
 * table (Panther's naming rule), where the user, IP and geo fields live, and what a successful login is.
 * The embedded SIEM (DuckDB) and Panther (Snowflake SQL) render these paths in their own syntax.
 */
export type FieldPath = readonly string[];

export interface LoginProfile {
  logType: string;
  table: string;
  /** Event-time fields, first present wins (a Panther export's p_event_time beats the source's own). */
  time: readonly FieldPath[];
  user: FieldPath;
  ip: FieldPath;
  city?: FieldPath;
  country?: FieldPath;
  userAgent?: FieldPath;
  /** All must hold for an event to count as a successful login. */
  successfulLogin: ReadonlyArray<{ path: FieldPath; equals: string }>;
}

/** Panther's rule: lower-case the LogType, `.` → `_` (reference/panther.md §3.1). */
export function tableForLogType(logType: string): string {
  return logType.toLowerCase().replace(/\./g, '_');
}

export const LOGIN_PROFILES: Readonly<Record<string, LoginProfile>> = {
  'Okta.SystemLog': {
    logType: 'Okta.SystemLog',
    table: 'okta_systemlog',
    time: [['p_event_time'], ['published']],
    user: ['actor', 'alternateId'],
    ip: ['client', 'ipAddress'],
    city: ['client', 'geographicalContext', 'city'],
    country: ['client', 'geographicalContext', 'country'],
    userAgent: ['client', 'userAgent', 'rawUserAgent'],
    successfulLogin: [
      { path: ['eventType'], equals: 'user.session.start' },
      { path: ['outcome', 'result'], equals: 'SUCCESS' },
    ],
  },
  // Console sign-ins (eventName ConsoleLogin). CloudTrail has no geo fields; the user is the ARN, which
  // stays unique across accounts (every account's root is called "root").
  'AWS.CloudTrail': {
    logType: 'AWS.CloudTrail',
    table: 'aws_cloudtrail',
    time: [['p_event_time'], ['eventTime']],
    user: ['userIdentity', 'arn'],
    ip: ['sourceIPAddress'],
    userAgent: ['userAgent'],
    successfulLogin: [
      { path: ['eventName'], equals: 'ConsoleLogin' },
      { path: ['responseElements', 'ConsoleLogin'], equals: 'Success' },
    ],
  },
  // Google Workspace login activity (applicationName login, event login_success).
  'GSuite.ActivityEvent': {
    logType: 'GSuite.ActivityEvent',
    table: 'gsuite_activityevent',
    time: [['p_event_time'], ['id', 'time']],
    user: ['actor', 'email'],
    ip: ['ipAddress'],
    successfulLogin: [
      { path: ['id', 'applicationName'], equals: 'login' },
      { path: ['name'], equals: 'login_success' },
    ],
  },
};

export function loginProfileFor(logType: string): LoginProfile | undefined {
  // Own keys only: a LogType named "constructor" or "__proto__" has no profile.
  return Object.hasOwn(LOGIN_PROFILES, logType) ? LOGIN_PROFILES[logType] : undefined;
}

/** Time fields tried for tables without a profile (indicator search runs over every table). */
export const GENERIC_TIME_FIELDS: readonly FieldPath[] = [
  ['p_event_time'],
  ['published'],
  ['eventTime'],
  ['timestamp'],
  ['time'],
  ['@timestamp'],
  ['id', 'time'],
];
