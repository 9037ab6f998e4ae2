// The small interfaces the daemon needs from its surroundings, so tests hand in fakes:
// a logger (pino satisfies it), the per-link prober, and the filesystem bits.
import type { AddressFamily } from '../bus/events.js';
import type { Config, LinkConfig, QualityConfig } from '../config/types.js';
import type { CycleResult, ProbeStats } from '../probe/types.js';

export interface LogPort {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Probes one link in one address family; owns its transport (socket), so results are not ICMP-shaped. */
export interface ProberPort {
  /** One round: the gateway (diagnostic) and every target. Never rejects. */
  runCycle(gateway: string | null): Promise<CycleResult>;
  /**
   * A metered link's standby probe (issue 24): one echo to the index-th target (rotating), no
   * gateway; healthy when it answered. Without it the loop runs a full round at the standby rate.
   */
  runSingle?(index: number): Promise<CycleResult>;
  stats(): ProbeStats;
  setTargets(targets: string[]): void;
  setOptions(opts: { timeoutMs?: number; count?: number; minTargetsUp?: number; window?: number; intervalMs?: number;
    quality?: QualityConfig | null }): void;
  close(): void;
  /** The prober runs its own schedule (continuous probing): the loop pulls rounds as they finish. */
  readonly paced?: boolean;
}

/**
 * Opens a prober for a link and family, set up from `config`, the daemon's running config (the
 * factory keeps none of its own: a prober opened after a reload follows the running config, issue
 * 20); throws (errno-coded) when its transport cannot be opened.
 */
export interface ProberFactory {
  (link: LinkConfig, family: AddressFamily, config: Config): ProberPort;
}

export interface HostPort {
  /** The gateway in <dir>/<iface>.json, or null. */
  readStateFile(dir: string, iface: string): Promise<string | null>;
  /** The DHCP DNS servers in <dir>/<iface>.json and <iface>.dhcp6.json (issue 22); absent = none known. */
  readStateDns?(dir: string, iface: string): Promise<string[]>;
  /** Sets loose rp_filter where it is strict; returns the old value when it changed something. */
  loosenRpFilter(iface: string): Promise<{ from: number; to: number } | null>;
  /** Balancing: sets fib_multipath_hash_policy to L4 (1) where it is L3 (0); returns what changed. */
  setMultipathHash?(families: readonly AddressFamily[]): Promise<Array<{ family: AddressFamily; from: number; to: number }>>;
  /** IPv6: whether the kernel drops RAs on the WAN (forwarding on, accept_ra not 2); sets it when allowed. */
  checkAcceptRa?(iface: string, set: boolean): Promise<{ acceptRa: number; forwarding: number; changed: boolean; warning: string | null } | null>;
}
