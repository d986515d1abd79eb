/**
 * The workflows' metric sinks: what `alertTriage` reports (auto-close decisions, time to the ticket) into
 * the worker's Prometheus metrics. No-ops without metrics (a sink must always be registered, replays too).
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { TriageSinks } from '../workflows/sinks';
import type { WorkerMetrics } from './metrics';

export function triageSinks(m: WorkerMetrics | undefined, siemKind = 'siem'): InjectedSinks<TriageSinks> {
  return {
    triageMetrics: {
      decided: { fn: (_info, rule, mode) => m?.autoClose.inc({ rule: m.label.rule(rule), mode }) },
      ticketed: {
        fn: (_info, logType, playbook, outcome, seconds) =>
          m?.triageDuration.observe({ log_type: m.label.logType(logType), playbook, outcome }, seconds),
      },
      enrichmentFailed: { fn: (_info, provider, step) => m?.enrichmentFailures.inc({ provider: provider === 'siem' ? siemKind : provider, step }) },
      jiraUnavailable: { fn: () => m?.jiraIssues.inc({ outcome: 'unavailable' }) },
    },
  };
}
