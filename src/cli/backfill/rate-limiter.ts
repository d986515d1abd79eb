import { setTimeout as sleep } from 'node:timers/promises';

/** A token bucket: `take()` resolves when the next start may go, or at once when the run is stopped. */
export class RateLimiter {
  private next = Date.now();
  constructor(private readonly perSecond: number) {}
  async take(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(this.next, now);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now, undefined, { signal }).catch(() => undefined);
  }
}
