// PURE: what the status says of a metered link (issue 24): its usage in the billing period, how it
// is probed right now, and whether the cap made it last resort.
import type { UsageView } from './metered-usage.js';

export interface MeteredLinkStatus {
  /** RX + TX bytes in the billing period (metrics); usageMb is the same in MB, two decimals. */
  usageBytes: number;
  capBytes: number | null;
  usageMb: number;
  capMb: number | null;
  capPct: number | null;
  /** Wall-clock ms; null until the link was first seen. */
  periodStartMs: number | null;
  /** "standby, probed every 60 s" or "normal rate". */
  probing: string;
  /** Why the link carries traffic only while every other link is down; null: it is not last resort. */
  lastResort: string | null;
}

export const LAST_RESORT_REASON = 'data cap reached: carries traffic only while every other link is down';

export function probingText(standby: boolean, standbyIntervalMs: number): string {
  return standby ? `standby, probed every ${Math.round(standbyIntervalMs / 1000)} s` : 'normal rate';
}

export function meteredLinkStatus(u: UsageView, probing: string): MeteredLinkStatus {
  return {
    usageBytes: u.usageBytes,
    capBytes: u.capBytes,
    usageMb: Math.round(u.usageBytes / 1e4) / 100,
    capMb: u.capBytes === null ? null : u.capBytes / 1e6,
    capPct: u.capPct,
    periodStartMs: u.periodStartMs,
    probing,
    lastResort: u.capReached ? LAST_RESORT_REASON : null,
  };
}

/** The JSON of a metered link (/api/status, MQTT link documents, wanctl): snake_case, ISO time. */
export interface MeteredPayload {
  usage_mb: number;
  cap_mb: number | null;
  cap_pct: number | null;
  period_start: string | null;
  probing: string;
  last_resort: string | null;
}

export function meteredPayload(m: MeteredLinkStatus): MeteredPayload {
  return { usage_mb: m.usageMb, cap_mb: m.capMb, cap_pct: m.capPct,
    period_start: m.periodStartMs === null ? null : new Date(m.periodStartMs).toISOString(), probing: m.probing, last_resort: m.lastResort };
}
