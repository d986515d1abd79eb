/**
 * Workflow → worker sinks: the workflow reports decisions and durations, the worker turns them into
 * Prometheus metrics. Sinks are not called again when a history is replayed, so nothing is counted twice.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface TriageSinks extends Sinks {
  triageMetrics: {
    /** An auto-close rule matched (mode: shadow | enforce), or the autoClose signal closed the alert. */
    decided(rule: string, mode: 'shadow' | 'enforce' | 'signal'): void;
    /** The ticket is out (or the alert was auto-closed), `seconds` after the triage started. */
    ticketed(logType: string, playbook: string, outcome: string, seconds: number): void;
    /** An enrichment step ended unavailable after its retries (`siem` stands for the configured SIEM). */
    enrichmentFailed(provider: string, step: string): void;
    /** The Jira issue could not be created, for good. */
    jiraUnavailable(): void;
  };
}

export const { triageMetrics } = proxySinks<TriageSinks>();
