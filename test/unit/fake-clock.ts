// A hand-driven Clock for unit tests: time moves only when a test calls advance(), timers fire
// in due order at their due time, so tests never sleep. Reusable by every area.
import type { Clock, TimerHandle } from '../../src/clock.js';

interface FakeTimer {
  handle: TimerHandle;
  dueMs: number;
  order: number;
  fn: () => void;
}

/** Lets queued promise callbacks run (a macrotask turn), without any real waiting. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private now: number;
  private readonly wallEpochMs: number;
  private readonly timers: FakeTimer[] = [];
  private order = 0;

  constructor(startMs = 1000, wallEpochMs = Date.UTC(2024, 0, 1)) {
    this.now = startMs;
    this.wallEpochMs = wallEpochMs;
  }

  nowMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallEpochMs + this.now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = { id: ++this.order };
    this.timers.push({ handle, dueMs: this.now + Math.max(0, ms), order: this.order, fn });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const i = this.timers.findIndex((t) => t.handle === handle);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Timers scheduled and neither fired nor cleared: leak checks assert this is 0. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order (synchronously). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (let t = this.next(target); t !== undefined; t = this.next(target)) this.fire(t);
    this.now = target;
  }

  /**
   * Like advance(), but lets promise callbacks run after each timer, so work that a timer
   * starts (and the timers that work sets) happens at the right fake time.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.now + ms;
    await flushMicrotasks();
    for (let t = this.next(target); t !== undefined; t = this.next(target)) {
      this.fire(t);
      await flushMicrotasks();
    }
    this.now = target;
  }

  private next(limitMs: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.dueMs > limitMs) continue;
      if (best === undefined || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.order < best.order)) best = t;
    }
    return best;
  }

  private fire(t: FakeTimer): void {
    this.clearTimer(t.handle);
    this.now = Math.max(this.now, t.dueMs);
    t.fn();
  }
}
