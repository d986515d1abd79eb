/**
 * Resolving an alert's LogType. Panther's webhook usually carries none: use a `logType`/`logTypes` field
 * when present, else the detection's entry in the routing table, else a `<LogType>: ` title prefix
 * (Panther's standard rules start titles with `p_log_type`), else Unknown.
 */
import { UNKNOWN_LOG_TYPE, type LogTypeSource } from '../domain/alert';
import { LogTypeSchema } from './alert-schema';
import { logTypeForDetection } from '../routing/route';

const TITLE_PREFIX = /^([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+):\s/;

/**
 * What Panther puts before a title on delivery (`generateAlertTitle`): `New Alert: `, and `[Re-sent]: `
 * when someone re-sends the alert from its page — the path of an alert whose deliveries all failed.
 */
const DELIVERY_PREFIX = /^(?:New Alert:|\[re-sent\]:?)\s*/i;
/** Prefixes that say what kind of alert it is: kept in the title, skipped to read a LogType after them. */
const KIND_PREFIX = /^(?:New rule error|Policy Failure):\s*/i;

export function stripDeliveryPrefixes(title: string): string {
  let out = title;
  for (let next = out.replace(DELIVERY_PREFIX, ''); next !== out; next = out.replace(DELIVERY_PREFIX, '')) out = next;
  return out;
}

function valid(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  return LogTypeSchema.safeParse(candidate).success ? candidate : undefined;
}

export function resolveLogType(input: {
  logType?: unknown;
  logTypes?: unknown;
  detectionId: string;
  title: string;
}): { logType: string; source: LogTypeSource } {
  const fromPayload = valid(input.logType) ?? (Array.isArray(input.logTypes) ? valid(input.logTypes[0]) : undefined);
  if (fromPayload) return { logType: fromPayload, source: 'payload' };
  const fromTable = logTypeForDetection(input.detectionId);
  if (fromTable) return { logType: fromTable, source: 'routing-table' };
  const fromTitle = valid(TITLE_PREFIX.exec(stripDeliveryPrefixes(input.title).replace(KIND_PREFIX, ''))?.[1]);
  if (fromTitle) return { logType: fromTitle, source: 'title' };
  return { logType: UNKNOWN_LOG_TYPE, source: 'default' };
}
