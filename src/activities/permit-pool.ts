/**
 * A worker's share of a provider's daily budget: permits are taken from the rateBudget workflow a block at
 * a time and spent locally, so the budget workflow sees one update per block instead of one per call.
 * The block is 1 % of the daily budget, capped at 50 — and 1 under 1,000 a day, so the public VirusTotal
 * key's 500 a day is counted call by call. Permits of a past UTC day are dropped, never carried over.
 */
import type { PermitAnswer } from '../workflows/rate-budget';

export type TakePermits = (count: number) => Promise<PermitAnswer>;

/** One permit, or the budget's refusal (with when to try again). */
export type Permit = { granted: true } | Extract<PermitAnswer, { granted: false }>;

export function permitBlockSize(perDay: number): number {
  // Under 1,000 a day a block would be a day's whole share of a worker, and stranded if it stops.
  return perDay < 1000 ? 1 : Math.min(50, Math.floor(perDay / 100));
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class PermitPool {
  private day = '';
  private remaining = 0;
  private refill?: Promise<PermitAnswer>;

  constructor(
    private readonly perDay: number,
    private readonly takeFromBudget: TakePermits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A permit taken and then not used (its caller gave up waiting for it): back into the block, unless the
   * day it was counted in is over.
   */
  giveBack(): void {
    if (this.day === utcDay(this.now())) this.remaining++;
  }

  /** One permit: granted from the local block, or after the budget workflow grants a new block. */
  async take(): Promise<Permit> {
    for (;;) {
      const today = utcDay(this.now());
      if (this.day !== today) {
        this.day = today;
        this.remaining = 0;
      }
      if (this.remaining > 0) {
        this.remaining--;
        return { granted: true };
      }
      // One refill at a time; concurrent callers wait for it and then try the pool again.
      if (!this.refill) {
        this.refill = this.takeFromBudget(permitBlockSize(this.perDay)).finally(() => (this.refill = undefined));
        const answer = await this.refill;
        if (!answer.granted) return answer;
        const granted = answer.count ?? 1;
        // The block belongs to the day the budget counted it in.
        if (answer.day === undefined || answer.day === utcDay(this.now())) {
          this.day = answer.day ?? utcDay(this.now());
          this.remaining += granted - 1;
        }
        return { granted: true };
      }
      const answer = await this.refill;
      if (!answer.granted) return answer;
    }
  }
}
