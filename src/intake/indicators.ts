/**
 * Defensive extraction of the alert's IPs and users from whatever a SIEM sent. Panther's alertContext is
 * free-form (and `alertContext.ip` is often null), so several well-known places are tried in order, then
 * bracketed values in the title. Every IP is validated; nothing here trusts the payload's types.
 */
import { IpSchema } from './alert-schema';

type Json = unknown;

function get(value: Json, path: readonly string[]): Json {
  let cur: Json = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, Json>)[key];
  }
  return cur;
}

function strings(value: Json): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export function isIp(value: string): boolean {
  return IpSchema.safeParse(value).success;
}

/** Values inside [brackets] in a title: Panther's standard rules put the IP or user there. */
export function bracketedValues(title: string): string[] {
  return [...title.matchAll(/\[([^\][]{1,256})\]/g)].map((m) => (m[1] ?? '').trim()).filter(Boolean);
}

const IP_PATHS: readonly (readonly string[])[] = [
  ['ip'],
  ['source_ip'],
  ['sourceIp'],
  ['src_ip'],
  ['sourceIPAddress'], // CloudTrail
  ['ipAddress'],
  ['client', 'ipAddress'], // Okta
  ['ips'], // okta_alert_context: p_any_ip_addresses
  ['p_any_ip_addresses'],
];

const USER_PATHS: readonly (readonly string[])[] = [
  ['actor', 'alternateId'], // Okta
  ['actor_user'],
  ['user'],
  ['username'],
  ['userName'],
  ['email'],
  ['actor', 'email'], // GSuite
  ['userIdentity', 'arn'], // CloudTrail: the ARN first, it is what the login history is keyed by
  ['userIdentity', 'userName'],
  ['p_any_emails'],
  ['p_any_usernames'],
];

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * A dotted quad standing on its own in the title: not part of a longer dotted run (`1.2.3.4.5`, an OID), nor
 * glued to a word, path or version marker (`Chrome/120.0.0.0`, `v10.0.0.1`, `build-1.2.3.4`); a sentence's
 * closing full stop is fine.
 */
const BARE_IPV4 = /(?<![\w./\\-])\d{1,3}(?:\.\d{1,3}){3}(?![\w/\\-]|\.\w)/g;

export function extractIps(context: Json, title: string): string[] {
  const fromContext = IP_PATHS.flatMap((p) => strings(get(context, p)));
  const fromTitle = bracketedValues(title);
  const bare = [...title.matchAll(BARE_IPV4)].map((m) => m[0]);
  return unique([...fromContext, ...fromTitle, ...bare].map((v) => v.trim()).filter(isIp)).slice(0, 20);
}

const PLAUSIBLE_USER = /^[^\s\][<>"'`]{1,256}$/;

export function extractUsers(context: Json, title: string): string[] {
  const fromContext = USER_PATHS.flatMap((p) => strings(get(context, p)));
  // "User [alice@acme.io] has exceeded…" (Standard.BruteForceByUser), "…logins to account alice@acme.io, due to…"
  // (Okta.BruteForceLogins), or any bracketed e-mail address.
  const titleUser = /\bUser \[([^\]]+)\]/.exec(title)?.[1];
  // Only that rule's wording: "Service account created by […]" or "Root account activity: …" name no user.
  const titleAccount = /\blogins to account ([^\s,\]]+)/.exec(title)?.[1];
  const bracketedEmails = bracketedValues(title).filter((v) => /^[^@\s]+@[^@\s]+$/.test(v));
  return unique(
    [...fromContext, titleUser, ...bracketedEmails, titleAccount]
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim())
      .filter((v) => PLAUSIBLE_USER.test(v) && !isIp(v) && v.toLowerCase() !== 'none' && v.toLowerCase() !== 'null'),
  ).slice(0, 20);
}
