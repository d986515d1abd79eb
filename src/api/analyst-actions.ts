/**
 * A Slack button click → a Temporal Update on the alert's workflow. The update is validated by the
 * workflow (closing a closed alert is refused with a message); the click's id makes a retried delivery
 * of the same click one update. The caller gets an answer within its deadline — Slack wants one in 3 s —
 * and the outcome of a slower update arrives later through `onLate`.
 */
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { AnalystAction } from '../domain/triage-state';
import { analystActionUpdate } from '../workflows/messages';
import { errorMessage } from '../logging/error-message';
import { isUnavailable } from '../temporal/alert-starter';

/** `message` is for the analyst; `detail` (the error behind it, which may name internal hosts) only for the log. */
export type ActionOutcome = { ok: true } | { ok: false; message: string; detail?: string } | { ok: 'pending' };

export interface ActionSink {
  /** Answers within `waitMs` (at most the sink's deadline); a slower outcome goes to `onLate`. */
  act(workflowId: string, action: AnalystAction, clickId: string, onLate: (outcome: ActionOutcome) => void, waitMs?: number): Promise<ActionOutcome>;
}

function explain(err: unknown): ActionOutcome {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { message?: string } | undefined;
    return { ok: false, message: cause?.message ?? err.message };
  }
  if (err instanceof WorkflowNotFoundError) return { ok: false, message: "This alert's triage is no longer running." };
  if (isUnavailable(err)) return { ok: false, message: 'autotriage could not reach Temporal just now: click again in a minute.', detail: errorMessage(err) };
  return { ok: false, message: 'The action could not be applied; the autotriage API logged why.', detail: errorMessage(err) };
}

export function createActionSink(client: Client, deadlineMs = 2500): ActionSink {
  return {
    async act(workflowId, action, clickId, onLate, waitMs = deadlineMs) {
      // The handler only decides (side effects run after it), so completion follows acceptance at once;
      // waiting for it is what surfaces a validator's refusal.
      const accepted = client.workflow
        .getHandle(workflowId)
        .executeUpdate(analystActionUpdate, { args: [action], updateId: clickId })
        .then((): ActionOutcome => ({ ok: true }), explain);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<ActionOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ ok: 'pending' }), Math.min(waitMs, deadlineMs));
      });
      const first = await Promise.race([accepted, late]);
      clearTimeout(timer);
      if (first.ok === 'pending') void accepted.then(onLate);
      return first;
    },
  };
}
