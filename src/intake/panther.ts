/**
 * Panther "Custom Webhook" payload → canonical Alert (reference/panther.md §1, §4).
 * Quirks handled here: `id` is the detection id and `alertId` the alert id; titles may start with
 * `New Alert: ` or `[Re-sent]: `; there is usually no LogType; `alertContext` is free-form and `alertContext.ip` often null.
 * Required fields are strict (the error names them); optional fields are lenient (a bad link is dropped,
 * an over-long title truncated) so that a SIEM quirk never loses an alert.
 */
import { z } from 'zod';
import type { Alert } from '../domain/alert';
import { AlertIdSchema, AlertSchema, AlertTypeSchema, HttpUrlSchema, SeveritySchema } from './alert-schema';
import { isImplausiblyLate, parseTimestamp } from '../domain/time';
import { extractIps, extractUsers } from './indicators';
import { resolveLogType, stripDeliveryPrefixes } from './log-type';
import { ValidationError } from './validation-error';

/** Optional text: a number or boolean is taken as its text, anything else as absent — never a rejection. */
const optionalText = z
  .unknown()
  .transform((v): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined))
  .optional();

/** A required string: says whether it is missing or of the wrong type. */
const requiredString = (what: string) =>
  z.string({
    // Only for a missing or non-string value: the length checks keep their own messages.
    error: (issue) =>
      issue.code !== 'invalid_type' ? undefined : issue.input === undefined || issue.input === null ? `is required (${what})` : `must be a string (${what}), got ${typeof issue.input}`,
  });

export const PantherWebhookSchema = z.looseObject({
  id: requiredString('the detection id, e.g. Standard.BruteForceByIP').min(1).max(256),
  alertId: requiredString("Panther's alert id").pipe(AlertIdSchema),
  title: requiredString("the alert's title").min(1, 'must not be empty'),
  severity: z.preprocess(
    (v) => (typeof v === 'string' ? v.toUpperCase() : v),
    SeveritySchema,
  ),
  // A string or epoch milliseconds/seconds (parseTimestamp reads them); anything else, or no real date, is absent.
  createdAt: z.unknown().optional(),
  type: optionalText,
  link: optionalText,
  name: optionalText,
  description: optionalText,
  runbook: optionalText,
  version: optionalText,
  tags: z
    .unknown()
    .transform((v): unknown[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []))
    .optional(),
  alertContext: z.unknown().optional(),
  logType: z.unknown().optional(),
  logTypes: z.unknown().optional(),
});
export type PantherWebhook = z.infer<typeof PantherWebhookSchema>;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return HttpUrlSchema.safeParse(value).success ? value : undefined;
}

function nonEmpty(value: string | undefined, max: number): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? truncate(trimmed, max) : undefined;
}

function alertType(value: string | undefined): string | undefined {
  const upper = value?.trim().toUpperCase();
  return upper && AlertTypeSchema.safeParse(upper).success ? upper : undefined;
}

export function normalizePanther(body: unknown, receivedAt: Date): Alert {
  const parsed = PantherWebhookSchema.safeParse(body);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'invalid Panther alert');
  const p = parsed.data;
  const title = truncate(stripDeliveryPrefixes(p.title).trim() || p.title, 1000);
  const { logType, source } = resolveLogType({ logType: p.logType, logTypes: p.logTypes, detectionId: p.id, title });
  // Unreadable, or a day or more after receipt: the time received, as when Panther sends none.
  const stated = parseTimestamp(p.createdAt);
  const createdAt = stated && !isImplausiblyLate(stated, receivedAt) ? stated : receivedAt;
  const candidate = {
    source: 'panther',
    alertId: p.alertId,
    detectionId: p.id,
    detectionName: nonEmpty(p.name, 512),
    // Lenient like the other optional fields: a type we cannot read is no type.
    alertType: alertType(p.type),
    title,
    severity: p.severity,
    logType,
    logTypeSource: source,
    createdAt: createdAt.toISOString(),
    link: httpUrl(p.link),
    runbook: nonEmpty(p.runbook, 4000),
    description: nonEmpty(p.description, 4000),
    tags: (p.tags ?? []).filter((t): t is string => typeof t === 'string').slice(0, 50).map((t) => truncate(t, 128)),
    ips: extractIps(p.alertContext, title),
    users: extractUsers(p.alertContext, title),
  };
  const alert = AlertSchema.safeParse(candidate);
  if (!alert.success) throw ValidationError.fromZod(alert.error, 'invalid Panther alert');
  return alert.data;
}
