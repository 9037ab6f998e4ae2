// Coalesces bursts of "notifications were lost" signals into one resync: an overflow tends to
// repeat while the kernel keeps queueing, and every resync costs the consumer a full dump.

import type { Clock, TimerHandle } from '../clock.js';

export interface ResyncCoalescer {
  /** Notes a loss; the first reason of a window is emitted once the window closes. */
  note(reason: string): void;
  /** Drops a pending resync (on stop). */
  cancel(): void;
}

/**
 * Trailing window: the resync is emitted `windowMs` after the first loss, so the consumer's dump
 * starts after the burst (losses after that open a new window and yield another resync).
 */
export function createResyncCoalescer(clock: Clock, windowMs: number, emit: (reason: string) => void): ResyncCoalescer {
  let timer: TimerHandle | null = null;
  let reason = '';
  return {
    note(r: string): void {
      if (timer) return;
      reason = r;
      timer = clock.setTimer(windowMs, () => {
        timer = null;
        emit(reason);
      });
    },
    cancel(): void {
      if (timer) clock.clearTimer(timer);
      timer = null;
    },
  };
}
