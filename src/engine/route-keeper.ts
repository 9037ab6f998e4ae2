// Carries out route changes over netlink, one at a time (a promise chain keeps them ordered):
// the main default route switch, and each link's own table + `oif` rule.
import type { Config } from '../config/types.js';
import { WanError } from '../errors.js';
import type { NetlinkPort } from '../netlink/types.js';
import { linkRule, linkTableRoute, mainDefaultRoute } from '../routes/plan.js';
import type { LinkRuntime } from './link-runtime.js';
import type { LogPort } from './ports.js';

export class RouteKeeper {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly failing = new Map<string, string>();

  constructor(private readonly netlink: NetlinkPort, private readonly log: LogPort) {}

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.chain.then(op, op);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued change has been carried out. */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** rtnetlink(7): one RTM_NEWROUTE with NLM_F_REPLACE swaps the route; there is never a moment without one. */
  switchDefault(rt: LinkRuntime, cfg: Config): Promise<void> {
    return this.enqueue(async () => {
      if (rt.gateway === null || rt.ifindex === null) {
        throw new WanError('WAN_ERR_NO_GATEWAY', `${rt.cfg.displayName} has no known gateway or interface`);
      }
      await this.netlink.replaceDefaultRoute(mainDefaultRoute(
        { iface: rt.cfg.interface, ifindex: rt.ifindex, gateway: rt.gateway, table: rt.cfg.table }, cfg.routeMetric, cfg.routeProtocol));
    });
  }

  /** Brings each link's table and rule up to date; with `active`, re-asserts the main default route too. */
  sync(links: LinkRuntime[], active: LinkRuntime | null, cfg: Config): Promise<void> {
    return this.enqueue(async () => {
      for (const rt of links) {
        if (rt.ifindex === null || rt.gateway === null) continue;
        if (rt.routedAs?.ifindex === rt.ifindex && rt.routedAs.gateway === rt.gateway) continue;
        const l = { iface: rt.cfg.interface, ifindex: rt.ifindex, gateway: rt.gateway, table: rt.cfg.table };
        try {
          await this.netlink.replaceDefaultRoute(linkTableRoute(l, cfg.routeProtocol));
          await this.netlink.addRule(linkRule(l, cfg.rulePriority, cfg.routeProtocol));
          rt.routedAs = { ifindex: rt.ifindex, gateway: rt.gateway };
          this.log.info({ link: rt.cfg.name, table: rt.cfg.table, gateway: rt.gateway }, 'per-link routing table set');
          this.failing.delete(rt.cfg.name);
        } catch (err) {
          // Retried every cycle until it works (an interface that just appeared may lack its address):
          // log a failure once, not every cycle.
          const text = err instanceof Error ? err.message : String(err);
          if (this.failing.get(rt.cfg.name) !== text) {
            this.failing.set(rt.cfg.name, text);
            this.log.warn({ link: rt.cfg.name, error: text }, 'could not set the per-link routing table; will retry');
          }
        }
      }
      if (active && active.ifindex !== null && active.gateway !== null) {
        try {
          await this.netlink.replaceDefaultRoute(mainDefaultRoute(
            { iface: active.cfg.interface, ifindex: active.ifindex, gateway: active.gateway, table: active.cfg.table },
            cfg.routeMetric, cfg.routeProtocol));
        } catch (err) {
          this.log.error({ link: active.cfg.name, err }, 'could not set the default route');
        }
      }
    });
  }

  removeLinkTable(rt: LinkRuntime, cfg: Config): Promise<void> {
    return this.enqueue(async () => {
      try {
        await this.netlink.deleteRule(linkRule({ iface: rt.cfg.interface, table: rt.cfg.table }, cfg.rulePriority, cfg.routeProtocol));
        await this.netlink.deleteDefaultRoute({ table: rt.cfg.table, metric: 0, protocol: cfg.routeProtocol });
        rt.routedAs = null;
      } catch (err) {
        this.log.warn({ link: rt.cfg.name, err }, 'could not remove the per-link routing table');
      }
    });
  }
}
