/**
 * The demo's alerts, as Panther would send them for the two sample scenarios: a user who forgot their
 * password (from their usual home IP) and a real attack from an unfamiliar IP. Each call makes fresh
 * alert ids, so every demo run is a new triage.
 */
import { randomBytes } from 'node:crypto';
import { SAMPLE_SCENARIOS, type SampleScenario } from './okta-events';

export interface PantherWebhookPayload {
  id: string;
  alertId: string;
  createdAt: string;
  severity: string;
  type: string;
  link: string;
  title: string;
  name: string;
  description: string;
  runbook: string;
  tags: string[];
  version: string;
  alertContext: Record<string, unknown>;
}

function pantherAlert(s: SampleScenario, now: Date, extra: Partial<PantherWebhookPayload>): PantherWebhookPayload {
  const alertId = randomBytes(16).toString('hex');
  return {
    id: s.detectionId,
    alertId,
    createdAt: now.toISOString(),
    severity: 'MEDIUM',
    type: 'RULE',
    link: `https://acme.runpanther.net/alerts/${alertId}`,
    title: `New Alert: ${s.title}`,
    name: s.detectionId,
    description: '',
    runbook: '',
    tags: ['Okta', 'Credential Access:Brute Force'],
    version: 'demo',
    alertContext: s.alertContext,
    ...extra,
  };
}

export function demoPantherAlerts(now = new Date()): Array<{ scenario: string; payload: PantherWebhookPayload }> {
  return [
    {
      scenario: `forgot password: ${SAMPLE_SCENARIOS.forgotPassword.user} from their home IP`,
      payload: pantherAlert(SAMPLE_SCENARIOS.forgotPassword, now, {
        name: '--DEPRECATED-- Okta Brute Force Logins',
        description: 'A user has failed to login more than 5 times in 15 minutes',
      }),
    },
    {
      scenario: `attack: password spraying against ${SAMPLE_SCENARIOS.attack.user} from ${SAMPLE_SCENARIOS.attack.ip}`,
      payload: pantherAlert(SAMPLE_SCENARIOS.attack, now, {
        severity: 'HIGH',
        name: 'Brute Force By User',
        description: 'An actor user was denied login access more times than the configured threshold.',
        runbook: 'Analyze the IP they came from, and other actions taken before/after. Check if a user from this ip eventually authenticated successfully.',
      }),
    },
  ];
}
