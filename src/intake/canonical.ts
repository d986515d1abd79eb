/**
 * The canonical alert format for any SIEM or script (`POST /webhooks/alerts`). Strict: an unknown field is
 * an error, so a typo (`logtype`) is caught instead of silently routing to the wrong playbook.
 */
import { z } from 'zod';
import { LOG_TYPE_SOURCES, type Alert } from '../domain/alert';
import {
  AlertIdSchema,
  AlertSchema,
  AlertTypeSchema,
  DetectionIdSchema,
  HttpUrlSchema,
  IpSchema,
  LogTypeSchema,
  SeveritySchema,
  SourceSchema,
} from './alert-schema';
import { isImplausiblyLate, parseTimestamp } from '../domain/time';
import { resolveLogType, stripDeliveryPrefixes } from './log-type';
import { ValidationError } from './validation-error';

export const CanonicalAlertInputSchema = z.strictObject({
  source: SourceSchema,
  alertId: AlertIdSchema,
  detectionId: DetectionIdSchema,
  detectionName: z.string().max(512).optional(),
  /** `RULE_ERROR` and other `*_ERROR` types: the detection itself failed (triaged by the fallback playbook). */
  alertType: AlertTypeSchema.optional(),
  title: z.string().min(1).max(1000),
  severity: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), SeveritySchema),
  logType: LogTypeSchema.optional(),
  /** Accepted so an Alert as autotriage itself writes it can be sent back; recomputed, never trusted. */
  logTypeSource: z.enum(LOG_TYPE_SOURCES).optional(),
  createdAt: z.string().refine((v) => parseTimestamp(v) !== undefined, 'must be an ISO-8601 timestamp').optional(),
  link: HttpUrlSchema.optional(),
  runbook: z.string().max(4000).optional(),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(128)).max(50).optional(),
  ip: IpSchema.optional(),
  ips: z.array(IpSchema).max(20).optional(),
  user: z.string().min(1).max(256).optional(),
  users: z.array(z.string().min(1).max(256)).max(20).optional(),
}).superRefine((c, ctx) => {
  // `ip` joins `ips` (and `user` joins `users`): the limit is on the two together, and the error says so.
  for (const [one, many, what] of [['ip', 'ips', 'IPs'], ['user', 'users', 'users']] as const) {
    const count = new Set([...(c[one] ? [c[one]] : []), ...(c[many] ?? [])]).size;
    if (count > 20) ctx.addIssue({ code: 'custom', path: [many], message: `at most 20 distinct ${what} with \`${one}\` (got ${count})` });
  }
});
export type CanonicalAlertInput = z.infer<typeof CanonicalAlertInputSchema>;

export function normalizeCanonical(body: unknown, receivedAt: Date): Alert {
  const parsed = CanonicalAlertInputSchema.safeParse(body);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const c = parsed.data;
  const createdAt = parseTimestamp(c.createdAt) ?? receivedAt;
  if (isImplausiblyLate(createdAt, receivedAt)) {
    throw new ValidationError([{ field: 'createdAt', message: "must not be more than a day after the alert is received (check the sender's clock)" }]);
  }
  const title = stripDeliveryPrefixes(c.title).trim() || c.title;
  const { logType, source } = resolveLogType({ logType: c.logType, detectionId: c.detectionId, title });
  const alert = AlertSchema.safeParse({
    source: c.source,
    alertId: c.alertId,
    detectionId: c.detectionId,
    detectionName: c.detectionName,
    alertType: c.alertType,
    title,
    severity: c.severity,
    logType,
    logTypeSource: source,
    createdAt: createdAt.toISOString(),
    link: c.link,
    runbook: c.runbook,
    description: c.description,
    tags: c.tags ?? [],
    ips: [...new Set([...(c.ip ? [c.ip] : []), ...(c.ips ?? [])])],
    users: [...new Set([...(c.user ? [c.user] : []), ...(c.users ?? [])])],
  });
  if (!alert.success) throw ValidationError.fromZod(alert.error);
  return alert.data;
}
