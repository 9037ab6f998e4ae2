// Turns what the kernel says over netlink (link, address and route notifications, full dumps)
// into what the daemon acts on: policy events, learned gateways, route re-syncs. It decides
// nothing; the daemon hands it a narrow sink of its own operations.
import type { Config } from '../config/types.js';
import { gatewayFromRoute, gatewayFromRoutes } from '../gateway/from-routes.js';
import type { LinkState, NetlinkEvent, NetlinkSnapshot, RouteEntry } from '../netlink/types.js';
import type { PolicyEvent } from '../policy/types.js';
import { MAIN_TABLE } from '../routes/plan.js';
import { adoptableLink, shadowingRoutes } from './adopt.js';
import type { LinkRuntime } from './link-runtime.js';
import { applyLinkState } from './netlink-view.js';
import type { LogPort } from './ports.js';

export interface KernelSink {
  readonly links: LinkRuntime[];
  readonly log: LogPort;
  config(): Config;
  /** Probing and route keeping have started (false during start-up and after stop). */
  running(): boolean;
  stopped(): boolean;
  activeLink(): string | null;
  feed(e: PolicyEvent): void;
  learnGateway(rt: LinkRuntime, gateway: string): void;
  /** Brings the per-link tables up to date; with restoreMain, re-asserts the main default route. */
  syncRoutes(restoreMain: boolean): Promise<void>;
  /** (Re)opens the link's probe socket, or closes it when the interface is gone. */
  resetProber(rt: LinkRuntime): void;
  dump(): Promise<NetlinkSnapshot>;
}

export class KernelEvents {
  constructor(private readonly sink: KernelSink) {}

  onEvent(e: NetlinkEvent): void {
    const s = this.sink;
    if (s.stopped()) return;
    switch (e.kind) {
      case 'link': {
        const rt = s.links.find((l) => l.cfg.interface === e.link.name);
        if (rt) this.applyLink(rt, e.op === 'del' ? null : e.link);
        break;
      }
      case 'route':
        this.onRoute(e.op, e.route);
        break;
      case 'address': {
        // An address arriving can make a table route that failed with ENETUNREACH possible now.
        const rt = s.links.find((l) => l.ifindex !== null && l.ifindex === e.address.index);
        if (rt && e.address.family === 'inet') {
          if (e.op === 'new') rt.addresses.add(e.address.address); else rt.addresses.delete(e.address.address);
        }
        if (rt && e.op === 'new' && rt.routedAs === null && s.running()) void s.syncRoutes(s.activeLink() === rt.cfg.name);
        break;
      }
      case 'resync':
        s.log.warn({ reason: e.reason }, 'netlink notifications lost; re-reading kernel state');
        s.dump().then((snap) => { this.syncFromSnapshot(snap); return s.syncRoutes(false); })
          .catch((err: unknown) => s.log.error({ err }, 'netlink resync failed'));
        break;
    }
  }

  /** A full dump: every link's presence, carrier and ifindex, and the gateways its routes name. */
  syncFromSnapshot(snap: NetlinkSnapshot): void {
    const own = this.sink.config().routeProtocol;
    for (const rt of this.sink.links) {
      this.applyLink(rt, snap.links.find((l) => l.name === rt.cfg.interface) ?? null);
      if (rt.ifindex === null) continue;
      rt.addresses = new Set(snap.addresses.filter((a) => a.index === rt.ifindex && a.family === 'inet').map((a) => a.address));
      const gw = gatewayFromRoutes(snap.routes, rt.ifindex, own);
      if (gw !== null) this.sink.learnGateway(rt, gw);
    }
  }

  /** At start: the link the current default route uses (a restart must not flap), or null. */
  adopt(snap: NetlinkSnapshot): string | null {
    const { log, links } = this.sink;
    const cfg = this.sink.config();
    const found = adoptableLink(snap.routes, links, cfg.routeProtocol);
    this.warnShadowing(snap.routes);
    if (found) {
      const rt = links.find((l) => l.cfg.name === found.link)!;
      // A restart finds its own route: that gateway is the best guess until netlink or the state file says more.
      if (rt.gateway === null && found.gateway) this.sink.learnGateway(rt, found.gateway);
      log.info({ link: found.link, gateway: found.gateway }, 'adopted the current default route');
    }
    return found?.link ?? null;
  }

  private applyLink(rt: LinkRuntime, link: LinkState | null): void {
    const s = this.sink;
    const change = applyLinkState(rt, link);
    if (change.ifindexChanged) {
      rt.traffic.reset();
      s.resetProber(rt);
    }
    if (change.present !== null) s.feed({ kind: 'present', link: rt.cfg.name, present: change.present });
    if (change.carrier !== null) s.feed({ kind: 'carrier', link: rt.cfg.name, up: change.carrier });
    // A new interface (new ifindex) or one whose carrier came back needs its table route again.
    if ((change.ifindexChanged || (change.carrier === true && rt.routedAs === null)) && s.running()) {
      void s.syncRoutes(s.activeLink() === rt.cfg.name);
    }
  }

  private onRoute(op: 'new' | 'del', r: RouteEntry): void {
    const s = this.sink;
    const own = r.protocol === s.config().routeProtocol;
    if (op === 'del' && own && r.table === MAIN_TABLE && r.dst === null && s.running()) {
      s.log.warn({ route: r }, 'our default route was deleted by someone else; restoring it');
      void s.syncRoutes(true);
      return;
    }
    if (op !== 'new' || own) return;
    this.warnShadowing([r]);
    const rt = s.links.find((l) => l.ifindex !== null && l.ifindex === r.oif);
    const learned = rt ? gatewayFromRoute(r, rt.ifindex!, s.config().routeProtocol) : null;
    // A default route names the gateway; another via-route only stands in until one is seen.
    if (rt && learned && (learned.isDefault || rt.gateway === null)) s.learnGateway(rt, learned.gateway);
  }

  private warnShadowing(routes: RouteEntry[]): void {
    const cfg = this.sink.config();
    for (const r of shadowingRoutes(routes, cfg.routeMetric, cfg.routeProtocol)) {
      this.sink.log.warn({ metric: r.priority, gateway: r.gateway, oif: r.oif }, 'another default route shadows the daemon\'s own');
    }
  }
}
