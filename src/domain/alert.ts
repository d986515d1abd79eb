/**
 * The canonical Alert: what every SIEM payload is normalized into at the edge, and the only alert shape
 * workflows see. Pure and dependency-free: it is bundled into workflow code (the zod schema that
 * validates it lives at the edge, in src/intake/alert-schema.ts).
 */

/** An alert's status in the SIEM (Panther's AlertStatus), which the triage may write back. */
export type SiemAlertStatus = 'OPEN' | 'TRIAGED' | 'RESOLVED' | 'CLOSED';

export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where the alert's LogType came from — shown in the ticket so a surprising route is easy to explain. */
export const LOG_TYPE_SOURCES = ['payload', 'routing-table', 'title', 'siem-api', 'default'] as const;
export type LogTypeSource = (typeof LOG_TYPE_SOURCES)[number];

export const UNKNOWN_LOG_TYPE = 'Unknown';

export interface Alert {
  /** The sending system, lower-case (`panther`). */
  source: string;
  /** The SIEM's id of this alert (Panther: `alertId`, not `id`). */
  alertId: string;
  /** The detection (rule) that fired (Panther: `id`). */
  detectionId: string;
  detectionName?: string;
  title: string;
  severity: Severity;
  logType: string;
  logTypeSource: LogTypeSource;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** The alert in the SIEM's UI. Only http(s); linked, never fetched. */
  link?: string;
  runbook?: string;
  description?: string;
  tags: string[];
  /** Indicators extracted from the payload; the first of each is the alert's primary IP / user. */
  ips: string[];
  users: string[];
}

/** `alert/<source>/<alertId>` — the contract that makes intake idempotent. */
export function alertWorkflowId(alert: Pick<Alert, 'source' | 'alertId'>): string {
  return `alert/${alert.source}/${alert.alertId}`;
}

export function primaryIp(alert: Alert): string | undefined {
  return alert.ips[0];
}

export function primaryUser(alert: Alert): string | undefined {
  return alert.users[0];
}

/**
 * How many people the alert's user names stand for. SIEMs name one person several ways — an IAM user's ARN
 * and its user name, an email and its local part — so names are compared by their last segment
 * (`arn:aws:iam::1:user/alice` → `alice`, `alice@acme.io` → `alice`), case-insensitively.
 */
export function distinctPeople(alert: Pick<Alert, 'users'>): number {
  const person = (name: string) => (name.split('/').at(-1) ?? name).split('@')[0]!.toLowerCase();
  return new Set(alert.users.map(person)).size;
}
