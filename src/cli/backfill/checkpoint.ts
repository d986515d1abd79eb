/**
 * The backfill's resume point: how many lines from the top of the file a re-run may skip. Starts run
 * concurrently, finish out of order, and some fail (Temporal unreachable while it restarts), so the
 * checkpoint covers only the contiguous prefix of lines that are finished: a line still in flight or whose
 * start failed, and every line after it, is tried again by the next run (the ones that did start are then
 * counted `duplicate`, never started twice). Pure: the caller writes the numbers `settle` hands back.
 */

/** `done`: started, a duplicate, or deliberately skipped (already done, invalid input). `failed`: retry it. */
export type LineOutcome = 'done' | 'failed';

export class CheckpointTracker {
  /** Lines 1..covered are all done. */
  private covered = 0;
  /** Done lines past `covered`, waiting for a line before them to finish. */
  private readonly waiting = new Set<number>();
  /** The first line that failed: the checkpoint cannot pass it in this run. */
  private firstFailed = Number.POSITIVE_INFINITY;
  private written = 0;

  /** @param every write the checkpoint each time it advanced by this many lines (a crash then costs at most that many duplicate checks). */
  constructor(private readonly every = 50) {}

  /** How many lines from the top are done: the checkpoint to write at the end of the run. */
  get linesDone(): number {
    return this.covered;
  }

  /**
   * Records the outcome of line `line` (1-based, each line once, in any order). Returns the checkpoint to
   * write now when it advanced by `every` lines since the last one returned, else undefined.
   */
  settle(line: number, outcome: LineOutcome): number | undefined {
    if (outcome === 'failed') this.firstFailed = Math.min(this.firstFailed, line);
    // A done line past a failure can never be covered in this run: not worth remembering.
    else if (line < this.firstFailed && line > this.covered) {
      this.waiting.add(line);
      while (this.waiting.delete(this.covered + 1)) this.covered++;
    }
    if (this.covered - this.written < this.every) return undefined;
    this.written = this.covered;
    return this.covered;
  }
}
