/**
 * Search attributes of DESIGN.md (all Keyword). Workflow-safe: imports only @temporalio/common.
 * They make `temporal workflow list --query 'Disposition="auto_closed"'` and the triage report possible.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  AlertSource: defineSearchAttributeKey('AlertSource', SearchAttributeType.KEYWORD),
  AlertId: defineSearchAttributeKey('AlertId', SearchAttributeType.KEYWORD),
  DetectionId: defineSearchAttributeKey('DetectionId', SearchAttributeType.KEYWORD),
  LogType: defineSearchAttributeKey('LogType', SearchAttributeType.KEYWORD),
  Severity: defineSearchAttributeKey('Severity', SearchAttributeType.KEYWORD),
  TriageStatus: defineSearchAttributeKey('TriageStatus', SearchAttributeType.KEYWORD),
  Disposition: defineSearchAttributeKey('Disposition', SearchAttributeType.KEYWORD),
  AutoCloseRule: defineSearchAttributeKey('AutoCloseRule', SearchAttributeType.KEYWORD),
} as const;

/**
 * A Keyword value as every visibility store keeps it: SQL visibility's Keyword columns are VARCHAR(255),
 * and a longer value (a 256-character detection id) would drop the run from `temporal workflow list` and
 * the report. Cut at 255 characters, never inside one.
 */
export function keywordValue(value: string): string {
  const chars = [...value];
  return chars.length <= 255 ? value : chars.slice(0, 255).join('');
}

export const SEARCH_ATTRIBUTE_NAMES = Object.keys(SA) as (keyof typeof SA)[];

/** `--search-attribute Name=Keyword` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]);
}
