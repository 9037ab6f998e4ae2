// The one place that reads time. Pure modules take `nowMs` as an argument; everything
// else receives a Clock so tests can drive time by hand.
import { performance } from 'node:perf_hooks';

export type TimerHandle = { readonly id: unknown };

export interface Clock {
  /** Monotonic milliseconds: for intervals, timeouts and RTTs. */
  nowMs(): number;
  /** Wall-clock epoch milliseconds: only for timestamps shown to people. */
  wallMs(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
  setTimer: (ms, fn) => ({ id: setTimeout(fn, ms) }),
  clearTimer: (h) => clearTimeout(h.id as NodeJS.Timeout),
};
