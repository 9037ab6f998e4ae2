// The link facts store: one owner for each fact about a configured link (interface index and
// presence, carrier, addresses and gateways per address family with their source, traffic
// counters). Only the adapters write it (netlink dumps and notifications through kernel-events,
// the dhclient state files, the static config); everything else reads it. Each write that changes
// something emits one typed change, so the daemon routes it to the policy and the reconciler.
import type { AddressFamily } from '../bus/events.js';
import type { LinkConfig } from '../config/types.js';
import type { LinkState } from '../netlink/types.js';
import type { FactsView } from '../policy/types.js';
import { GatewayTracker, type GatewaySource } from './gateway-tracker.js';
import { TrafficMeter } from './traffic.js';

export interface FamilyFacts {
  addresses: readonly string[];
  gateway: string | null;
  gatewaySource: GatewaySource | null;
}

export interface LinkFacts {
  readonly cfg: LinkConfig;
  ifindex: number | null;
  present: boolean;
  /** IFF_LOWER_UP and IFF_UP; null until netlink said. */
  carrier: boolean | null;
  readonly families: Record<AddressFamily, FamilyFacts>;
  /** DNS servers of the link's DHCP leases (the dhclient hook's state files), IPv4's then DHCPv6's. */
  dhcpDns: readonly string[];
  readonly traffic: TrafficMeter;
}

export type FactChange =
  /** A new interface index (re-created interface) or none (vanished). */
  | { kind: 'ifindex'; link: string; ifindex: number | null }
  | { kind: 'present'; link: string; present: boolean }
  | { kind: 'carrier'; link: string; up: boolean }
  | { kind: 'addresses'; link: string; family: AddressFamily; before: readonly string[]; after: readonly string[] }
  | { kind: 'gateway'; link: string; family: AddressFamily; before: string | null; after: string | null; source: GatewaySource | null }
  | { kind: 'dns'; link: string; before: readonly string[]; after: readonly string[] };

export type GatewayInput = Exclude<GatewaySource, 'config'>;

export class LinkFactsStore {
  private readonly links: LinkFacts[];
  private readonly gateways: Record<AddressFamily, GatewayTracker>;
  private readonly listeners: Array<(c: FactChange) => void> = [];

  constructor(configs: LinkConfig[]) {
    this.links = configs.map((cfg) => ({
      cfg,
      ifindex: null,
      // Assumed present until a dump says otherwise, so a missing interface is reported as lost.
      present: true,
      carrier: null,
      families: {
        ipv4: { addresses: [], gateway: cfg.gateway, gatewaySource: cfg.gateway ? 'config' : null },
        ipv6: { addresses: [], gateway: cfg.gateway6 ?? null, gatewaySource: cfg.gateway6 ? 'config' : null },
      },
      dhcpDns: [],
      traffic: new TrafficMeter(),
    }));
    this.gateways = {
      ipv4: new GatewayTracker(configs.map((c) => ({ name: c.name, gateway: c.gateway }))),
      ipv6: new GatewayTracker(configs.map((c) => ({ name: c.name, gateway: c.gateway6 ?? null }))),
    };
  }

  onChange(listener: (c: FactChange) => void): void {
    this.listeners.push(listener);
  }

  all(): readonly LinkFacts[] {
    return this.links;
  }

  get(name: string): LinkFacts | undefined {
    return this.links.find((l) => l.cfg.name === name);
  }

  byInterface(iface: string): LinkFacts | undefined {
    return this.links.find((l) => l.cfg.interface === iface);
  }

  byIfindex(index: number | null): LinkFacts | undefined {
    return index === null ? undefined : this.links.find((l) => l.ifindex !== null && l.ifindex === index);
  }

  /** What the policy of one family reads. */
  view(family: AddressFamily): FactsView {
    return (name) => {
      const l = this.get(name);
      if (!l) return { present: false, carrier: false, gatewayKnown: false, hasAddress: false };
      const f = l.families[family];
      // Before netlink has said anything about addresses (no ifindex yet) do not hold a link back for it.
      // IPv6: a link-local address alone cannot carry traffic to the internet.
      const usable = family === 'ipv6' ? f.addresses.filter((a) => !a.toLowerCase().startsWith('fe80:')) : f.addresses;
      return { present: l.present, carrier: l.carrier, gatewayKnown: f.gateway !== null, hasAddress: usable.length > 0 };
    };
  }

  /** Folds a link notification (or its absence from a dump) into the facts. */
  applyLink(name: string, link: LinkState | null): void {
    const l = this.get(name);
    if (!l) return;
    if (link === null) {
      const had = l.ifindex !== null;
      l.ifindex = null;
      if (had) this.emit({ kind: 'ifindex', link: name, ifindex: null });
      this.setAddresses(name, 'ipv4', []);
      this.setAddresses(name, 'ipv6', []);
      if (l.present) {
        l.present = false;
        this.emit({ kind: 'present', link: name, present: false });
      }
      return;
    }
    if (l.ifindex !== link.index) {
      const wasThere = l.ifindex !== null;
      l.ifindex = link.index;
      l.traffic.reset();
      // A new interface starts with none of the old one's addresses; notifications bring its own.
      if (wasThere) {
        this.setAddresses(name, 'ipv4', []);
        this.setAddresses(name, 'ipv6', []);
      }
      this.emit({ kind: 'ifindex', link: name, ifindex: link.index });
    }
    if (!l.present) {
      l.present = true;
      this.emit({ kind: 'present', link: name, present: true });
    }
    // An interface that is administratively down has no usable carrier either.
    const carrier = link.carrier && link.adminUp;
    const before = l.carrier;
    l.carrier = carrier;
    // The first report of a carrier that is up is no news; a lost one always is.
    if (before !== carrier && (before !== null || !carrier)) this.emit({ kind: 'carrier', link: name, up: carrier });
  }

  setAddresses(name: string, family: AddressFamily, addresses: readonly string[]): void {
    const l = this.get(name);
    if (!l) return;
    const before = l.families[family].addresses;
    const after = [...new Set(addresses)].sort();
    if (before.length === after.length && before.every((a, i) => a === after[i])) return;
    l.families[family] = { ...l.families[family], addresses: after };
    this.emit({ kind: 'addresses', link: name, family, before, after });
  }

  addAddress(name: string, family: AddressFamily, address: string): void {
    const l = this.get(name);
    if (l) this.setAddresses(name, family, [...l.families[family].addresses, address]);
  }

  removeAddress(name: string, family: AddressFamily, address: string): void {
    const l = this.get(name);
    if (l) this.setAddresses(name, family, l.families[family].addresses.filter((a) => a !== address));
  }

  /** What a source says of a link's gateway now; the effective one follows GatewayTracker's rules. */
  learnGateway(name: string, family: AddressFamily, source: GatewayInput, gateway: string | null): void {
    const l = this.get(name);
    if (!l) return;
    if (!this.gateways[family].set(name, source, gateway)) return;
    const before = l.families[family].gateway;
    const now = this.gateways[family].resolve(name);
    l.families[family] = { ...l.families[family], gateway: now.gateway, gatewaySource: now.source };
    this.emit({ kind: 'gateway', link: name, family, before, after: now.gateway, source: now.source });
  }

  /** What the dhclient hook's state files say of a link's DNS servers now (order kept). */
  setDhcpDns(name: string, servers: readonly string[]): void {
    const l = this.get(name);
    if (!l) return;
    const before = l.dhcpDns;
    if (before.length === servers.length && before.every((a, i) => a === servers[i])) return;
    l.dhcpDns = [...servers];
    this.emit({ kind: 'dns', link: name, before, after: l.dhcpDns });
  }

  sampleTraffic(name: string, nowMs: number, rxBytes: number, txBytes: number): void {
    this.get(name)?.traffic.sample(nowMs, rxBytes, txBytes);
  }

  private emit(c: FactChange): void {
    for (const l of this.listeners) l(c);
  }
}
