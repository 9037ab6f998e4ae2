// Pure verdicts of one probe cycle: how a burst of echoes to one target becomes one result,
// how target results become the link's verdict, and how far apart a burst's echoes are sent.
import type { CycleResult, EchoResult } from './types.js';

/** Upper bound on the gap between echoes of one burst, so a cycle stays short. */
export const MAX_ECHO_SPACING_MS = 100;

/**
 * Gap between the echoes of a burst of `count`: small, and such that the last echo leaves
 * at half the timeout at the latest, so every echo still gets a fair share of it.
 */
export function echoSpacingMs(timeoutMs: number, count: number): number {
  if (count <= 1) return 0;
  return Math.max(0, Math.min(MAX_ECHO_SPACING_MS, Math.floor(timeoutMs / (2 * (count - 1)))));
}

/**
 * One target's burst as one result: up if any reply arrived, RTT the mean of the replies.
 * When all failed, a concrete errno (e.g. EHOSTUNREACH from an ICMP error) beats 'timeout'.
 */
export function combineEchoes(target: string, echoes: readonly EchoResult[]): EchoResult {
  const rtts = echoes.filter((e) => e.ok && e.rttMs !== null).map((e) => e.rttMs as number);
  if (echoes.some((e) => e.ok)) {
    const rttMs = rtts.length > 0 ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null;
    return { target, ok: true, rttMs, error: null };
  }
  const errors = echoes.map((e) => e.error ?? 'timeout');
  const error = errors.find((e) => e !== 'timeout') ?? errors[0] ?? 'timeout';
  return { target, ok: false, rttMs: null, error };
}

/** The link's verdict: targets drive `healthy`; the gateway is diagnostic only. */
export function cycleVerdict(
  gateway: EchoResult | null,
  targets: EchoResult[],
  minTargetsUp: number,
): CycleResult {
  const targetsUp = targets.filter((t) => t.ok).length;
  return {
    gateway,
    targets,
    targetsUp,
    healthy: targetsUp >= minTargetsUp,
    gatewayReachable: gateway !== null && gateway.ok,
  };
}
