// Everything the daemon knows about one configured link at run time, outside the policy:
// its interface index, gateway, prober, traffic meter and last probe cycle.
import type { LinkConfig } from '../config/types.js';
import type { GatewaySource } from '../gateway/tracker.js';
import type { ProberPort } from './ports.js';
import { TrafficMeter } from './traffic.js';

export interface LinkRuntime {
  cfg: LinkConfig;
  ifindex: number | null;
  carrier: boolean | null;
  gateway: string | null;
  gatewaySource: GatewaySource | null;
  /** The table route + rule are installed for this (ifindex, gateway). */
  routedAs: { ifindex: number; gateway: string } | null;
  prober: ProberPort | null;
  traffic: TrafficMeter;
  lastCheckWallMs: number | null;
  warnedNoGateway: boolean;
  /** IPv4 addresses the interface holds (from netlink), for the conntrack flush of its NAT flows. */
  addresses: Set<string>;
  /** errno codes of the last cycle's failed sends (not timeouts), to log changes once. */
  probeErrors: string;
}

export function newLinkRuntime(cfg: LinkConfig): LinkRuntime {
  return {
    cfg,
    ifindex: null,
    carrier: null,
    gateway: cfg.gateway,
    gatewaySource: cfg.gateway ? 'config' : null,
    routedAs: null,
    prober: null,
    traffic: new TrafficMeter(),
    lastCheckWallMs: null,
    warnedNoGateway: false,
    probeErrors: '',
    addresses: new Set(),
  };
}
