// The planner (pure): desired state (which link should carry each family's default route) plus the
// link facts become the kernel objects the daemon owns: the main-table default route per family,
// and per link and family its own table route and `oif` rule. The reconciler makes the kernel match.
import type { AddressFamily } from '../bus/events.js';
import type { DefaultRouteSpec, RuleSpec } from '../netlink/types.js';
import { linkRule, linkTableRoute, mainDefaultRoute } from './plan.js';

/** Per family, the link that should carry the default route (a weighted set may come later). */
export type DesiredState = Record<AddressFamily, string | null>;

export type KernelObject =
  | { key: string; kind: 'route'; role: 'main' | 'link'; family: AddressFamily; link: string; spec: DefaultRouteSpec }
  | { key: string; kind: 'rule'; role: 'rule'; family: AddressFamily; link: string; spec: RuleSpec };

/** The facts the planner needs of one link. */
export interface PlannedLink {
  name: string;
  iface: string;
  ifindex: number | null;
  table: number;
  gateways: Record<AddressFamily, string | null>;
}

export interface PlanConfig {
  routeMetric: number;
  routeProtocol: number;
  rulePriority: number;
  /** Metric of the daemon's IPv6 default route: below the kernel's RA routes (1024). */
  routeMetric6?: number;
}

export const mainKey = (family: AddressFamily): string => `route/${family}/main`;

/** The metric of the daemon's main default route in a family. */
export function mainMetric(cfg: { routeMetric: number; routeMetric6?: number }, family: AddressFamily): number {
  return family === 'ipv6' ? (cfg.routeMetric6 ?? 512) : cfg.routeMetric;
}

export function planKernel(desired: DesiredState, links: readonly PlannedLink[], cfg: PlanConfig,
  families: readonly AddressFamily[] = ['ipv4']): KernelObject[] {
  const out: KernelObject[] = [];
  for (const family of families) {
    for (const l of links) {
      const gateway = l.gateways[family];
      if (l.ifindex === null || gateway === null) continue;
      const routed = { iface: l.iface, ifindex: l.ifindex, gateway, table: l.table };
      out.push({ key: `route/${family}/${l.name}`, kind: 'route', role: 'link', family, link: l.name,
        spec: linkTableRoute(routed, cfg.routeProtocol, family) });
      out.push({ key: `rule/${family}/${l.name}`, kind: 'rule', role: 'rule', family, link: l.name,
        spec: linkRule(routed, cfg.rulePriority, cfg.routeProtocol, family) });
    }
    const active = desired[family] === null ? undefined : links.find((l) => l.name === desired[family]);
    const gateway = active?.gateways[family] ?? null;
    if (active && active.ifindex !== null && gateway !== null) {
      const metric = mainMetric(cfg, family);
      out.push({ key: mainKey(family), kind: 'route', role: 'main', family, link: active.name,
        spec: mainDefaultRoute({ iface: active.iface, ifindex: active.ifindex, gateway, table: active.table }, metric, cfg.routeProtocol, family) });
    }
  }
  return out;
}
