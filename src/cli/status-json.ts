// The JSON the daemon's REST API speaks (the seed's /api/status plus the additions), as wanctl
// reads it. Every field is optional-tolerant where the seed daemon may not send it.
import type { MeteredPayload } from '../metered/metered-status.js';

export interface TrafficJson {
  rx_mbps: number;
  tx_mbps: number;
  rx_mbps_avg: number;
  tx_mbps_avg: number;
}

/** A metered link adds MeteredPayload's fields (issue 24). */
export interface LinkJson extends Partial<MeteredPayload> {
  name: string;
  display_name: string;
  interface: string;
  gateway: string | null;
  healthy: boolean;
  gateway_reachable: boolean;
  consecutive_failures?: number;
  consecutive_successes?: number;
  last_check?: string | null;
  traffic?: TrafficJson;
  /** Added by wan-failover (absent from the Python seed). */
  carrier?: boolean | null;
  /** Balancing (issue 21). */
  tier?: number;
  weight?: number;
  carrying?: boolean;
  share?: number;
  state?: 'up' | 'degraded' | 'down' | 'unknown';
  active?: boolean;
  rtt_ms?: number | null;
  loss_pct?: number | null;
  gateway_source?: string | null;
  /** Link quality (continuous probing). */
  jitter_ms?: number | null;
  state_reason?: string | null;
  quality?: { state: string; reason: string | null; window_s: number; samples: number } | null;
  targets?: TargetJson[];
  /** This link's IPv6, judged on its own; only when the daemon manages IPv6 (issue 12). */
  ipv6?: LinkFamilyJson;
}

export interface LinkFamilyJson {
  gateway: string | null;
  gateway_source?: string | null;
  healthy: boolean;
  /** up, degraded, down or unknown. */
  state?: string;
  gateway_reachable: boolean;
  active?: boolean;
  rtt_ms?: number | null;
  loss_pct?: number | null;
  targets?: TargetJson[];
}

export interface TargetJson {
  target: string;
  up: boolean | null;
  rtt_ms: number | null;
  loss_pct: number | null;
  jitter_ms?: number | null;
  state?: string | null;
  reason?: string | null;
  /** icmp, tcp, dns, http or https (issue 23). */
  method?: string;
  last_error?: string | null;
}

export interface EventJson {
  time: string;
  type: string;
  message: string;
}

export interface StatusJson {
  active_link: string | null;
  active_display_name?: string | null;
  active_interface?: string | null;
  active_gateway?: string | null;
  auto_enabled: boolean;
  primary?: LinkJson | null;
  secondary?: LinkJson | null;
  switch_count?: number;
  last_switch?: string | null;
  uptime_seconds?: number;
  recent_events?: EventJson[];
  manual_hold?: string | null;
  all_down?: boolean;
  links?: LinkJson[];
  /** Present only when the daemon manages IPv6: its IPv6 default route's link. */
  active_link_ipv6?: string | null;
  active_interface_ipv6?: string | null;
  manual_hold_ipv6?: string | null;
  /** Policy rules (issue 22); absent without `rules:`. */
  rules?: RuleJson[];
}

export interface RuleJson {
  name: string;
  family?: 'ipv4' | 'ipv6';
  link: string | null;
  state: string;
  ipv6?: { link: string | null; state: string };
}

export interface SwitchResponseJson {
  success: boolean;
  active?: string;
  message?: string;
  /** Present when the daemon manages IPv6. */
  active_ipv6?: string | null;
  ipv6_result?: 'switched' | 'already_active' | 'not_moved';
  ipv6_reason?: string;
}

export interface AutoResponseJson {
  success: boolean;
  auto_enabled?: boolean;
}

/** Error bodies: `{ success: false, error, code, valid? }`. */
export interface ErrorJson {
  success?: false;
  error?: string;
  code?: string;
  valid?: string[];
}

/** A plain object check at the boundary: fetch gives `unknown`, the renderers want StatusJson. */
export function asStatusJson(v: unknown): StatusJson {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError('the daemon sent a status that is not a JSON object');
  }
  const o = v as Record<string, unknown>;
  if (typeof o.auto_enabled !== 'boolean') throw new TypeError('the daemon status lacks auto_enabled');
  return o as unknown as StatusJson;
}

/** Links in preference order; the seed has only primary/secondary, newer daemons send `links`. */
export function statusLinks(s: StatusJson): LinkJson[] {
  if (Array.isArray(s.links)) return s.links;
  return [s.primary, s.secondary].filter((l): l is LinkJson => l !== undefined && l !== null);
}
