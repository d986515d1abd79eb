/**
 * An attempt that outlives its start-to-close timeout keeps running beside the retry Temporal has already
 * started, and two attempts that both post make two tickets. So a delivery starts a call only when the
 * call (bounded by its client's own timeout) can end before this attempt's deadline; otherwise the
 * attempt gives up, retryably, and the next one starts afresh.
 */
import { Context } from '@temporalio/activity';
import { ProviderError } from '../connectors/http';

/** Room left for the worker to report the result before the server's timer fires. */
const MARGIN_MS = 1_000;

export class AttemptDeadline {
  private readonly at: number;

  constructor(
    private readonly provider: string,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + Context.current().info.startToCloseTimeoutMs - MARGIN_MS;
  }

  /** Throws (retryable) unless calls taking up to `callMs` in all can end before the deadline. */
  ensure(callMs: number, what: string): void {
    const left = this.at - this.now();
    if (callMs <= left) return;
    throw this.tooLate(left, callMs, what);
  }

  /**
   * `wait` (something a call waits for, such as a rate-budget permit), given up retryably at the last
   * moment that still leaves `callMs` for the call: an attempt never calls after its deadline has passed.
   */
  async within<T>(wait: Promise<T>, callMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.tooLate(this.at - this.now(), callMs, what)), Math.max(0, this.at - callMs - this.now()));
    });
    try {
      return await Promise.race([wait, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private tooLate(left: number, callMs: number, what: string): ProviderError {
    return new ProviderError(
      this.provider,
      `${what}: not started with ${Math.max(0, Math.round(left / 1000))} s of this attempt left (it needs up to ${Math.round(callMs / 1000)} s); ` +
        'the next attempt starts afresh, so no two attempts call at once',
    );
  }
}
