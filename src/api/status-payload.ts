// PURE mapping from the engine's snapshot to the seed's /api/status JSON (snake_case, ISO-8601 times).
// Every field the seed returned keeps its name and type so existing Home Assistant configs keep working;
// the additions (carrier, state, rtt, targets, links[], ...) are only ever new keys.
import type { DnsSource } from '../bus/events.js';
import type { EngineEvent, EngineStatus, LinkStatus, RuleStatus, Traffic } from '../engine/types.js';
import type { TargetStats } from '../probe/types.js';
import { meteredPayload, type MeteredPayload } from '../metered/metered-status.js';

/** The seed returned the last 20 events; more would bloat every Home Assistant poll. */
export const RECENT_EVENTS_LIMIT = 20;

export interface TrafficPayload {
  rx_mbps: number;
  tx_mbps: number;
  rx_mbps_avg: number;
  tx_mbps_avg: number;
}

export interface TargetPayload {
  target: string;
  up: boolean | null;
  rtt_ms: number | null;
  loss_pct: number | null;
  jitter_ms?: number | null;
  state?: 'up' | 'degraded' | 'down' | 'dead' | 'unknown' | null;
  reason?: string | null;
  /** How the target is probed: icmp, tcp, dns, http, https (issue 23). */
  method?: string;
  /** Why its last probe failed ("timeout", "refused", "NXDOMAIN", "HTTP 302" ...); null when it answered. */
  last_error?: string | null;
}

/** A metered link adds MeteredPayload (issue 24): usage in the billing period, probing, cap. */
export interface LinkPayload extends Partial<MeteredPayload> {
  name: string;
  display_name: string;
  interface: string;
  gateway: string | null;
  /** Seed alias of `gateway`, kept because the seed's HA YAML reads it as an attribute. */
  gateway_ip: string | null;
  healthy: boolean;
  gateway_reachable: boolean;
  consecutive_failures: number;
  consecutive_successes: number;
  last_check: string | null;
  traffic: TrafficPayload;
  carrier: boolean | null;
  state: 'up' | 'degraded' | 'down' | 'unknown';
  active: boolean;
  rtt_ms: number | null;
  loss_pct: number | null;
  gateway_source: 'netlink' | 'state_file' | 'config' | null;
  targets: TargetPayload[];
  gateway_stats: TargetPayload | null;
  /** Conntrack entries NATed to this link flushed when the route left it (src/conntrack/); absent before the first flush. */
  conntrack?: { entries: number; flushes: number; last_flush: string | null };
  /** Link quality (continuous probing): null without it. */
  jitter_ms?: number | null;
  state_reason?: string | null;
  quality?: { state: 'up' | 'degraded' | 'down' | 'unknown'; reason: string | null; window_s: number; samples: number } | null;
  ipv6?: { gateway: string | null; gateway_source: string | null; healthy: boolean; state: string; gateway_reachable: boolean;
    active: boolean; rtt_ms: number | null; loss_pct: number | null; targets: TargetPayload[]; carrying?: boolean; share?: number };
  /** Balancing (issue 21): tier, weight, whether the kernel's default route carries over the link, its share of new flows (0-1). */
  tier?: number;
  weight?: number;
  carrying?: boolean;
  share?: number;
  /** DNS that follows the link (issue 22): the servers in use; absent when the link has none. */
  dns?: string[];
  dns_source?: DnsSource;
}

export interface EventPayload {
  time: string;
  type: string;
  message: string;
  link: string | null;
}

export interface StatusPayload {
  active_link: string | null;
  active_link_ipv6?: string | null;
  active_interface_ipv6?: string | null;
  manual_hold_ipv6?: string | null;
  active_display_name: string | null;
  active_interface: string | null;
  active_gateway: string | null;
  auto_enabled: boolean;
  manual_hold: string | null;
  all_down: boolean;
  primary: LinkPayload | null;
  secondary: LinkPayload | null;
  links: LinkPayload[];
  switch_count: number;
  last_switch: string | null;
  uptime_seconds: number;
  recent_events: EventPayload[];
  /** Policy rules (issue 22): where each one's traffic goes; absent without `rules:`. */
  rules?: RulePayload[];
}

/** A policy rule's entry (issue 22): the engine's own shape, whose keys are already the API's. */
export type RulePayload = RuleStatus;

export interface HealthPayload {
  status: 'ok';
  active_link: string | null;
  all_down: boolean;
  uptime_seconds: number;
}

export function toStatusPayload(status: EngineStatus): StatusPayload {
  const links = status.links.map(toLinkPayload);
  const active = status.links.find((l) => l.name === status.active) ?? null;
  const active6 = status.activeIpv6 === undefined ? undefined : status.links.find((l) => l.name === status.activeIpv6) ?? null;
  return {
    active_link: status.active,
    ...(active6 === undefined ? {} : { active_link_ipv6: active6?.name ?? null, active_interface_ipv6: active6?.interface ?? null,
      manual_hold_ipv6: status.manualHoldIpv6 ?? null }),
    active_display_name: active?.displayName ?? null,
    active_interface: active?.interface ?? null,
    active_gateway: active?.gateway ?? null,
    auto_enabled: status.autoEnabled,
    manual_hold: status.manualHold,
    all_down: status.allDown,
    primary: links[0] ?? null,
    secondary: links[1] ?? null,
    links,
    switch_count: status.switchCount,
    last_switch: isoOrNull(status.lastSwitchMs),
    uptime_seconds: wholeSeconds(status.uptimeSeconds),
    recent_events: status.events.slice(-RECENT_EVENTS_LIMIT).map(toEventPayload),
    ...(status.rules ? { rules: status.rules.map((r) => ({ ...r })) } : {}),
  };
}

export function toHealthPayload(status: EngineStatus): HealthPayload {
  return {
    status: 'ok',
    active_link: status.active,
    all_down: status.allDown,
    uptime_seconds: wholeSeconds(status.uptimeSeconds),
  };
}

export function toLinkPayload(link: LinkStatus): LinkPayload {
  return {
    name: link.name,
    display_name: link.displayName,
    interface: link.interface,
    gateway: link.gateway,
    gateway_ip: link.gateway,
    healthy: link.healthy,
    gateway_reachable: link.gatewayReachable,
    consecutive_failures: link.consecutiveFailures,
    consecutive_successes: link.consecutiveSuccesses,
    last_check: isoOrNull(link.lastCheckMs),
    traffic: toTrafficPayload(link.traffic),
    carrier: link.carrier,
    state: link.state,
    active: link.active,
    rtt_ms: round2OrNull(link.rttMs),
    loss_pct: round2OrNull(link.lossPct),
    gateway_source: link.gatewaySource,
    targets: link.targets.map(toTargetPayload),
    gateway_stats: link.gatewayStats === null ? null : toTargetPayload(link.gatewayStats),
    ...(link.ipv6 ? { ipv6: {
      gateway: link.ipv6.gateway, gateway_source: link.ipv6.gatewaySource, healthy: link.ipv6.healthy, state: link.ipv6.state,
      gateway_reachable: link.ipv6.gatewayReachable, active: link.ipv6.active, rtt_ms: round2OrNull(link.ipv6.rttMs),
      loss_pct: round2OrNull(link.ipv6.lossPct), targets: link.ipv6.targets.map(toTargetPayload),
      ...(link.ipv6.carrying !== undefined ? { carrying: link.ipv6.carrying, share: round4(link.ipv6.share ?? 0) } : {}),
    } } : {}),
    ...(link.tier !== undefined ? { tier: link.tier, weight: link.weight ?? 1 } : {}),
    ...(link.carrying !== undefined ? { carrying: link.carrying, share: round4(link.share ?? 0) } : {}),
    ...(link.dns ? { dns: link.dns.servers, dns_source: link.dns.source } : {}),
    ...(link.conntrack ? { conntrack: { entries: link.conntrack.entries, flushes: link.conntrack.flushes, last_flush: isoOrNull(link.conntrack.lastMs) } } : {}),
    jitter_ms: round2OrNull(link.jitterMs ?? null),
    state_reason: link.stateReason ?? null,
    ...(link.metered ? meteredPayload(link.metered) : {}),
    quality: link.quality ? { state: link.quality.state, reason: link.quality.reason, window_s: link.quality.windowMs / 1000, samples: link.quality.samples } : null,
  };
}

function toTrafficPayload(t: Traffic): TrafficPayload {
  // Mbps is only ever shown to people; two decimals is what the seed printed.
  return {
    rx_mbps: round2OrZero(t.rxMbps),
    tx_mbps: round2OrZero(t.txMbps),
    rx_mbps_avg: round2OrZero(t.rxMbpsAvg),
    tx_mbps_avg: round2OrZero(t.txMbpsAvg),
  };
}

function toTargetPayload(s: TargetStats): TargetPayload {
  const base: TargetPayload = {
    target: s.target, up: s.up, rtt_ms: round2OrNull(s.rttMs), loss_pct: round2OrNull(s.lossPct),
    // New keys only: the seed's four stay as they were.
    ...(s.method !== undefined ? { method: s.method, last_error: s.lastError ?? null } : {}),
  };
  // Continuous probing adds its figures; cycle mode keeps the original four keys.
  if (s.state === undefined) return base;
  return { ...base, jitter_ms: round2OrNull(s.jitterMs ?? null), state: s.state, reason: s.reason ?? null };
}

function toEventPayload(e: EngineEvent): EventPayload {
  return { time: new Date(e.timeMs).toISOString(), type: e.type, message: e.message, link: e.link };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

function wholeSeconds(s: number): number {
  return Number.isFinite(s) && s > 0 ? Math.floor(s) : 0;
}

// NaN/Infinity would serialise as null and break HA's numeric sensors, so counters fall back to 0.
function round2OrZero(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 100) / 100 + 0 : 0;
}

function round4(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : 0;
}

function round2OrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100;
}
