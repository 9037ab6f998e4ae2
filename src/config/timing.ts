// PURE: what check_interval and ping_timeout mean together. Probe rounds never overlap: a round
// starts every check_interval, or, when the previous one took longer (a target that does not
// answer holds its round for up to ping_timeout), right after it ended. So the effective period
// is max(check_interval, ping_timeout), plus a little housekeeping per round (timers, parsing).

export interface TimingInput {
  checkIntervalMs: number;
  pingTimeoutMs: number;
  failureThreshold: number;
}

/** Start-to-start time of rounds while a link fails: max(check_interval, ping_timeout). */
export function effectivePeriodMs(t: TimingInput): number {
  return Math.max(t.checkIntervalMs, t.pingTimeoutMs);
}

/**
 * Time from an upstream fault to the link being declared down (and failover starting), without
 * housekeeping. Earliest: the fault lands just before a round starts, and failure_threshold
 * rounds fail back to back: (F - 1) * P + ping_timeout. Latest: the fault lands just after a round
 * got its replies, so one more check_interval passes before the first failing round.
 */
export function failoverWindowMs(t: TimingInput): { minMs: number; maxMs: number } {
  const p = effectivePeriodMs(t);
  const minMs = (t.failureThreshold - 1) * p + t.pingTimeoutMs;
  return { minMs, maxMs: minMs + t.checkIntervalMs };
}
