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
 * and its user name, an email and its local part — so a bare name (`alice`) is the same person as a
 * qualified one with that name (`alice@acme.io`, `arn:aws:iam::1:user/alice`), case-insensitively. Two
 * qualified names are one person only where they live in the same place: `admin@acme.io` and
 * `admin@acme-dev.io` are two accounts, as are the IAM users `admin` of two AWS accounts. When in doubt
 * this counts more people, never fewer: one person is what lets known-location close an alert.
 */
export function distinctPeople(alert: Pick<Alert, 'users'>): number {
  const names = alert.users.map(personName);
  const qualified = new Set(names.filter((n) => n.realm !== undefined).map((n) => `${n.realm}\u0000${n.base}`));
  const qualifiedBases = new Set(names.filter((n) => n.realm !== undefined).map((n) => n.base));
  const bare = new Set(names.filter((n) => n.realm === undefined && !qualifiedBases.has(n.base)).map((n) => n.base));
  return qualified.size + bare.size;
}

/** A user name as the person it names (`base`) and, for a qualified name, where that account lives. */
function personName(raw: string): { base: string; realm?: string } {
  const name = raw.trim().toLowerCase();
  let realm: string | undefined;
  let last = name;
  const arn = /^arn:([^:]*):[^:]*:[^:]*:([^:]*):(.*)$/.exec(name);
  if (arn) {
    // arn:partition:service:region:account:resource — the account is where the user lives.
    realm = `arn:${arn[1]}:${arn[2]}`;
    last = arn[3]!.split(/[/:]/).at(-1)!;
  } else {
    // `path/alice` or a Windows `ACME\alice`: the prefix is where the user lives.
    const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    if (cut >= 0) {
      realm = name.slice(0, cut);
      last = name.slice(cut + 1);
    }
  }
  // An email (also an assumed role's session name, `…/Role/alice@acme.io`): its domain is where the account lives.
  const at = last.lastIndexOf('@');
  if (at > 0) return { base: last.slice(0, at), realm: `@${last.slice(at + 1)}` };
  return { base: last, realm };
}

/**
 * How known-location v2 counted people: by the last segment alone, so `admin@acme.io` and
 * `admin@acme-dev.io` were one. Kept for the runs that decided with it (their replay decides as they did).
 */
export function distinctPeopleByLastSegment(alert: Pick<Alert, 'users'>): number {
  const person = (name: string) => (name.split('/').at(-1) ?? name).split('@')[0]!.toLowerCase();
  return new Set(alert.users.map(person)).size;
}
