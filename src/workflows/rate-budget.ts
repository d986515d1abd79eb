/**
 * rateBudget — one workflow per provider (`budget/virustotal`) counting calls per UTC day across every
 * worker. Each provider call takes a permit first; when the day's budget is spent the caller is told how
 * long to wait (until 00:00 UTC) and its activity retries then: excess lookups wait, they never fail.
 * The per-minute rate is the provider task queue's rate limit, not this.
 *
 * A worker may take a block of permits at once (`count`) and spend them itself: one update per block
 * instead of one per call, so this single workflow is not on every lookup's path. A block left unspent
 * when a worker stops or the day ends is lost: the budget can be under-used, never exceeded.
 */
import { allHandlersFinished, condition, continueAsNew, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReputationProvider } from '../domain/enrichment';

export interface RateBudgetInput {
  provider: ReputationProvider;
  /** Carried across continue-as-new. */
  day?: string;
  used?: number;
}

export type PermitAnswer =
  | { granted: true; used: number; perDay: number; /** Permits granted (1 unless a block was asked for). */ count?: number; day?: string }
  | { granted: false; retryAfterMs: number; perDay: number };

export const takePermitUpdate = defineUpdate<PermitAnswer, [{ perDay: number; count?: number }]>('takePermit');

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msUntilNextUtcDay = (ms: number) => {
  const next = new Date(ms);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - ms;
};

export async function rateBudget(input: RateBudgetInput): Promise<void> {
  let day = input.day ?? utcDay(Date.now());
  let used = input.used ?? 0;
  setHandler(
    takePermitUpdate,
    ({ perDay, count = 1 }) => {
      const now = Date.now();
      if (utcDay(now) !== day) {
        day = utcDay(now);
        used = 0;
      }
      if (used < perDay) {
        const granted = Math.min(count, perDay - used);
        used += granted;
        return { granted: true, used, perDay, count: granted, day };
      }
      return { granted: false, retryAfterMs: msUntilNextUtcDay(now) + 1000, perDay };
    },
    {
      validator: ({ perDay, count = 1 }) => {
        if (!(Number.isFinite(perDay) && perDay > 0)) throw new RangeError('perDay must be positive');
        if (!(Number.isInteger(count) && count >= 1 && count <= 1000)) throw new RangeError('count must be an integer from 1 to 1000');
      },
    },
  );
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000);
  await condition(allHandlersFinished);
  await continueAsNew<typeof rateBudget>({ provider: input.provider, day, used });
}
