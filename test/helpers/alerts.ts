/**
 * Many distinct alerts for benchmarks and resilience tests: the demo's attack alert (Panther's webhook
 * shape, Okta brute force against a user with 90 days of sample logins) with a fresh alert id and an IP
 * from 198.18.0.0/15, the range reserved for benchmarks (RFC 2544).
 */
import { randomBytes } from 'node:crypto';
import { alertWorkflowId } from '../../src/domain/alert';
import { demoPantherAlerts, type PantherWebhookPayload } from '../../src/sample-data/demo-alerts';

/** The n-th address of 198.18.0.0/15 (n < 131 072). */
export function benchIp(n: number): string {
  const host = n % 131_072;
  return `198.${18 + (host >> 16)}.${(host >> 8) & 0xff}.${host & 0xff}`;
}

export function benchAlert(ip: string): PantherWebhookPayload {
  const attack = demoPantherAlerts()[1]!.payload;
  const alertId = randomBytes(16).toString('hex');
  return { ...attack, alertId, link: `https://acme.runpanther.net/alerts/${alertId}`, alertContext: { ...attack.alertContext, ip } };
}

/** The alert's workflow id, which its Slack ticket carries in its metadata (`alert_key`). */
export function benchWorkflowId(payload: PantherWebhookPayload): string {
  return alertWorkflowId({ source: 'panther', alertId: payload.alertId });
}
