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
  /**
   * The SIEM's kind of alert, when it says (Panther's `type`: `RULE`, `POLICY`, `SCHEDULED_RULE`, or
   * `RULE_ERROR`, `SYSTEM_ERROR`, … when the detection itself failed).
   */
  alertType?: string;
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

/** The detection itself failed (Panther's `RULE_ERROR`, `SCHEDULED_RULE_ERROR`, `SYSTEM_ERROR`, …): no security event to triage by its playbook. */
export function isDetectionError(alertType: string | undefined): boolean {
  return alertType !== undefined && alertType.endsWith('_ERROR');
}

export function primaryIp(alert: Alert): string | undefined {
  return alert.ips[0];
}

export function primaryUser(alert: Alert): string | undefined {
  return alert.users[0];
}

/**
 * How many people the alert's user names stand for. SIEMs name one person several ways — an IAM user's ARN
 * and its user name, an email and its local part — so a name is that of a more qualified one it is part of:
 * `alice` of `alice@acme.io` or `arn:aws:iam::1:user/alice`, `alice@acme.io` of an assumed role's session
 * `arn:aws:sts::1:assumed-role/Admins/alice@acme.io` (case-insensitively). Names qualified differently are
 * different people: `admin@acme.io` and `admin@acme-dev.io`, the IAM users `admin` of two AWS accounts, an
 * IAM user and an email. When in doubt this counts more people, never fewer: one person is what lets
 * known-location close an alert.
 */
export function distinctPeople(alert: Pick<Alert, 'users'>): number {
  const names = alert.users.map(personName);
  const key = (n: PersonName) => `${n.account ?? ''}\u0000${n.domain ?? ''}\u0000${n.base}`;
  // A name is part of another when that one has the same base and every qualifier the first has.
  const partOfAnother = (n: PersonName) =>
    names.some((m) => m.base === n.base && key(m) !== key(n) && (n.account === undefined || n.account === m.account) && (n.domain === undefined || n.domain === m.domain));
  return new Set(names.filter((n) => !partOfAnother(n)).map(key)).size;
}

interface PersonName {
  base: string;
  /** Where the account lives: an AWS account (`arn:aws:123…`), a path or Windows domain. */
  account?: string;
  /** An email's domain. */
  domain?: string;
}

function personName(raw: string): PersonName {
  const name = raw.trim().toLowerCase();
  let account: string | undefined;
  let last = name;
  const arn = /^arn:([^:]*):[^:]*:[^:]*:([^:]*):(.*)$/.exec(name);
  if (arn) {
    // arn:partition:service:region:account:resource — the account is where the user lives.
    account = `arn:${arn[1]}:${arn[2]}`;
    last = arn[3]!.split(/[/:]/).at(-1) || arn[3]!;
  } else {
    // `path/alice` or a Windows `ACME\alice`: the prefix is where the user lives.
    const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    if (cut > 0 && cut < name.length - 1) {
      account = name.slice(0, cut);
      last = name.slice(cut + 1);
    }
  }
  // An email (also an assumed role's session name, `…/Admins/alice@acme.io`): and the domain it lives in.
  const at = last.lastIndexOf('@');
  if (at > 0 && at < last.length - 1) return { base: last.slice(0, at), account, domain: last.slice(at + 1) };
  return { base: last, account };
}

/**
 * How known-location v2 counted people: by the last segment alone, so `admin@acme.io` and
 * `admin@acme-dev.io` were one. Kept for the runs that decided with it (their replay decides as they did).
 */
export function distinctPeopleByLastSegment(alert: Pick<Alert, 'users'>): number {
  const person = (name: string) => (name.split('/').at(-1) ?? name).split('@')[0]!.toLowerCase();
  return new Set(alert.users.map(person)).size;
}
