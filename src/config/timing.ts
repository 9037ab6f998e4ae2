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

// ---- every period the daemon runs on, derived from the running config (issue 20) -------------
// Each consumer asks here with the config it runs on now, so a SIGHUP that changes check_interval
// or ping_timeout moves all of them together: none keeps a value computed at start.

/** Fastest timing the daemon accepts (check_interval, ping_timeout, probe_interval): below it a
 * router floods its targets and spends its CPU on probes (issue 19, defect 10). */
export const TIMING_FLOOR_S = 0.05;

/** Start-to-start target of a link's probe rounds in cycle mode (a longer round delays the next). */
export function probePeriodMs(t: Pick<TimingInput, 'checkIntervalMs'>): number {
  return t.checkIntervalMs;
}

/**
 * How long the probe loop may go without finishing a round before the systemd watchdog stops being
 * petted: three effective periods plus 5 s of slack for a loaded machine.
 */
export function watchdogStallMs(t: TimingInput): number {
  return effectivePeriodMs(t) * 3 + 5_000;
}

/** How often the MQTT extension publishes the full state: every check_interval, at most 10 a second. */
export function mqttStateIntervalMs(t: Pick<TimingInput, 'checkIntervalMs'>): number {
  return Math.max(100, t.checkIntervalMs);
}

/**
 * Housekeeping (link statistics, dhclient state files): every check_interval, but never more often
 * than once a second (traffic figures and state files need no finer grain, and each run is a
 * netlink dump plus file reads), starting half a period out of phase with the probe rounds.
 */
export const HOUSEKEEPING_MIN_MS = 1_000;
export function housekeepingPeriodMs(t: Pick<TimingInput, 'checkIntervalMs'>): number {
  return Math.max(HOUSEKEEPING_MIN_MS, t.checkIntervalMs);
}

/**
 * Link byte counters for the traffic figures (status, metrics, MQTT): every check_interval, but at
 * most every 5 s. Each sample is a full RTM_GETLINK dump, parsed attribute by attribute for every
 * link on the router: at a 1 s check_interval it was about 40 % of the daemon's JS time at rest
 * (issue 20). Rates over 5 s are as good for a dashboard; the state files stay on housekeeping's period.
 */
export const TRAFFIC_MIN_MS = 5_000;
export function trafficPeriodMs(t: Pick<TimingInput, 'checkIntervalMs'>): number {
  return Math.max(TRAFFIC_MIN_MS, t.checkIntervalMs);
}
