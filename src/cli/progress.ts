/**
 * A progress line for long commands: a bar, rate and ETA on a terminal (redrawn in place); on a pipe or
 * in CI, a plain line every 10 % or 5 s, so logs stay readable.
 */
export interface Counts {
  total: number;
  started: number;
  duplicate: number;
  rejected: number;
  skipped: number;
}

export class Progress {
  private readonly startedAt: number;
  private lastPrint = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly expected?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tty = !!(out as NodeJS.WriteStream).isTTY;
    this.startedAt = now();
  }

  private line(c: Counts): string {
    const seconds = (this.now() - this.startedAt) / 1000;
    // Lines a previous run finished go by in a blink: counting them would promise an ETA of seconds.
    const rate = seconds > 0 ? (c.total - c.skipped) / seconds : 0;
    const counts = `started ${c.started} · duplicate ${c.duplicate} · already done ${c.skipped} · rejected ${c.rejected}`;
    if (!this.expected) return `${c.total} alerts · ${rate.toFixed(1)}/s · ${counts}`;
    const share = Math.min(c.total / this.expected, 1);
    const width = 24;
    const bar = `${'█'.repeat(Math.round(share * width))}${'░'.repeat(width - Math.round(share * width))}`;
    const eta = rate > 0 ? Math.max(0, (this.expected - c.total) / rate) : undefined;
    return `${bar} ${c.total}/${this.expected} ${Math.round(share * 100)}% · ${rate.toFixed(1)}/s · ETA ${eta === undefined ? '—' : `${Math.ceil(eta)} s`} · ${counts}`;
  }

  update(c: Counts): void {
    const now = this.now();
    if (this.tty) {
      if (now - this.lastPrint < 100) return;
      this.lastPrint = now;
      this.out.write(`\r\x1b[2K${this.line(c)}`);
      return;
    }
    const decile = this.expected ? Math.floor((c.total / this.expected) * 10) : -1;
    if (decile > this.lastDecile || now - this.lastPrint > 5000) {
      this.lastDecile = decile;
      this.lastPrint = now;
      this.out.write(`${this.line(c)}\n`);
    }
  }

  note(text: string): void {
    this.out.write(`${this.tty ? '\r\x1b[2K' : ''}${text}\n`);
  }

  done(c: Counts & { seconds: number; ticketsFile?: string; dryRunFailed?: number }): void {
    const failed = c.dryRunFailed ? `; ${c.dryRunFailed} dry run(s) failed, their tickets are missing` : '';
    this.note(
      `done in ${c.seconds.toFixed(1)} s: ${c.total} alerts — started ${c.started}, duplicate ${c.duplicate}, ` +
        `already done ${c.skipped}, rejected ${c.rejected}${c.ticketsFile ? `; dry-run tickets in ${c.ticketsFile}` : ''}${failed}`,
    );
  }
}
