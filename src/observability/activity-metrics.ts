/**
 * An activity interceptor that measures every activity and reads the outcomes that matter to operators
 * (enrichment unavailable, cache hit or miss, where a ticket went) without touching the activities.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { WorkerMetrics } from './metrics';

const SIEM_STEPS = new Set(['searchIndicator', 'topLoginLocations', 'recentSuccessfulLogins']);

function providerOf(activity: string, args: readonly unknown[], siem: string): string {
  const first = args[0] as { provider?: unknown } | undefined;
  if (typeof first?.provider === 'string') return first.provider;
  if (SIEM_STEPS.has(activity)) return siem;
  if (activity.toLowerCase().includes('jira')) return 'jira';
  if (activity === 'postTicket' || activity.toLowerCase().includes('slack') || activity === 'postThreadReply' || activity === 'postAuditLine') return 'slack';
  if (activity.includes('Siem')) return 'siem-api';
  return 'none';
}

function record(metrics: WorkerMetrics, activity: string, provider: string, result: unknown): void {
  const r = result as { status?: string; kind?: string; cache?: { hit?: boolean } } | undefined;
  if (r?.status === 'unavailable') metrics.enrichmentFailures.inc({ provider, step: activity });
  // A provider that is not configured has no cache to hit or miss.
  if (activity === 'lookupReputation' && r?.status && r.status !== 'not_configured') {
    metrics.cache.inc({ provider, result: r.status === 'pending' ? 'pending' : r.cache?.hit ? 'hit' : r.status === 'ok' ? 'miss' : r.status });
  }
  if (activity === 'postTicket' && r?.kind) metrics.tickets.inc({ destination: r.kind });
  if (activity === 'createJiraIssue' && r?.status) metrics.jiraIssues.inc({ outcome: r.status === 'ok' ? 'created_or_found' : r.status });
}

export function activityMetricsInterceptor(metrics: WorkerMetrics, siemKind: string) {
  return (ctx: Context): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const activity = ctx.info.activityType;
        const provider = providerOf(activity, input.args, siemKind);
        const end = metrics.activity.startTimer({ activity, provider });
        try {
          const result = await next(input);
          end({ outcome: 'ok' });
          record(metrics, activity, provider, result);
          return result;
        } catch (err) {
          // A failed attempt (retried, or a lookup still waiting for its budget) is in the histogram; a step
          // that ends unavailable after its retries is counted where the workflow settles it (workflow-sinks).
          end({ outcome: 'failed' });
          throw err;
        }
      },
    },
  });
}
