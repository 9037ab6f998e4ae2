// The demo's terminal: a live block redrawn in place on a TTY (log lines scroll above it), or, on
// a pipe/CI log, the block reprinted only when its content key changes or every few seconds.
export class LiveScreen {
  private drawn = 0;
  private lastKey = '';
  private lastPrintMs = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly plainEveryMs = 3000) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** ANSI: cursor up N lines, clear to the end of the screen ('' when nothing is drawn). */
  private erase(): string {
    const s = this.tty && this.drawn > 0 ? `\x1b[${this.drawn}A\x1b[0J` : '';
    this.drawn = 0;
    return s;
  }

  private current: string[] = [];

  // Erase, text and redraw go out in ONE write, so the block never flickers away between them.
  // `stale`: the line reports a change the block does not show yet (a route moved): the block is
  // erased and not redrawn until the next view(), so no line sits above a table it contradicts.
  log(line: string, opts: { stale?: boolean } = {}): void {
    if (opts.stale === true) this.current = [];
    this.out.write(this.erase() + line + '\n' + (this.tty ? this.draw(this.current) : ''));
  }

  private draw(lines: string[]): string {
    if (lines.length === 0) return '';
    this.drawn = lines.length;
    return lines.join('\n') + '\n';
  }

  view(lines: string[], key: string, nowMs: number): void {
    this.current = lines;
    if (this.tty) {
      this.out.write(this.erase() + this.draw(lines));
      return;
    }
    if (key === this.lastKey && nowMs - this.lastPrintMs < this.plainEveryMs) return;
    this.lastKey = key;
    this.lastPrintMs = nowMs;
    this.out.write(lines.join('\n') + '\n');
  }

  /** Leaves the last view on screen and stops redrawing over it. */
  freeze(): void {
    this.drawn = 0;
    this.current = [];
  }
}
