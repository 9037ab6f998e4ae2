// Pure rolling window of the last N probe cycles for one target, and the loss/RTT figures
// derived from it. Loss and latency are judged over a window, not per reply (as dpinger does),
// so one lost echo moves a figure a little instead of flipping it.
import type { TargetStats } from './types.js';

/** What one cycle did for one target: `sent` echoes, `received` replies, their summed RTT. */
export interface CycleSample {
  sent: number;
  received: number;
  rttSumMs: number;
}

export interface TargetWindow {
  readonly size: number;
  /** Oldest first, at most `size`. */
  readonly samples: readonly CycleSample[];
}

export interface WindowFigures {
  /** Mean RTT over every reply in the window; null when there was none. */
  rttMs: number | null;
  /** Lost echoes as a percentage of echoes sent; null before anything was sent. */
  lossPct: number | null;
}

export function emptyWindow(size: number): TargetWindow {
  return { size: normaliseSize(size), samples: [] };
}

/** A new window with `sample` appended and the oldest samples dropped beyond `size`. */
export function pushSample(w: TargetWindow, sample: CycleSample): TargetWindow {
  const samples = [...w.samples, sample];
  return { size: w.size, samples: samples.slice(Math.max(0, samples.length - w.size)) };
}

/** The same history kept under a new size (a config reload); the newest samples survive. */
export function resizeWindow(w: TargetWindow, size: number): TargetWindow {
  const n = normaliseSize(size);
  return { size: n, samples: w.samples.slice(Math.max(0, w.samples.length - n)) };
}

/** Builds the sample of one cycle from its RTTs (one per reply) and the number of echoes sent. */
export function sampleOf(sent: number, rttsMs: readonly number[]): CycleSample {
  return { sent, received: rttsMs.length, rttSumMs: rttsMs.reduce((a, b) => a + b, 0) };
}

/** Loss and mean RTT over several windows at once: every echo and reply weighs the same. */
export function figures(windows: readonly TargetWindow[]): WindowFigures {
  let sent = 0;
  let received = 0;
  let rttSum = 0;
  for (const w of windows) {
    for (const s of w.samples) {
      sent += s.sent;
      received += s.received;
      rttSum += s.rttSumMs;
    }
  }
  return {
    rttMs: received > 0 ? rttSum / received : null,
    lossPct: sent > 0 ? (100 * (sent - Math.min(received, sent))) / sent : null,
  };
}

/** Per-target view: `up` is the latest cycle's verdict (any reply), null before the first cycle. */
export function targetStats(target: string, w: TargetWindow): TargetStats {
  const last = w.samples[w.samples.length - 1];
  const f = figures([w]);
  return { target, up: last === undefined ? null : last.received > 0, rttMs: f.rttMs, lossPct: f.lossPct };
}

function normaliseSize(size: number): number {
  return Number.isFinite(size) ? Math.max(1, Math.floor(size)) : 1;
}
