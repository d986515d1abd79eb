/**
 * The messages a running triage accepts — the contract between Slack buttons (through the API), outside
 * systems and the workflow. Importable by the API and tests (definitions only, no workflow logic).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AnalystAction, TriageState } from '../domain/triage-state';
import type { TriageSnapshot } from './types';

/** A Slack button: validated (closing a closed alert is refused with a message), answers the new state. */
export const analystActionUpdate = defineUpdate<TriageState, [AnalystAction]>('analystAction');

export interface AutoCloseRequest {
  reason: string;
  /** Who decided: a rule engine's rule id. */
  ruleId: string;
  ruleVersion?: number;
  disposition?: 'benign' | 'false_positive';
  facts?: Record<string, string | number | boolean>;
}

/** An outside system (or a later rule engine) closes the alert, handled like an enforced rule. */
export const autoCloseSignal = defineSignal<[AutoCloseRequest]>('autoClose');

/** The SIEM sent the alert again: a closed alert is reopened (same ticket). */
export const alertRefiredSignal = defineSignal<[{ at: string }]>('alertRefired');

/** The alert's state and timeline, its enrichment and where its ticket is. */
export const triageStateQuery = defineQuery<TriageSnapshot>('triageState');
