/**
 * Resolving an alert's LogType. Panther's webhook usually carries none: use a `logType`/`logTypes` field
 * when present, else the detection's entry in the routing table, else a `<LogType>: ` title prefix
 * (Panther's standard rules start titles with `p_log_type`), else Unknown.
 */
import { UNKNOWN_LOG_TYPE, type LogTypeSource } from '../domain/alert';
import { LogTypeSchema } from './alert-schema';
import { logTypeForDetection } from '../routing/route';

const TITLE_PREFIX = /^([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+):\s/;

export function stripNewAlertPrefix(title: string): string {
  return title.replace(/^New Alert:\s*/, '');
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
  const fromTitle = valid(TITLE_PREFIX.exec(stripNewAlertPrefix(input.title))?.[1]);
  if (fromTitle) return { logType: fromTitle, source: 'title' };
  return { logType: UNKNOWN_LOG_TYPE, source: 'default' };
}
