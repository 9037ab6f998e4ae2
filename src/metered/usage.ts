// PURE: a metered link's usage in its billing period, accumulated from the kernel's byte counters
// (IFLA_STATS64 RX + TX). The counters restart at 0 when the interface is re-created or the
// machine reboots; the `epoch` (boot id + ifindex) says which series a reading belongs to, so a
// restart of the daemon that finds the same series counts only what was added meanwhile, and a
// new series counts from its start. Readings are seconds apart, so what a vanishing interface
// carried after its last reading (at most one check_interval) is the only loss.
import { nextPeriodStart, periodStartFor } from './billing-period.js';

/** Notification levels of the data cap, in percent (Peplink warns at 75/95 %, issue 24). */
export const CAP_LEVELS = [75, 95, 100] as const;
export type CapLevel = (typeof CAP_LEVELS)[number];

export interface CounterReading {
  atMs: number;
  /** Identifies the counter series: it changes when the counters restart (reboot, new ifindex). */
  epoch: string;
  rxBytes: number;
  txBytes: number;
}

export interface LinkUsage {
  /** Wall-clock ms the current period started (the first: when the link was first seen). */
  periodStartMs: number;
  /** RX + TX bytes counted in this period. */
  bytes: number;
  /** The highest cap level already announced in this period (0: none). */
  notifiedPct: 0 | CapLevel;
  /** The last reading: the base of the next delta. */
  last: { epoch: string; rxBytes: number; txBytes: number } | null;
}

/** A link seen for the first time: its first period starts now, its counters so far are not ours. */
export function firstUsage(r: CounterReading): LinkUsage {
  return { periodStartMs: r.atMs, bytes: 0, notifiedPct: 0, last: { epoch: r.epoch, rxBytes: r.rxBytes, txBytes: r.txBytes } };
}

/** Bytes since the last reading: the difference in one series, the whole counters in a new one. */
export function counterDelta(last: LinkUsage['last'], r: CounterReading): number {
  if (last !== null && last.epoch === r.epoch && r.rxBytes >= last.rxBytes && r.txBytes >= last.txBytes) {
    return r.rxBytes - last.rxBytes + (r.txBytes - last.txBytes);
  }
  // A new series (or counters that went backwards in the same one: re-created under the same
  // ifindex): everything it holds was carried since it started.
  return r.rxBytes + r.txBytes;
}

/** The usage after a reading; a reading past the period's end starts the next period. */
export function accumulate(u: LinkUsage, r: CounterReading, resetDay: number): LinkUsage {
  const delta = counterDelta(u.last, r);
  const last = { epoch: r.epoch, rxBytes: r.rxBytes, txBytes: r.txBytes };
  if (r.atMs >= nextPeriodStart(u.periodStartMs, resetDay)) {
    return { periodStartMs: periodStartFor(r.atMs, resetDay), bytes: delta, notifiedPct: 0, last };
  }
  return { ...u, bytes: u.bytes + delta, last };
}

/** The usage at `atMs` without a reading: a period that ended is rolled over to an empty one. */
export function rollover(u: LinkUsage, atMs: number, resetDay: number): LinkUsage {
  if (atMs < nextPeriodStart(u.periodStartMs, resetDay)) return u;
  return { ...u, periodStartMs: periodStartFor(atMs, resetDay), bytes: 0, notifiedPct: 0 };
}

/** The highest cap level `bytes` reached (0: none, or no cap). */
export function reachedLevel(bytes: number, capBytes: number | null): 0 | CapLevel {
  if (capBytes === null) return 0;
  const reached = CAP_LEVELS.filter((lvl) => bytes * 100 >= lvl * capBytes);
  return reached[reached.length - 1] ?? 0;
}

/** The highest cap level reached and not yet announced, or null. */
export function capCrossing(u: LinkUsage, capBytes: number | null): CapLevel | null {
  const top = reachedLevel(u.bytes, capBytes);
  return top !== 0 && top > u.notifiedPct ? top : null;
}

/** Percent of the cap used, one decimal; null without a cap. */
export function capPct(bytes: number, capBytes: number | null): number | null {
  return capBytes === null ? null : Math.round((bytes * 1000) / capBytes) / 10;
}

/** At or over the cap: the link becomes last resort. */
export function capReached(bytes: number, capBytes: number | null): boolean {
  return capBytes !== null && bytes >= capBytes;
}
