/**
 * zod schemas of the canonical Alert and its parts, used at the edge to validate what SIEMs send.
 * `AlertSchema` is checked against the `Alert` type, so the two cannot drift apart.
 */
import { z } from 'zod';
import { LOG_TYPE_SOURCES, SEVERITIES, type Alert } from '../domain/alert';

export const SeveritySchema = z.enum(SEVERITIES);

/** Characters allowed in ids that become part of a Temporal workflow id (`alert/<source>/<alertId>`). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const SourceSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits or "-", starting with a letter');
export const AlertIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(ID_PATTERN, 'must be letters, digits or . _ : @ - (it becomes part of the workflow id)');
export const DetectionIdSchema = z.string().min(1).max(256);
export const LogTypeSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must look like Vendor.Type (letters, digits, ".", "_", "-")');
export const IpSchema = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
export const HttpUrlSchema = z.url({ protocol: /^https?$/ }).max(2048);

/** `RULE`, `RULE_ERROR`: upper-case words joined by `_`. */
export const AlertTypeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be upper-case letters, digits and _ (RULE, RULE_ERROR)');

export const AlertSchema = z.object({
  source: SourceSchema,
  alertId: AlertIdSchema,
  detectionId: DetectionIdSchema,
  detectionName: z.string().max(512).optional(),
  alertType: AlertTypeSchema.optional(),
  title: z.string().min(1).max(1000),
  severity: SeveritySchema,
  logType: LogTypeSchema,
  logTypeSource: z.enum(LOG_TYPE_SOURCES),
  createdAt: z.iso.datetime({ offset: true }),
  link: HttpUrlSchema.optional(),
  runbook: z.string().max(4000).optional(),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(128)).max(50),
  ips: z.array(IpSchema).max(20),
  users: z.array(z.string().min(1).max(256)).max(20),
}) satisfies z.ZodType<Alert>;
