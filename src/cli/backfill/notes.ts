/** What a backfill says about itself: where the triages go, with which settings, and how to carry on. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../../config/config';
import type { TriagePolicy } from '../../domain/policy';
import { humanDuration } from '../../domain/time';
import type { BackfillArgs } from './args';
import type { BackfillSummary } from './run';

export function stoppedNote(stopped: NonNullable<BackfillSummary['stopped']>, args: BackfillArgs, unfinished: number, resumeFrom: string | undefined): string {
  const what = stopped.reason === 'interrupted' ? 'stopped by Ctrl-C' : `stopped: ${stopped.message}`;
  const lost = unfinished ? `; ${unfinished} dry-run ticket(s) were not awaited and are missing from the file` : '';
  if (args.panther) {
    const from = resumeFrom ?? args.panther.from.toISOString();
    return `${what}: carry on with --from ${from}${args.dryRun ? lost : ' (the alerts already started are counted duplicate)'}`;
  }
  return args.dryRun ? `${what}${lost}` : `${what}: run the same command again to carry on from the checkpoint`;
}

/** Where the triages go, and whether a worker is there to run them (a hint: pollers are remembered for minutes). */
export async function describeDestination(client: Client, config: Config): Promise<string> {
  const { address, namespace, taskQueue } = config.temporal;
  const where = `Temporal ${address}, namespace ${namespace}, task queue ${taskQueue}`;
  try {
    const { pollers } = await client.withDeadline(Date.now() + 2000, () =>
      client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    return pollers?.length ? where : `${where} (no worker polls it now: the triages wait until one does)`;
  } catch {
    // Unreachable or not allowed: the starts themselves say so.
    return where;
  }
}

/** The settings a started triage carries, in one line (so a backfill run from the wrong shell shows it). */
export function describePolicy(policy: TriagePolicy, opts: { decisionOnly?: boolean } = {}): string {
  const overrides = Object.entries(policy.autoClose.rules).map(([rule, mode]) => `${rule}=${mode}`);
  const autoClose = `auto-close ${policy.autoClose.mode}${overrides.length ? ` (${overrides.join(', ')})` : ''}`;
  // A dry run stops at the decision: no ticket to remind about, reopen or expire.
  if (opts.decisionOnly) return autoClose;
  const sla = (ms: Partial<Record<string, number>>) =>
    Object.entries(ms)
      .map(([severity, value]) => `${severity} ${humanDuration(value!)}`)
      .join(', ') || 'none';
  return [
    autoClose,
    `SLA reminders ${sla(policy.sla.reminderMs)}`,
    `escalations ${sla(policy.sla.escalateMs)}`,
    `reopen window ${humanDuration(policy.reopenWindowMs)}`,
    `expiry ${humanDuration(policy.maxOpenMs)}`,
  ].join(' · ');
}
