// A progress bar on stderr: done/total, rate, ETA. Redrawn in place on a terminal; on a pipe or in
// CI, a plain line every few seconds so logs stay readable.
export class Progress {
  private done = 0;
  private errors = 0;
  private readonly start = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  tick(error = false): void {
    this.done++;
    if (error) this.errors++;
    const now = Date.now();
    if (now - this.lastDraw >= (this.tty ? 100 : 5000) || this.done === this.total) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  finish(): void {
    this.draw(true);
  }

  private line(): string {
    const secs = (Date.now() - this.start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const left = this.total - this.done;
    const eta = rate > 0 ? left / rate : NaN;
    const width = 24;
    const frac = this.total ? this.done / this.total : 1;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const err = this.errors ? `  ${this.errors} errors` : '';
    return `${this.label} [${bar}] ${this.done}/${this.total}  ${rate.toFixed(1)} items/s  ETA ${fmt(eta)}${err}`;
  }

  private draw(final: boolean): void {
    if (!this.enabled) return;
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line()}${final ? '\n' : ''}`);
    else if (final || this.done < this.total) this.stream.write(`${this.line()}\n`);
  }
}

function fmt(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
