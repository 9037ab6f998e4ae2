// Runs jobs one at a time in arrival order, with a bound on the backlog: a job that arrives when
// the queue is full is dropped (and reported), so a slow consumer costs memory up to the bound and
// never back-pressures the publisher. push() returns at once.
import { describeError } from '../errors.js';
import { Streak } from '../log-streak.js';

export interface QueueReport {
  /** The first drop of a streak (the queue was full). */
  dropped(depth: number): void;
  /** The queue accepted a job again after `count` drops. */
  recovered(count: number): void;
  /** A job threw: it is logged and the next one runs. */
  failed(error: string): void;
}

export class SerialQueue<T> {
  private readonly items: T[] = [];
  private running: Promise<void> | null = null;
  private readonly drops: Streak<number>;
  private closed = false;

  constructor(private readonly limit: number, private readonly run: (item: T) => Promise<void>,
    private readonly report: QueueReport) {
    this.drops = new Streak<number>({ began: (depth) => report.dropped(depth), ended: (count) => report.recovered(count) });
  }

  /** false when dropped (full or closed). */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.items.length >= this.limit) {
      this.drops.hit(this.items.length);
      return false;
    }
    this.drops.end();
    this.items.push(item);
    this.running ??= this.drain();
    return true;
  }

  get depth(): number {
    return this.items.length;
  }

  /** Resolves when the backlog is empty and nothing runs. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Drops the backlog; the job running now finishes (its own timeout bounds it). */
  close(): void {
    this.closed = true;
    this.items.length = 0;
  }

  private async drain(): Promise<void> {
    // Start on a later tick: push() runs inside a bus publish, which must return at once.
    await Promise.resolve();
    try {
      for (let item = this.items.shift(); item !== undefined; item = this.items.shift()) {
        try {
          await this.run(item);
        } catch (err) {
          this.report.failed(describeError(err));
        }
      }
    } finally {
      this.running = null;
    }
  }
}
