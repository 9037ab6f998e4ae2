// The reconciler's table of kernel object kinds: for each kind, how an object is applied and
// removed, its kernel identity (two objects of one identity cannot both exist: a replace of one
// swaps the other), whether a dump holds it, and which objects of the daemon's protocol a dump
// holds. The reconciler itself knows no kind; a new kind (nexthops, groups) is a new row here.
import type { AddressFamily } from '../bus/events.js';
import type { NetlinkPort, NetlinkSnapshot, NexthopEntry, NumberRange, RouteEntry, RuleEntry, RuleKey } from '../netlink/types.js';
import { mainKey, type KernelObject } from './desired.js';
import { MAIN_TABLE } from './plan.js';
import { familyOf, kernelFamily } from '../family.js';

/** An object of ours the kernel holds (or the reconciler installed) that nothing desired claims. */
export interface Stray {
  identity: string;
  kind: KernelObject['kind'];
  family: AddressFamily;
  /**
   * Kept until the desired object at this key is installed: the main default route is only ever
   * taken away by its successor, so no moment passes without a default route (and "all links down"
   * keeps the route where it is).
   */
  successor: string | null;
  /** For the log line. */
  describe: Record<string, unknown>;
  remove(nl: NetlinkPort): Promise<void>;
}

export interface ObjectKind<O extends KernelObject> {
  /** Strays are removed in ascending order: what points at an object goes before the object. */
  removalOrder: number;
  /**
   * A desired object the kernel already holds exactly is taken as installed, not applied again:
   * re-applying an identical resilient group would be a needless replace at every restart.
   */
  adoptWhenEqual: boolean;
  identity(o: O): string;
  apply(nl: NetlinkPort, o: O): Promise<void>;
  inDump(snap: NetlinkSnapshot, o: O, ownProtocol: number): boolean;
  /** What the kernel holds of this kind tagged with our protocol. */
  owned(snap: NetlinkSnapshot, ownProtocol: number): Stray[];
  /** An installed object that is no longer wanted, as a stray. */
  stray(o: O): Stray;
}

/** net/ipv6/route.c: an IPv6 route at metric 0 is stored (and dumped) at 1024. */
function kernelMetric(family: AddressFamily, metric: number): number {
  return family === 'ipv6' && metric === 0 ? 1024 : metric;
}

function routeIdentity(family: AddressFamily, table: number, dst: string | null, dstLength: number, metric: number): string {
  return `route/${family}/${table}/${dst ?? 'default'}/${dstLength}/${kernelMetric(family, metric)}`;
}

function routeStray(family: AddressFamily, table: number, dst: string | null, dstLength: number, metric: number, protocol: number,
  extra: Record<string, unknown>): Stray {
  const isMainDefault = table === MAIN_TABLE && dst === null;
  return {
    identity: routeIdentity(family, table, dst, dstLength, metric), kind: 'route', family,
    successor: isMainDefault ? mainKey(family) : null,
    describe: { family, table, dst: dst === null ? 'default' : `${dst}/${dstLength}`, metric, ...extra },
    remove: (nl) => nl.deleteRoute({ family: kernelFamily(family), table, dst, dstLength, metric: kernelMetric(family, metric), protocol }),
  };
}

/** linux/rtnetlink.h RTN_BLACKHOLE: a policy rule's table when its traffic must not leak (issue 22). */
const RTN_BLACKHOLE = 6;

type RouteObject = Extract<KernelObject, { kind: 'route' }>;
type RuleObject = Extract<KernelObject, { kind: 'rule' }>;

export const ROUTE_KIND: ObjectKind<RouteObject> = {
  removalOrder: 1,
  adoptWhenEqual: false,
  identity: (o) => routeIdentity(o.family, o.spec.table, null, 0, o.spec.metric),
  apply: (nl, o) => nl.replaceDefaultRoute(o.spec),
  inDump: (snap, o, own) => snap.routes.some((r) => r.family === kernelFamily(o.family) && r.table === o.spec.table && r.dst === null
    && r.protocol === own && (r.priority ?? 0) === kernelMetric(o.family, o.spec.metric)
    && (o.spec.blackhole ? r.type === RTN_BLACKHOLE : r.type !== RTN_BLACKHOLE
      && (o.spec.nhid !== undefined ? r.nhid === o.spec.nhid : r.oif === o.spec.oif && r.gateway === o.spec.gateway))),
  owned: (snap, own) => snap.routes.filter((r) => r.protocol === own).map((r: RouteEntry) =>
    routeStray(familyOf(r.family), r.table, r.dst, r.dstLength, r.priority ?? 0, own, { gateway: r.gateway, oif: r.oif })),
  stray: (o) => routeStray(o.family, o.spec.table, null, 0, o.spec.metric, o.spec.protocol, { link: o.link, gateway: o.spec.gateway }),
};

type RuleSelectors = Omit<RuleKey, 'family' | 'protocol'>;

const rangeText = (r: NumberRange | null | undefined): string => (r ? `${r.start}-${r.end}` : '');

/** Every selector is part of a rule's identity: two rules differing in one are two rules to the kernel. */
function ruleIdentity(family: AddressFamily, r: RuleSelectors): string {
  // The kernel reports a mark's mask, defaulting it to 0xffffffff (net/core/fib_rules.c fib_nl2rule).
  const mask = r.fwmask ?? (r.fwmark ? 0xffffffff : null);
  return `rule/${family}/${r.priority}/${r.table}/${r.oifname ?? ''}/${r.iifname ?? ''}/${r.fwmark ?? ''}`
    + `/${r.src ?? ''}/${r.src ? r.srcLength ?? 0 : ''}/${r.dst ?? ''}/${r.dst ? r.dstLength ?? 0 : ''}`
    + (mask !== null || r.ipProto || r.sport || r.dport || r.uid
      ? `/${mask ?? ''}/${r.ipProto ?? ''}/${rangeText(r.sport)}/${rangeText(r.dport)}/${rangeText(r.uid)}` : '');
}

const entrySelectors = (r: RuleEntry): RuleSelectors => ({ priority: r.priority!, table: r.table, oifname: r.oifname, iifname: r.iifname,
  fwmark: r.fwmark, src: r.src, srcLength: r.srcLength, dst: r.dst, dstLength: r.dstLength, fwmask: r.fwmask ?? null,
  ipProto: r.ipProto ?? null, sport: r.sport ?? null, dport: r.dport ?? null, uid: r.uid ?? null });

export const RULE_KIND: ObjectKind<RuleObject> = {
  removalOrder: 0,
  adoptWhenEqual: false,
  identity: (o) => ruleIdentity(o.family, o.spec),
  apply: (nl, o) => nl.addRule(o.spec),
  inDump: (snap, o) => snap.rules.some((r) => r.family === kernelFamily(o.family) && r.priority !== null
    && ruleIdentity(o.family, entrySelectors(r)) === ruleIdentity(o.family, o.spec)),
  owned: (snap, own) => snap.rules.filter((r) => r.protocol === own && r.priority !== null).map((r: RuleEntry) => {
    const family = familyOf(r.family);
    const selectors = entrySelectors(r);
    // The kernel's rule_find compares what a delete names: every selector the rule has.
    const key: RuleKey = { family: r.family, protocol: own, ...selectors };
    return { identity: ruleIdentity(family, selectors), kind: 'rule' as const, family, successor: null,
      describe: { family, priority: r.priority, table: r.table, oifname: r.oifname }, remove: (nl: NetlinkPort) => nl.deleteRule(key) };
  }),
  stray: (o) => ({ identity: ruleIdentity(o.family, o.spec), kind: 'rule', family: o.family, successor: null,
    describe: { family: o.family, link: o.link, priority: o.spec.priority, table: o.spec.table, oifname: o.spec.oifname },
    remove: (nl) => nl.deleteRule(o.spec) }),
};

type NexthopObject = Extract<KernelObject, { kind: 'nexthop' }>;
type GroupObject = Extract<KernelObject, { kind: 'group' }>;

/** Nexthop ids are one namespace: a group and a nexthop can never share one. */
const nexthopIdentity = (id: number): string => `nexthop/${id}`;

/** A group's family is its members' (the kernel reports groups with AF_UNSPEC). */
function groupFamily(snap: NetlinkSnapshot, g: NexthopEntry): AddressFamily {
  const member = snap.nexthops?.find((n) => n.id === g.group?.[0]?.id);
  return member?.family === 'inet6' ? 'ipv6' : 'ipv4';
}

/**
 * Nexthops and groups of an earlier run wait like the main route does: deleting a group deletes
 * the routes using it, and deleting a group's last member deletes the group. Once this run's main
 * route of the family is in (it points at this run's group, or is plain), they can go.
 */
function nexthopStray(id: number, kind: 'nexthop' | 'group', family: AddressFamily, describe: Record<string, unknown>): Stray {
  return { identity: nexthopIdentity(id), kind, family, successor: mainKey(family), describe: { id, family, ...describe },
    remove: (nl) => nl.deleteNexthop(id) };
}

export const NEXTHOP_KIND: ObjectKind<NexthopObject> = {
  removalOrder: 3,
  adoptWhenEqual: true,
  identity: (o) => nexthopIdentity(o.spec.id),
  apply: (nl, o) => nl.replaceNexthop(o.spec),
  inDump: (snap, o, own) => (snap.nexthops ?? []).some((n) => n.id === o.spec.id && n.group === null && n.protocol === own
    && n.gateway === o.spec.gateway && n.oif === o.spec.oif && n.family === o.spec.family),
  owned: (snap, own) => (snap.nexthops ?? []).filter((n) => n.protocol === own && n.group === null)
    .map((n) => nexthopStray(n.id, 'nexthop', n.family === 'inet6' ? 'ipv6' : 'ipv4', { gateway: n.gateway, oif: n.oif })),
  stray: (o) => nexthopStray(o.spec.id, 'nexthop', o.family, { link: o.link, gateway: o.spec.gateway }),
};

export const GROUP_KIND: ObjectKind<GroupObject> = {
  removalOrder: 2,
  adoptWhenEqual: true,
  identity: (o) => nexthopIdentity(o.spec.id),
  apply: (nl, o) => nl.replaceGroup(o.spec),
  inDump: (snap, o, own) => (snap.nexthops ?? []).some((n) => n.id === o.spec.id && n.protocol === own && n.groupType === 1
    && JSON.stringify(n.group) === JSON.stringify(o.spec.members) && n.resilient !== null && n.resilient.buckets === o.spec.buckets
    && n.resilient.idleTimerS === o.spec.idleTimerS && n.resilient.unbalancedTimerS === o.spec.unbalancedTimerS),
  owned: (snap, own) => (snap.nexthops ?? []).filter((n) => n.protocol === own && n.group !== null)
    .map((n) => nexthopStray(n.id, 'group', groupFamily(snap, n), { members: n.group })),
  stray: (o) => nexthopStray(o.spec.id, 'group', o.family, { members: o.spec.members }),
};

/** The table: one row per kind of object the daemon puts in the kernel. */
export const KINDS: { readonly [K in KernelObject['kind']]: ObjectKind<Extract<KernelObject, { kind: K }>> } = {
  route: ROUTE_KIND,
  rule: RULE_KIND,
  nexthop: NEXTHOP_KIND,
  group: GROUP_KIND,
};

/** The row of an object's kind (one cast, here, instead of one per caller). */
export function kindOf<O extends KernelObject>(o: O): ObjectKind<O> {
  return KINDS[o.kind] as unknown as ObjectKind<O>;
}

/** Every object of ours a dump holds, of every kind. */
export function ownedInDump(snap: NetlinkSnapshot, ownProtocol: number): Stray[] {
  return Object.values(KINDS).flatMap((k) => k.owned(snap, ownProtocol));
}

export const removalOrder = (s: Stray): number => KINDS[s.kind].removalOrder;
