// Pure: the retained JSON state documents, one for the router and one per link, projected from the
// engine's status. Home Assistant's entities read fields of them with value templates. Field names
// are snake_case like the REST API's JSON.
import type { EngineStatus, LinkStatus } from '../engine/types.js';
import { meteredPayload, type MeteredPayload } from '../metered/metered-status.js';

export interface RouterDoc {
  active: string | null;
  active_label: string | null;
  auto: boolean;
  manual_hold: string | null;
  all_down: boolean;
  switch_count: number;
  /** ISO 8601 with time zone, null before the first switch. */
  last_switch: string | null;
  links_up: number;
  links: number;
  /** The IPv6 default route's link (issue 12); only when IPv6 is managed. */
  active_ipv6?: string | null;
  active_ipv6_label?: string | null;
  /** Policy rules (issue 22): per rule, the link its traffic takes (its first family's), or "blackhole". */
  rules?: Record<string, string | null>;
}

/** A metered link adds MeteredPayload (issue 24). */
export interface LinkDoc extends Partial<MeteredPayload> {
  name: string;
  label: string;
  interface: string;
  state: string;
  healthy: boolean;
  gateway_reachable: boolean;
  carrier: boolean | null;
  active: boolean;
  gateway: string | null;
  gateway_source: string | null;
  rtt_ms: number | null;
  loss_pct: number | null;
  /** Only when the engine reports jitter (link quality). */
  jitter_ms?: number | null;
  rx_mbps: number;
  tx_mbps: number;
  rx_mbps_avg: number;
  tx_mbps_avg: number;
  consecutive_failures: number;
  last_check: string | null;
  /** Why the link is in its state (as /api/status says it). */
  state_reason?: string | null;
  /** Each target's method and last failure reason (issue 23); absent when the prober does not say. */
  targets?: Array<{ target: string; method: string; up: boolean | null; last_error: string | null }>;
  /** Balancing (issue 21): the kernel's IPv4 default route carries over the link; its share of new flows in %. */
  carrying: boolean;
  share_pct: number;
}

export const isoTime = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const round = (v: number | null, digits: number): number | null => {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const rate = (v: number): number => round(v, 3) ?? 0;

/** Jitter exists with continuous probing only: absent from the status with the original cycles. */
export function jitterOf(link: LinkStatus): { present: boolean; value: number | null } {
  if (link.jitterMs === undefined) return { present: false, value: null };
  return { present: true, value: link.jitterMs === null ? null : round(link.jitterMs, 2) };
}

export function routerDoc(s: EngineStatus): RouterDoc {
  const active = s.links.find((l) => l.name === s.active) ?? null;
  return {
    active: s.active,
    active_label: active?.displayName ?? s.active,
    auto: s.autoEnabled,
    manual_hold: s.manualHold,
    all_down: s.allDown,
    switch_count: s.switchCount,
    last_switch: isoTime(s.lastSwitchMs),
    links_up: s.links.filter((l) => l.healthy).length,
    links: s.links.length,
    ...(s.activeIpv6 === undefined ? {} : {
      active_ipv6: s.activeIpv6,
      active_ipv6_label: s.links.find((l) => l.name === s.activeIpv6)?.displayName ?? s.activeIpv6,
    }),
    ...(s.rules ? { rules: Object.fromEntries(s.rules.map((r) => [r.name, r.state === 'blackhole' ? 'blackhole' : r.link])) } : {}),
  };
}

export function linkDoc(l: LinkStatus): LinkDoc {
  const jitter = jitterOf(l);
  return {
    name: l.name,
    label: l.displayName,
    interface: l.interface,
    state: l.state,
    healthy: l.healthy,
    gateway_reachable: l.gatewayReachable,
    carrier: l.carrier,
    active: l.active,
    gateway: l.gateway,
    gateway_source: l.gatewaySource,
    rtt_ms: round(l.rttMs, 2),
    loss_pct: round(l.lossPct, 1),
    ...(jitter.present ? { jitter_ms: jitter.value } : {}),
    rx_mbps: rate(l.traffic.rxMbps),
    tx_mbps: rate(l.traffic.txMbps),
    rx_mbps_avg: rate(l.traffic.rxMbpsAvg),
    tx_mbps_avg: rate(l.traffic.txMbpsAvg),
    consecutive_failures: l.consecutiveFailures,
    last_check: isoTime(l.lastCheckMs),
    ...(l.stateReason !== undefined ? { state_reason: l.stateReason } : {}),
    ...(l.targets.some((t) => t.method !== undefined) ? {
      targets: l.targets.map((t) => ({ target: t.target, method: t.method ?? 'icmp', up: t.up, last_error: t.lastError ?? null })),
    } : {}),
    carrying: l.carrying ?? l.active,
    share_pct: Math.round((l.share ?? (l.active ? 1 : 0)) * 1000) / 10,
    ...(l.metered ? meteredPayload(l.metered) : {}),
  };
}

/** Every retained state message for a status: topic -> payload (the extension skips unchanged ones). */
export function stateMessages(s: EngineStatus, topics: { router: string; active: string; lastSwitch: string; link(name: string): string }): Map<string, string> {
  const out = new Map<string, string>();
  out.set(topics.router, JSON.stringify(routerDoc(s)));
  // A select's state must be one of its options: publish nothing until there is an active link.
  if (s.active !== null) out.set(topics.active, s.active);
  // A timestamp sensor needs ISO 8601 with a zone; nothing before the first switch.
  const last = isoTime(s.lastSwitchMs);
  if (last !== null) out.set(topics.lastSwitch, last);
  for (const l of s.links) out.set(topics.link(l.name), JSON.stringify(linkDoc(l)));
  return out;
}
