// PURE: the quality verdict of a link (or a target) from its window figures, with hysteresis:
// a state is entered at one threshold and left only past another, so figures hovering around a
// threshold do not flap the state.
//
//   down      when loss >= loss_down_pct, or mean RTT >= latency_down_ms, or jitter >= jitter_down_ms
//             (0 = that check is off); left only when loss < loss_up_pct AND RTT < latency_up_ms
//             AND jitter < jitter_up_ms (each where its check is on)
//   degraded  not down, loss >= degraded_loss_pct (0 = off); left below DEGRADED_EXIT_SHARE of it
//   up        otherwise
//   unknown   fewer resolved probes in the window than minSamples (just started)
import type { QualityFigures } from './quality-window.js';

export type QualityState = 'up' | 'degraded' | 'down' | 'unknown';

/** Which check decided: the config key's stem, for status and logs. */
export type QualityCheck = 'loss' | 'latency' | 'jitter';

/** The `quality:` config section as normalised (src/config/quality.ts), ms and percent. */
export interface QualityThresholds {
  windowMs: number;
  lossDownPct: number;
  lossUpPct: number;
  /** 0 = off. */
  latencyDownMs: number;
  latencyUpMs: number;
  /** 0 = off. */
  jitterDownMs: number;
  jitterUpMs: number;
  /** 0 = off. */
  degradedLossPct: number;
}

export interface QualityVerdict {
  state: QualityState;
  /** The check that holds the state (null when up or unknown). */
  check: QualityCheck | null;
  /** Human-readable: "loss 45.0 % >= loss_down_pct 40". */
  reason: string | null;
}

/**
 * A degraded link is back up only once its loss is below this share of degraded_loss_pct: loss
 * hovering at the threshold (random background loss) would otherwise flip it at every probe.
 */
export const DEGRADED_EXIT_SHARE = 0.75;

/** The least probes a window must hold to be judged: a quarter of what it holds at full rate. */
export function minSamples(windowMs: number, intervalMs: number, targets: number): number {
  const full = Math.floor(windowMs / Math.max(1, intervalMs)) * Math.max(1, targets);
  return Math.max(4, Math.ceil(full / 4));
}

const fmt = (x: number): string => (Math.round(x * 10) / 10).toString();

function downBy(f: QualityFigures, t: QualityThresholds): QualityVerdict | null {
  if (f.lossPct !== null && f.lossPct >= t.lossDownPct) {
    return { state: 'down', check: 'loss', reason: `loss ${fmt(f.lossPct)} % >= loss_down_pct ${t.lossDownPct}` };
  }
  if (t.latencyDownMs > 0 && f.rttMs !== null && f.rttMs >= t.latencyDownMs) {
    return { state: 'down', check: 'latency', reason: `rtt ${fmt(f.rttMs)} ms >= latency_down_ms ${t.latencyDownMs}` };
  }
  if (t.jitterDownMs > 0 && f.jitterMs !== null && f.jitterMs >= t.jitterDownMs) {
    return { state: 'down', check: 'jitter', reason: `jitter ${fmt(f.jitterMs)} ms >= jitter_down_ms ${t.jitterDownMs}` };
  }
  return null;
}

/** Why a down link is not up yet, or null when every check agrees it may come back. */
function stillDown(f: QualityFigures, t: QualityThresholds): QualityVerdict | null {
  if (f.lossPct === null || f.lossPct >= t.lossUpPct) {
    return { state: 'down', check: 'loss', reason: `loss ${f.lossPct === null ? '-' : fmt(f.lossPct)} % not below loss_up_pct ${t.lossUpPct}` };
  }
  if (t.latencyDownMs > 0 && (f.rttMs === null || f.rttMs >= t.latencyUpMs)) {
    return { state: 'down', check: 'latency', reason: `rtt ${f.rttMs === null ? '-' : fmt(f.rttMs)} ms not below latency_up_ms ${t.latencyUpMs}` };
  }
  if (t.jitterDownMs > 0 && f.jitterMs !== null && f.jitterMs >= t.jitterUpMs) {
    return { state: 'down', check: 'jitter', reason: `jitter ${fmt(f.jitterMs)} ms not below jitter_up_ms ${t.jitterUpMs}` };
  }
  return null;
}

export function judgeQuality(prev: QualityState, f: QualityFigures, t: QualityThresholds, min: number): QualityVerdict {
  if (f.samples < min) return { state: prev === 'unknown' ? 'unknown' : prev, check: null, reason: prev === 'unknown' ? null : 'too few probes in the window; state kept' };
  const down = downBy(f, t);
  if (down !== null) return down;
  if (prev === 'down') {
    const held = stillDown(f, t);
    if (held !== null) return held;
  }
  const loss = f.lossPct ?? 0;
  if (t.degradedLossPct > 0) {
    const exit = t.degradedLossPct * DEGRADED_EXIT_SHARE;
    if (loss >= t.degradedLossPct || (prev === 'degraded' && loss >= exit)) {
      const reason = loss >= t.degradedLossPct
        ? `loss ${fmt(loss)} % >= degraded_loss_pct ${t.degradedLossPct}`
        : `loss ${fmt(loss)} % not below ${fmt(exit)} (${DEGRADED_EXIT_SHARE} x degraded_loss_pct)`;
      return { state: 'degraded', check: 'loss', reason };
    }
  }
  return { state: 'up', check: null, reason: null };
}
