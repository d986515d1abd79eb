/**
 * The lookups of one (provider, indicator) running on one worker share a single in-flight cache update.
 * Temporal runs at most 10 updates of one workflow at a time (`history.maxInFlightUpdates`): a storm of
 * alerts for one IP whose answer is queued behind the rate budget would otherwise hold one update each,
 * and the 11th lookup would be refused. A lookup waits for the shared update up to its own deadline; if
 * that update ends `pending` (someone's shorter wait) before then, it asks again for the rest of its time.
 */
export interface SharedLookupOptions<T> {
  /** One cache update that waits up to `waitMs` for the answer. */
  ask: (key: string, waitMs: number) => Promise<T>;
  /** An answer that waiting longer cannot change (a value, a failure). */
  isFinal: (answer: T) => boolean;
  /** The answer at a lookup's deadline while the shared update still waits. */
  pending: T;
  /** The answer as seen by a lookup that joined an update another one started (a cache hit, for it). */
  joined?: (answer: T) => T;
  now?: () => number;
}

/** Asking again with less than this left would only add an update: the lookup answers pending. */
const MIN_ASK_MS = 50;

export class SharedLookups<T> {
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly now: () => number;

  constructor(private readonly o: SharedLookupOptions<T>) {
    this.now = o.now ?? Date.now;
  }

  /** Updates in flight now (one per key at most). */
  get size(): number {
    return this.inFlight.size;
  }

  async lookup(key: string, waitMs: number): Promise<T> {
    const deadline = this.now() + waitMs;
    for (;;) {
      const left = deadline - this.now();
      let shared = this.inFlight.get(key);
      const joined = shared !== undefined;
      if (!shared) {
        const asked: Promise<T> = this.o.ask(key, Math.max(0, left)).finally(() => {
          if (this.inFlight.get(key) === asked) this.inFlight.delete(key);
        });
        // Its failure reaches whoever still waits for it; with nobody left, it is not an unhandled rejection.
        asked.catch(() => undefined);
        shared = asked;
        this.inFlight.set(key, shared);
      }
      const got = await beforeDeadline(shared, left);
      if (got === undefined) return this.o.pending;
      const answer = joined && this.o.joined ? this.o.joined(got) : got;
      if (this.o.isFinal(answer) || deadline - this.now() < MIN_ASK_MS) return answer;
    }
  }
}

/** The promise's value, or undefined once `ms` have passed (its rejection still rejects). */
function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
