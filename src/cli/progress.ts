/** A one-line progress bar on stderr, redrawn in place on a terminal; elsewhere only the final line is written. */

export class ProgressBar {
  private last = -1;
  private readonly tty: boolean;
  private readonly start = performance.now();

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Reports a fraction in [0, 1]. */
  update(fraction: number): void {
    const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    if (this.tty) {
      if (pct === this.last) return;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%`);
      this.last = pct;
    }
  }

  done(note = ''): void {
    const s = ((performance.now() - this.start) / 1000).toFixed(1);
    if (this.tty) this.stream.write(`\r${this.label} done in ${s} s${note ? ` (${note})` : ''}\x1b[K\n`);
    else this.stream.write(`${this.label} done in ${s} s${note ? ` (${note})` : ''}\n`);
  }
}
