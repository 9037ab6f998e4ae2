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

  private erase(): void {
    // ANSI: cursor up N lines, clear to the end of the screen.
    if (this.tty && this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private current: string[] = [];

  log(line: string): void {
    this.erase();
    this.out.write(line + '\n');
    if (this.tty) this.draw(this.current);
  }

  private draw(lines: string[]): void {
    if (lines.length === 0) return;
    this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }

  view(lines: string[], key: string, nowMs: number): void {
    this.current = lines;
    if (this.tty) {
      this.erase();
      this.draw(lines);
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
