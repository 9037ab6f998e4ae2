// The planner (pure): desired state (per family, the weighted set of links that carry its default
// route; failover is a set of one) plus the link facts become the kernel objects the daemon owns:
// per link and family its own table route and `oif` rule, and the main-table default route per
// family. When the config balances (a tier with two links or more), the main route points (nhid)
// at a resilient nexthop group per family whose members are one nexthop object per link: members
// change by one replace of the group, so only the leaving link's buckets move. Without balancing
// the main route is the plain gateway route of the original, byte for byte. The order of the
// returned list is the order of application: nexthops before the group, the group before the
// route that points at it, per-link tables before the main routes.
import type { AddressFamily } from '../bus/events.js';
import type { DefaultRouteSpec, GroupSpec, NexthopSpec, RuleSpec } from '../netlink/types.js';
import type { ResilientParams } from '../netlink/nexthop-codec.js';
import { ROUTE_METRIC6_DEFAULT } from '../config/defaults.js';
import { linkRule, linkTableRoute, mainDefaultRoute } from './plan.js';
import { kernelFamily } from '../family.js';

/** A link that carries a family's default route, with its weight inside the carrying tier. */
export interface Carrier { link: string; weight: number }

/** Per family, the links that should carry the default route (in preference order); [] = none chosen. */
export type DesiredState = Record<AddressFamily, readonly Carrier[]>;

export type KernelObject =
  /** role 'policy': a policy rule's FIB rule and its table's route (policy-rules-plan.ts). */
  | { key: string; kind: 'route'; role: 'main' | 'link' | 'policy'; family: AddressFamily; link: string; spec: DefaultRouteSpec;
      /** Main route: the links it carries (a plain route: its link; nhid: the group's members). */
      carriers?: readonly Carrier[] }
  | { key: string; kind: 'rule'; role: 'rule' | 'policy'; family: AddressFamily; link: string; spec: RuleSpec }
  | { key: string; kind: 'nexthop'; role: 'nexthop'; family: AddressFamily; link: string; spec: NexthopSpec }
  | { key: string; kind: 'group'; role: 'group' | 'policy'; family: AddressFamily; link: string; spec: GroupSpec; carriers: readonly Carrier[] };

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

/** Balancing: the resilient group's parameters; absent = failover (plain routes only). */
export type PlanBalance = ResilientParams | null;

export const mainKey = (family: AddressFamily): string => `route/${family}/main`;
export const groupKey = (family: AddressFamily): string => `group/${family}`;

/** The metric of the daemon's main default route in a family. */
export function mainMetric(cfg: { routeMetric: number; routeMetric6?: number }, family: AddressFamily): number {
  return family === 'ipv6' ? (cfg.routeMetric6 ?? ROUTE_METRIC6_DEFAULT) : cfg.routeMetric;
}

/**
 * Nexthop ids are one namespace per network namespace: ours live in protocol << 16, so two
 * daemons with different protocols never collide and an id tells its link and family.
 */
const FAMILY_BIT: Record<AddressFamily, number> = { ipv4: 0, ipv6: 1 };
export const nexthopId = (protocol: number, linkIndex: number, family: AddressFamily): number =>
  protocol * 0x10000 + 1 + 2 * linkIndex + FAMILY_BIT[family];
export const groupId = (protocol: number, family: AddressFamily): number => protocol * 0x10000 + 0xff00 + FAMILY_BIT[family];

export function planKernel(desired: DesiredState, links: readonly PlannedLink[], cfg: PlanConfig,
  families: readonly AddressFamily[] = ['ipv4'], balance: PlanBalance = null): KernelObject[] {
  const out: KernelObject[] = [];
  for (const family of families) {
    const nexthops = new Map<string, number>();
    links.forEach((l, i) => {
      const gateway = l.gateways[family];
      if (l.ifindex === null || gateway === null) return;
      const routed = { iface: l.iface, ifindex: l.ifindex, gateway, table: l.table };
      out.push({ key: `route/${family}/${l.name}`, kind: 'route', role: 'link', family, link: l.name,
        spec: linkTableRoute(routed, cfg.routeProtocol, family) });
      out.push({ key: `rule/${family}/${l.name}`, kind: 'rule', role: 'rule', family, link: l.name,
        spec: linkRule(routed, cfg.rulePriority, cfg.routeProtocol, family) });
      if (balance) {
        const id = nexthopId(cfg.routeProtocol, i, family);
        nexthops.set(l.name, id);
        out.push({ key: `nexthop/${family}/${l.name}`, kind: 'nexthop', role: 'nexthop', family, link: l.name,
          spec: { id, family: kernelFamily(family), gateway, oif: l.ifindex, protocol: cfg.routeProtocol } });
      }
    });
    // Only links the kernel can route through (an interface and a gateway) can carry.
    const carriers = desired[family].filter((c) => {
      const l = links.find((x) => x.name === c.link);
      return l !== undefined && l.ifindex !== null && l.gateways[family] !== null;
    });
    const lead = leadOf(carriers);
    if (lead === null) continue;
    const l = links.find((x) => x.name === lead)!;
    const routed = { iface: l.iface, ifindex: l.ifindex!, gateway: l.gateways[family]!, table: l.table };
    const route = mainDefaultRoute(routed, mainMetric(cfg, family), cfg.routeProtocol, family);
    if (!balance) {
      out.push({ key: mainKey(family), kind: 'route', role: 'main', family, link: lead, spec: route, carriers: [{ link: lead, weight: 1 }] });
      continue;
    }
    const id = groupId(cfg.routeProtocol, family);
    out.push({ key: groupKey(family), kind: 'group', role: 'group', family, link: lead, carriers,
      spec: { id, protocol: cfg.routeProtocol, members: carriers.map((c) => ({ id: nexthops.get(c.link)!, weight: c.weight })), ...balance } });
    // The route names only the group: its spec stays the same while members and lead change.
    out.push({ key: mainKey(family), kind: 'route', role: 'main', family, link: lead, carriers,
      spec: { ...route, gateway: '', oif: 0, nhid: id } });
  }
  return out;
}

/** The link with the largest weight; ties go to preference order (the carriers' order). */
export function leadOf(carriers: readonly Carrier[]): string | null {
  let best: Carrier | null = null;
  for (const c of carriers) if (best === null || c.weight > best.weight) best = c;
  return best?.link ?? null;
}

/** Each carrier's share of new flows: its weight over the sum (the kernel sizes bucket counts so). */
export function shares(carriers: readonly Carrier[]): Map<string, number> {
  const total = carriers.reduce((s, c) => s + c.weight, 0);
  return new Map(carriers.map((c) => [c.link, total > 0 ? c.weight / total : 0]));
}
