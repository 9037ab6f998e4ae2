// Per-link RX/TX throughput from the kernel's 64-bit byte counters (IFLA_STATS64): an
// instantaneous figure per sample and a rolling average over about a minute. Pure: time is passed in.
import type { Traffic } from '../engine/types.js';

interface Sample { atMs: number; rxBytes: number; txBytes: number }

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class TrafficMeter {
  private prev: Sample | null = null;
  private readonly history: Array<{ atMs: number; rx: number; tx: number }> = [];
  private current: Traffic = { rxMbps: 0, txMbps: 0, rxMbpsAvg: 0, txMbpsAvg: 0 };

  constructor(private readonly windowMs = 60_000) {}

  sample(atMs: number, rxBytes: number, txBytes: number): Traffic {
    const prev = this.prev;
    this.prev = { atMs, rxBytes, txBytes };
    if (prev === null) return this.current;
    const dt = (atMs - prev.atMs) / 1000;
    // A counter that went backwards (interface re-created) restarts the series instead of going negative.
    if (dt <= 0 || rxBytes < prev.rxBytes || txBytes < prev.txBytes) return this.current;
    const rx = ((rxBytes - prev.rxBytes) * 8) / (dt * 1e6);
    const tx = ((txBytes - prev.txBytes) * 8) / (dt * 1e6);
    this.history.push({ atMs, rx, tx });
    while (this.history.length > 0 && atMs - this.history[0]!.atMs > this.windowMs) this.history.shift();
    const n = this.history.length;
    this.current = {
      rxMbps: round3(rx),
      txMbps: round3(tx),
      rxMbpsAvg: round3(this.history.reduce((a, h) => a + h.rx, 0) / n),
      txMbpsAvg: round3(this.history.reduce((a, h) => a + h.tx, 0) / n),
    };
    return this.current;
  }

  /** The interface went away: the next counters start a new series. */
  reset(): void {
    this.prev = null;
  }

  get(): Traffic {
    return this.current;
  }
}
