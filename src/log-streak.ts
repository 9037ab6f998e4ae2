// Once per streak, for every input that can repeat (a full queue, malformed MQTT payloads, failed
// API logins, ...): the first occurrence of a streak is reported in full, the rest only counted,
// and the end of the streak reports the count. A streak ends when the caller says so (the input
// works again), when `quietMs` pass with no occurrence (a flood that simply stops), or at close().
// Occurrences of different kinds share one streak: a flood that alternates its kinds (two malformed
// payloads in turn) must not get a line each. The quiet timer exists only while a
// streak is open, and fires at most once per quietMs: an idle daemon has no timer here.
import type { Clock, TimerHandle } from './clock.js';

export interface StreakReport<T> {
  /** The first occurrence of a streak. */
  began(first: T): void;
  /** The streak is over: how many occurrences it had (the first included) and the last one. */
  ended(count: number, last: T): void;
}

export interface StreakQuiet {
  clock: Clock;
  /** The streak ends after this long without an occurrence. */
  quietMs: number;
}

export class Streak<T> {
  private n = 0;
  private last: T | undefined;
  private lastMs = 0;
  private timer: TimerHandle | null = null;

  constructor(private readonly report: StreakReport<T>, private readonly quiet: StreakQuiet | null = null) {}

  /** Occurrences so far in the open streak (0: none open). */
  get count(): number {
    return this.n;
  }

  /** One occurrence. */
  hit(item: T): void {
    this.n += 1;
    this.last = item;
    if (this.quiet) this.lastMs = this.quiet.clock.nowMs();
    if (this.n > 1) return;
    this.report.began(item);
    this.arm(this.quiet?.quietMs ?? 0);
  }

  /** Ends the open streak (if any), reporting its count. */
  end(): void {
    if (this.n === 0) return;
    const count = this.n;
    const last = this.last as T;
    this.n = 0;
    this.last = undefined;
    if (this.timer && this.quiet) this.quiet.clock.clearTimer(this.timer);
    this.timer = null;
    this.report.ended(count, last);
  }

  /** At stop: reports the open streak and leaves no timer. */
  close(): void {
    this.end();
  }

  private arm(ms: number): void {
    const q = this.quiet;
    if (!q) return;
    this.timer = q.clock.setTimer(ms, () => {
      this.timer = null;
      const left = this.lastMs + q.quietMs - q.clock.nowMs();
      if (left > 0) this.arm(left);
      else this.end();
    });
  }
}
