// The netlink adapter's consumer: turns what the kernel says (link, address and route
// notifications, full dumps) into writes to the link facts store, and tells the reconciler when
// the kernel dropped one of the daemon's objects. It decides nothing.
import { describeError } from '../errors.js';
import type { LinkFactsStore } from '../facts/link-facts.js';
import { gatewayFromRoute, gatewayFromRoutes } from '../gateway/from-routes.js';
import type { NetlinkEvent, NetlinkSnapshot, RouteEntry } from '../netlink/types.js';
import { shadowingRoutes } from './adopt.js';
import type { LogPort } from './ports.js';
import { familyOf } from '../family.js';

export interface KernelEventsDeps {
  facts: LinkFactsStore;
  log: LogPort;
  ownProtocol(): number;
  ownMetric(): number;
  /** One of the daemon's routes was deleted by someone else. */
  routeDeleted(r: RouteEntry): void;
  /** A full dump arrived (start-up or resync): the reconciler checks its objects against it. */
  snapshot(snap: NetlinkSnapshot): void;
  dump(): Promise<NetlinkSnapshot>;
}


export class KernelEvents {
  private stopped = false;

  constructor(private readonly deps: KernelEventsDeps) {}

  stop(): void {
    this.stopped = true;
  }

  onEvent(e: NetlinkEvent): void {
    if (this.stopped) return;
    const { facts } = this.deps;
    switch (e.kind) {
      case 'link': {
        const l = facts.byInterface(e.link.name);
        if (l) facts.applyLink(l.cfg.name, e.op === 'del' ? null : e.link);
        break;
      }
      case 'address': {
        const l = facts.byIfindex(e.address.index);
        if (!l) break;
        if (e.op === 'new') facts.addAddress(l.cfg.name, familyOf(e.address.family), e.address.address);
        else facts.removeAddress(l.cfg.name, familyOf(e.address.family), e.address.address);
        break;
      }
      case 'route':
        this.onRoute(e.op, e.route);
        break;
      case 'resync':
        this.deps.log.warn({ reason: e.reason }, 'netlink notifications lost; re-reading kernel state');
        this.deps.dump().then((snap) => this.syncFromSnapshot(snap))
          .catch((err: unknown) => this.deps.log.error({ error: describeError(err) }, 'netlink resync failed'));
        break;
    }
  }

  /** A full dump: every link's presence, carrier, ifindex and addresses, and the gateways its routes name. */
  syncFromSnapshot(snap: NetlinkSnapshot): void {
    const { facts } = this.deps;
    const own = this.deps.ownProtocol();
    for (const l of facts.all()) {
      facts.applyLink(l.cfg.name, snap.links.find((k) => k.name === l.cfg.interface) ?? null);
      if (l.ifindex === null) continue;
      for (const family of ['ipv4', 'ipv6'] as const) {
        facts.setAddresses(l.cfg.name, family, snap.addresses
          .filter((a) => a.index === l.ifindex && familyOf(a.family) === family).map((a) => a.address));
      }
      const gw = gatewayFromRoutes(snap.routes.filter((r) => r.family === 'inet'), l.ifindex, own);
      if (gw !== null) facts.learnGateway(l.cfg.name, 'ipv4', 'netlink', gw);
      // IPv6: what router advertisements leave (a default via a link-local next hop, any table).
      const gw6 = gatewayFromRoutes(snap.routes.filter((r) => r.family === 'inet6'), l.ifindex, own, 'inet6');
      if (gw6 !== null) facts.learnGateway(l.cfg.name, 'ipv6', 'netlink', gw6);
    }
    this.deps.snapshot(snap);
  }

  warnShadowing(routes: readonly RouteEntry[]): void {
    for (const r of shadowingRoutes([...routes], this.deps.ownMetric(), this.deps.ownProtocol())) {
      this.deps.log.warn({ metric: r.priority, gateway: r.gateway, oif: r.oif }, 'another default route shadows the daemon\'s own');
    }
  }

  private onRoute(op: 'new' | 'del', r: RouteEntry): void {
    const own = r.protocol === this.deps.ownProtocol();
    if (op === 'del' && own) {
      this.deps.routeDeleted(r);
      return;
    }
    if (op !== 'new' || own) return;
    if (r.family === 'inet') this.warnShadowing([r]);
    const l = this.deps.facts.byIfindex(r.oif);
    if (!l || l.ifindex === null) return;
    const family = familyOf(r.family);
    const learned = gatewayFromRoute(r, l.ifindex, this.deps.ownProtocol(), r.family);
    // A default route names the gateway; another via-route only stands in until one is seen.
    if (learned && (learned.isDefault || l.families[family].gateway === null)) {
      this.deps.facts.learnGateway(l.cfg.name, family, 'netlink', learned.gateway);
    }
  }
}
