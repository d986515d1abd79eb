/**
 * The routing table: detection → playbook (and, where the detection only ever fires on one LogType, that
 * LogType — Panther's webhook usually carries no LogType). Typed data; a test checks that every entry
 * names a playbook that exists.
 */
import type { PlaybookId } from './playbooks';

export interface DetectionRoute {
  playbook: PlaybookId;
  /** Set when the detection is specific to one LogType. */
  logType?: string;
}

export const DETECTION_ROUTES: Readonly<Record<string, DetectionRoute>> = {
  // Panther's standard data-model rules: fire on many LogTypes (Okta, CloudTrail, GSuite, OneLogin, …).
  'Standard.BruteForceByIP': { playbook: 'bruteForce' },
  'Standard.BruteForceByUser': { playbook: 'bruteForce' },
  // Okta-specific rules.
  'Okta.BruteForceLogins': { playbook: 'bruteForce', logType: 'Okta.SystemLog' },
  'Okta.Login.Without.Push.Marker': { playbook: 'bruteForce', logType: 'Okta.SystemLog' },
  'Okta.Anonymizing.VPN.Login': { playbook: 'ipTriage', logType: 'Okta.SystemLog' },
  // AWS CloudTrail console sign-ins.
  'AWS.Console.LoginFailed': { playbook: 'bruteForce', logType: 'AWS.CloudTrail' },
  'AWS.Console.RootLoginFailed': { playbook: 'bruteForce', logType: 'AWS.CloudTrail' },
  'AWS.CloudTrail.PasswordSpraying': { playbook: 'bruteForce', logType: 'AWS.CloudTrail' },
  'AWS.Console.RootLogin': { playbook: 'identityTriage', logType: 'AWS.CloudTrail' },
  'AWS.Console.LoginWithoutMFA': { playbook: 'identityTriage', logType: 'AWS.CloudTrail' },
  // Google Workspace logins.
  'GSuite.BruteForceLogin': { playbook: 'bruteForce', logType: 'GSuite.ActivityEvent' },
  'GSuite.SuspiciousLogins': { playbook: 'identityTriage', logType: 'GSuite.ActivityEvent' },
  // IP-centric rules.
  'AllLogs.IPMonitoring': { playbook: 'ipTriage' },
  'Standard.MaliciousIPAddress': { playbook: 'ipTriage' },
};

/** What an unknown detection runs: whatever applies of IP and user triage. The ticket says it fell back. */
export const FALLBACK_PLAYBOOK: PlaybookId = 'identityTriage';

/** LogType → the child workflow that knows that LogType's data; everything else runs genericTriage. */
export const LOG_TYPE_WORKFLOWS = {
  'Okta.SystemLog': { workflow: 'oktaTriage', childSuffix: 'okta' },
  'AWS.CloudTrail': { workflow: 'cloudTrailTriage', childSuffix: 'cloudtrail' },
  'GSuite.ActivityEvent': { workflow: 'gsuiteTriage', childSuffix: 'gsuite' },
} as const satisfies Readonly<Record<string, { workflow: string; childSuffix: string }>>;

export const GENERIC_LOG_TYPE_WORKFLOW = { workflow: 'genericTriage', childSuffix: 'generic' } as const;
