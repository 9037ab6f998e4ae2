// What the outside (REST API, wanctl, sd_notify) sees of the running daemon: a read-only
// snapshot and two commands. The API maps this to the seed's JSON; it never waits on probes.
import type { DnsSource, RecordType } from '../bus/events.js';
import type { Health } from '../policy/types.js';
import type { TargetStats } from '../probe/types.js';
import type { MeteredLinkStatus } from '../metered/metered-status.js';

export type EngineEventType = RecordType;

export interface EngineEvent {
  /** Wall-clock epoch ms. */
  timeMs: number;
  type: EngineEventType;
  message: string;
  link: string | null;
}

export interface Traffic {
  rxMbps: number;
  txMbps: number;
  rxMbpsAvg: number;
  txMbpsAvg: number;
}

export interface LinkStatus {
  name: string;
  displayName: string;
  interface: string;
  gateway: string | null;
  gatewaySource: 'netlink' | 'state_file' | 'config' | null;
  healthy: boolean;
  gatewayReachable: boolean;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Wall-clock epoch ms of the last finished probe cycle. */
  lastCheckMs: number | null;
  carrier: boolean | null;
  state: Health;
  active: boolean;
  rttMs: number | null;
  lossPct: number | null;
  gatewayStats: TargetStats | null;
  targets: TargetStats[];
  traffic: Traffic;
  /** Continuous probing: jitter over the window. */
  jitterMs?: number | null;
  /** Why the link is in its state (which rule or threshold); null when up. */
  stateReason?: string | null;
  /** The quality verdict over the window (quality: section); absent/null without it. */
  quality?: { state: 'up' | 'degraded' | 'down' | 'unknown'; reason: string | null; windowMs: number; samples: number } | null;
  /** IPv6 of this link, judged on its own (issue 12); absent when IPv6 is not managed. */
  ipv6?: LinkFamilyStatus;
  /** Conntrack entries flushed for this link's NAT flows on switches away from it (when enabled). */
  conntrack?: { entries: number; flushes: number; lastMs: number | null };
  /** Tier (1 = most preferred) and weight inside it, after defaults (issue 21). */
  tier?: number;
  weight?: number;
  /** The kernel's IPv4 default route carries over this link (installed, not intended). */
  carrying?: boolean;
  /** This link's share of new IPv4 flows (0-1): its fraction of the group's buckets (balancing), else its weight's share. */
  share?: number;
  /** The DNS servers the link uses (issue 22): its static `dns`, else its DHCP leases'; absent when it has none. */
  dns?: { servers: string[]; source: DnsSource };
  /** A metered link's usage, probing and cap (src/metered/); absent for an unmetered link. */
  metered?: MeteredLinkStatus;
}

/** One address family of a link: its gateway, judgement and probe figures. */
export interface LinkFamilyStatus {
  gateway: string | null;
  gatewaySource: 'netlink' | 'state_file' | 'config' | null;
  healthy: boolean;
  state: Health;
  gatewayReachable: boolean;
  active: boolean;
  rttMs: number | null;
  lossPct: number | null;
  targets: TargetStats[];
  carrying?: boolean;
  share?: number;
}

export interface EngineStatus {
  /** Name of the link the daemon's default route uses; null if none yet. */
  active: string | null;
  /** The link of the IPv6 default route; undefined when IPv6 is not managed. */
  activeIpv6?: string | null;
  autoEnabled: boolean;
  /** Link held by a manual switch, or null. */
  manualHold: string | null;
  /** The IPv6 policy's manual hold (a switch with family ipv6 or both); undefined when IPv6 is not managed. */
  manualHoldIpv6?: string | null;
  allDown: boolean;
  /** In preference order. */
  links: LinkStatus[];
  switchCount: number;
  lastSwitchMs: number | null;
  startedMs: number;
  uptimeSeconds: number;
  /** Oldest first, at most 100. */
  events: EngineEvent[];
  /** The policy rules (issue 22) in config order; absent without `rules:`. */
  rules?: RuleStatus[];
}

/**
 * Where a policy rule's traffic goes now (the daemon's decision, which the reconciler applies in the
 * same turn). link: the carrying link (a tier: its lead); with state fallback and no link of the
 * rule's own: the main route's link; null for a blackhole. Both families: `ipv6` tells IPv6's.
 */
export interface RuleStatus {
  name: string;
  /** The family of link/state: IPv4 unless the rule is IPv6 only. */
  family: 'ipv4' | 'ipv6';
  link: string | null;
  state: 'preferred' | 'fallback' | 'blackhole';
  ipv6?: { link: string | null; state: 'preferred' | 'fallback' | 'blackhole' };
}

/** Which address family a manual switch moves (POST /api/switch `family`); default both. */
export type SwitchFamily = 'ipv4' | 'ipv6' | 'both';

export const SWITCH_FAMILIES: readonly SwitchFamily[] = ['ipv4', 'ipv6', 'both'];

/**
 * `result`/`link` are those of the family that decides: IPv4 for "both" and "ipv4" (the seed's
 * meaning), IPv6 for "ipv6".
 */
export interface SwitchOutcome {
  result: 'switched' | 'already_active';
  link: string;
  /** The command's number in the command queue (src/engine/command-queue.ts), when it went through it. */
  command?: number;
  /** Present when IPv6 is managed: where IPv6 is after the request and what the request did to it. */
  ipv6?: Ipv6SwitchOutcome;
}

export interface Ipv6SwitchOutcome {
  /** The link of the IPv6 default route after the request (null: none yet). */
  active: string | null;
  /** Absent when the request did not ask to move IPv6 (family "ipv4"). */
  result?: 'switched' | 'already_active' | 'not_moved';
  /** Why IPv6 did not follow a "both" switch (no IPv6 gateway, IPv6 down, the kernel refused). */
  reason?: string;
}

/** Where an operator command came from (named in logs and in a superseded answer). */
export type CommandSource = 'api' | 'wanctl' | 'mqtt';

export interface SwitchOptions {
  force: boolean;
  /** Default "both". */
  family?: SwitchFamily;
  /** Default "api". */
  source?: CommandSource;
}

export interface AutoOptions {
  /** Default "api". */
  source?: CommandSource;
}

/** What the command queue answers for a done auto command. */
export interface AutoOutcome {
  command: number;
}

export interface Engine {
  status(): EngineStatus;
  /**
   * Manual switch; holds until that link fails or the operator switches again.
   * Throws WanError: WAN_ERR_UNKNOWN_LINK (details.valid: string[]), WAN_ERR_LINK_DOWN (unless force),
   * WAN_ERR_NO_GATEWAY, WAN_ERR_SWITCH_FAILED, WAN_ERR_FAMILY_NOT_MANAGED (family "ipv6" without
   * IPv6 targets). For "both" the IPv4 checks decide; IPv6 follows when it can and says so in `ipv6`.
   * Through the command queue also WAN_ERR_SUPERSEDED (details.supersededBy: the command that won).
   */
  switchTo(target: string, opts: SwitchOptions): Promise<SwitchOutcome>;
  setAuto(enabled: boolean, opts?: AutoOptions): Promise<AutoOutcome | void>;
}
