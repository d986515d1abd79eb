import { Context } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while a long call is in flight, so a worker that died mid-call is noticed
 * within the heartbeat timeout (not the whole start-to-close timeout) and cancellation reaches the activity.
 */
export async function heartbeating<T>(body: () => Promise<T>, everyMs = 5000): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}
