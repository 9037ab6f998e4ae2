// The daemon's typed events: what happened, as data. The failover core publishes them on the bus;
// extensions (event ring, logging, sd_notify, status projection, conntrack, MQTT, metrics, hooks)
// consume them. Pure types: nothing here depends on the engine.

/** An address family, as a parameter of the code rather than a fork of it (as dpinger does it). */
export type AddressFamily = 'ipv4' | 'ipv6';

import type { Health, PolicyRecordType, SwitchReason } from '../policy/types.js';

/** The type of an entry of the event ring: the policy's records and the daemon's own. */
export type RecordType = PolicyRecordType | 'start' | 'stop' | 'switch' | 'gateway_change' | 'data_cap';

/** up: probes pass; degraded: passes but quality is poor; down: declared down; unknown: not judged yet. */
export type HealthState = Health;
export type { SwitchReason };

/** Where a link's DNS servers come from (issue 22): its static `dns` (wins), or its DHCP leases (the exit hook's files). */
export type DnsSource = 'static' | 'dhcp';
/** The DNS servers a link uses; source null = none known. */
export interface LinkDns { servers: readonly string[]; source: DnsSource | null }

/** One end of a switch: the link, its interface and its addresses of that family at that moment. */
export interface SwitchEnd {
  link: string;
  interface: string;
  /** The gateway of this family the route uses (or used). */
  gateway?: string | null;
  /** Addresses the interface holds in this family (for the conntrack flush: reply destination). */
  addresses: string[];
}

/** One echo's outcome; not ICMP-shaped (other probe methods report the same). */
export interface ProbeSample {
  target: string;
  ok: boolean;
  /** Round-trip time in ms when ok. */
  rttMs: number | null;
  /** errno code, 'timeout' or null. */
  error: string | null;
}

export type DaemonEvent =
  /** The kernel acknowledged the new default route (the switch is done, not just intended). */
  | { kind: 'switched'; family: AddressFamily; from: SwitchEnd | null; to: SwitchEnd; reason: SwitchReason;
      /** Why, in words ("Telekom is down, Digi is healthy"). */
      detail?: string; message: string; timeMs: number; applyMs: number }
  /**
   * The kernel now carries a family's default route over another set of links (balancing; in
   * failover a set of one, published beside `switched`): who started and stopped carrying, and
   * each carrying link's share of new flows (0-1).
   */
  | { kind: 'carrying'; family: AddressFamily; started: SwitchEnd[]; stopped: SwitchEnd[]; shares: Record<string, number>;
      timeMs: number }
  /** The kernel refused a default-route change; it is retried with backoff. */
  | { kind: 'switch-failed'; family: AddressFamily; to: string; error: string; timeMs: number }
  /** A link's judged state changed for a family (carrier loss takes both families down). */
  | { kind: 'link-state'; link: string; interface: string; family: AddressFamily; from: HealthState; to: HealthState;
      reason: string; timeMs: number }
  | { kind: 'carrier'; link: string; interface: string; up: boolean; timeMs: number }
  /** Entering (down: true) or leaving the state where no link is usable. */
  | { kind: 'all-down'; down: boolean; timeMs: number }
  /** One probe round of a link in a family has finished. */
  | { kind: 'probe-round'; link: string; family: AddressFamily; gateway: ProbeSample | null; targets: ProbeSample[];
      healthy: boolean; timeMs: number }
  | { kind: 'gateway'; link: string; family: AddressFamily; gateway: string | null; source: string | null; timeMs: number }
  | { kind: 'auto'; enabled: boolean; timeMs: number }
  /** An entry of the status event ring (the original's `events`): every record, as logged. */
  | { kind: 'record'; type: RecordType; level: 'info' | 'warn' | 'error'; link: string | null; message: string; timeMs: number }
  /** Conntrack entries NATed to the link the default route just left were deleted (src/conntrack/). */
  | { kind: 'conntrack-flushed'; link: string; interface: string; family: AddressFamily; entries: number;
      durationMs: number; timeMs: number }
  /** A link's kernel byte counters (IFLA_STATS64), sampled after each probe round (metrics). */
  | { kind: 'link-stats'; link: string; interface: string; rxBytes: number; txBytes: number; timeMs: number;
      /** The interface's ifindex: a new one means the counters restarted (src/metered/). */
      ifindex?: number | null }
  /** A metered link's usage reached 75, 95 or 100 % of its data cap in this billing period (src/metered/). */
  | { kind: 'data-cap'; link: string; interface: string; pct: 75 | 95 | 100; usageBytes: number; capBytes: number;
      periodStartMs: number; timeMs: number }
  /** The DNS servers a link uses changed (issue 22): its static `dns`, else its DHCP leases'. */
  | { kind: 'link-dns'; link: string; servers: string[]; source: DnsSource | null; timeMs: number }
  /** Something in the status may have changed (coarse: listeners re-read engine.status()). */
  | { kind: 'status-changed'; timeMs: number }
  /**
   * A policy rule's traffic goes elsewhere now (issue 22; decided in the same turn as the main route):
   * from/to are links, null for none (a blackhole, or the main route when `state` is fallback without one).
   */
  | { kind: 'rule-moved'; rule: string; family: AddressFamily; from: string | null; to: string | null;
      state: 'preferred' | 'fallback' | 'blackhole'; timeMs: number };

export type DaemonEventKind = DaemonEvent['kind'];
export type EventOf<K extends DaemonEventKind> = Extract<DaemonEvent, { kind: K }>;
