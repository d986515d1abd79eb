/**
 * Admission control for alert storms. Every alert is accepted and its workflow exists at once (durable,
 * deduplicated, visible in the Web UI), but past a burst, one detection's alerts start their triage at
 * most `perSecond` a second, through Temporal's start delay. Without it, a storm of thousands of alerts
 * starts every triage at once: they all advance in lockstep, the workers' workflow cache thrashes and no
 * ticket comes out for many minutes — for the noisy detection and for every other one. Paced per
 * detection, one noisy rule waits its turn and the others keep starting immediately.
 *
 * One pacer per API process; with N API replicas the rate per detection is up to N × perSecond.
 */
export class StartPacer {
  /** Per detection: the virtual time of its next start slot (epoch ms). */
  private readonly nextSlot = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perSecond >= 0) || !(burst >= 0)) throw new RangeError('perSecond and burst must be ≥ 0');
  }

  /** How long (ms) this detection's next start should be delayed: 0 while within its burst. */
  delayFor(detectionId: string): number {
    if (this.perSecond === 0) return 0;
    const now = this.now();
    const interval = 1000 / this.perSecond;
    // A token bucket kept as one timestamp: an idle detection has up to `burst` slots of credit.
    const slot = Math.max(this.nextSlot.get(detectionId) ?? -Infinity, now - this.burst * interval);
    this.nextSlot.set(detectionId, slot + interval);
    if (this.nextSlot.size > 10_000) this.forgetIdle(now, interval);
    return Math.max(0, Math.ceil(slot - now));
  }

  /**
   * Gives back the slot `delayFor` just took, for an alert that started nothing (a resend of a running
   * alert, Temporal unreachable): a SIEM re-notifying open alerts must not push new ones minutes out.
   */
  release(detectionId: string): void {
    if (this.perSecond === 0) return;
    const slot = this.nextSlot.get(detectionId);
    if (slot !== undefined) this.nextSlot.set(detectionId, slot - 1000 / this.perSecond);
  }

  /** Detections back at full credit need no entry. */
  private forgetIdle(now: number, interval: number): void {
    for (const [id, slot] of this.nextSlot) if (slot <= now - this.burst * interval) this.nextSlot.delete(id);
  }
}
