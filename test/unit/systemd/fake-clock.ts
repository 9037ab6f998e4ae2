// A hand-driven Clock for the systemd tests: timers fire only when advance() passes them.
import type { Clock, TimerHandle } from '../../../src/clock.js';

interface Pending { id: number; at: number; fn: () => void }

export class FakeClock implements Clock {
  private now = 0;
  private nextId = 1;
  private pending: Pending[] = [];

  nowMs(): number { return this.now; }
  wallMs(): number { return 1_700_000_000_000 + this.now; }
  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, at: this.now + ms, fn });
    return { id };
  }
  clearTimer(handle: TimerHandle): void {
    this.pending = this.pending.filter((p) => p.id !== handle.id);
  }
  get timerCount(): number { return this.pending.length; }
  /** Move time forward, firing due timers in order (bounded to avoid runaway loops). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      this.pending.sort((a, b) => a.at - b.at);
      const next = this.pending[0];
      if (!next || next.at > target) break;
      this.pending.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = target;
  }
}
