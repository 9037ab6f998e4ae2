// Domain types and the port through which the daemon and wanctl see rtnetlink.
// Only src/netlink/ imports the `netlink` package; everything else talks to NetlinkPort.
import type { BucketEntry, GroupSpec, NexthopEntry, NexthopSpec } from './nexthop-codec.js';

export type { BucketEntry, GroupSpec, NexthopEntry, NexthopSpec } from './nexthop-codec.js';

export type OperState = 'unknown' | 'notpresent' | 'down' | 'lowerlayerdown' | 'testing' | 'dormant' | 'up';
export type Family = 'inet' | 'inet6';

export interface LinkStats {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
}

export interface LinkState {
  index: number;
  name: string;
  /** IFF_UP */
  adminUp: boolean;
  /** IFF_LOWER_UP: the physical/carrier state. */
  carrier: boolean;
  operstate: OperState;
  mac: string | null;
  mtu: number | null;
  /** IFLA_STATS64 counters; null when the kernel sent none. */
  stats: LinkStats | null;
}

export interface AddressEntry {
  index: number;
  family: Family;
  address: string;
  prefixLength: number;
  label: string | null;
  scope: number;
}

export interface RouteEntry {
  family: Family;
  table: number;
  /** null for a default route. */
  dst: string | null;
  dstLength: number;
  gateway: string | null;
  oif: number | null;
  priority: number | null;
  protocol: number;
  scope: number;
  type: number;
  prefsrc: string | null;
  /** RTA_NH_ID: the route points at a nexthop object (or group) instead of a gateway. */
  nhid?: number | null;
}

export interface RuleEntry {
  family: Family;
  priority: number | null;
  table: number;
  oifname: string | null;
  iifname: string | null;
  src: string | null;
  srcLength: number;
  dst: string | null;
  dstLength: number;
  fwmark: number | null;
  protocol: number | null;
  action: number;
  /** FRA_FWMASK (the kernel reports it with a mark); null = none. Absent on entries decoded before issue 22. */
  fwmask?: number | null;
  /** FRA_IP_PROTO; null = any. */
  ipProto?: number | null;
  /** FRA_SPORT_RANGE / FRA_DPORT_RANGE / FRA_UID_RANGE; null = any. */
  sport?: NumberRange | null;
  dport?: NumberRange | null;
  uid?: NumberRange | null;
}

/** An inclusive range (ports, uids) as the kernel's fib_rule_port_range / fib_rule_uid_range hold it. */
export interface NumberRange { start: number; end: number }

/** Addresses, routes and rules of both families (inet and inet6); consumers filter on `family`. */
export interface NetlinkSnapshot {
  links: LinkState[];
  addresses: AddressEntry[];
  routes: RouteEntry[];
  rules: RuleEntry[];
  /** Nexthop objects and groups (RTM_GETNEXTHOP); absent or [] on a kernel without them. */
  nexthops?: NexthopEntry[];
}

export type NetlinkEvent =
  | { kind: 'link'; op: 'new' | 'del'; link: LinkState }
  | { kind: 'address'; op: 'new' | 'del'; address: AddressEntry }
  | { kind: 'route'; op: 'new' | 'del'; route: RouteEntry }
  /** Only on a monitor opened with rules (wanctl monitor): the daemon does not subscribe to them. */
  | { kind: 'rule'; op: 'new' | 'del'; rule: RuleEntry }
  /** Only on a monitor opened with rules (wanctl monitor): nexthop objects and groups. */
  | { kind: 'nexthop'; op: 'new' | 'del'; nexthop: NexthopEntry }
  /** Notifications were lost (ENOBUFS or a socket error): the consumer must re-dump. */
  | { kind: 'resync'; reason: string };

/**
 * A default route (0.0.0.0/0 or ::/0) via a gateway out of one interface. `family` defaults to
 * 'inet'; the gateway must be of that family. An IPv6 gateway is usually link-local (fe80::/10),
 * which is why the route always names its interface (oif).
 */
export interface DefaultRouteSpec {
  family?: Family;
  table: number;
  gateway: string;
  oif: number;
  metric: number;
  protocol: number;
  /** Points the route at this nexthop object or group (RTA_NH_ID); gateway and oif then stay out of the request. */
  nhid?: number;
  /** RTN_BLACKHOLE: the table's default route drops (gateway and oif stay out of the request). */
  blackhole?: true;
}

/** Which default route to delete: family (default 'inet'), table, metric and optionally our protocol. */
export interface DefaultRouteKey {
  family?: Family;
  table: number;
  /** IPv6: 0 matches any metric (net/ipv6/route.c ip6_route_del). */
  metric: number;
  protocol?: number;
}

/**
 * Any route of one table by its kernel identity (net/ipv4/fib_trie.c fib_table_delete, ip6_route_del):
 * destination prefix and metric; protocol narrows it to ours. Used to remove what an earlier run left.
 */
export interface RouteKey extends DefaultRouteKey {
  /** null: the default route. */
  dst: string | null;
  dstLength: number;
}

/**
 * A rule to delete, by the selectors it was made with: the kernel's rule_find (net/core/fib_rules.c)
 * compares only what the request names, so every selector the rule has must be named.
 */
export interface RuleKey {
  family?: Family;
  priority: number;
  table: number;
  protocol: number;
  oifname?: string | null;
  iifname?: string | null;
  fwmark?: number | null;
  src?: string | null;
  srcLength?: number;
  dst?: string | null;
  dstLength?: number;
  /** With fwmark: FRA_FWMASK (the kernel's default is 0xffffffff). */
  fwmask?: number | null;
  ipProto?: number | null;
  sport?: NumberRange | null;
  dport?: NumberRange | null;
  uid?: NumberRange | null;
}

/**
 * A rule `<selectors> lookup <table>` at a priority, tagged with our protocol, in one family
 * (default 'inet'): the per-link `oif <oifname>` rules, and the policy rules of `rules:` (issue 22).
 */
export type RuleSpec = RuleKey;

export interface NetlinkPort {
  /** Opens the sockets and subscribes to link, address and route notifications of both families. */
  start(onEvent: (e: NetlinkEvent) => void): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
  dump(): Promise<NetlinkSnapshot>;
  getLinks(): Promise<LinkState[]>;
  /** One RTM_NEWROUTE with NLM_F_CREATE|NLM_F_REPLACE: the route is swapped atomically. */
  replaceDefaultRoute(spec: DefaultRouteSpec): Promise<void>;
  /** Deletes the default route of `table` at `metric` (optionally only ours, by protocol). ENOENT is fine. */
  deleteDefaultRoute(spec: DefaultRouteKey): Promise<void>;
  /** Deletes the route of `key` (any prefix). ESRCH/ENOENT are fine. */
  deleteRoute(key: RouteKey): Promise<void>;
  /** Idempotent: EEXIST is fine. */
  addRule(spec: RuleSpec): Promise<void>;
  /** One RTM_NEWNEXTHOP with NLM_F_CREATE|NLM_F_REPLACE: a nexthop object. */
  replaceNexthop(spec: NexthopSpec): Promise<void>;
  /** One RTM_NEWNEXTHOP with NLM_F_CREATE|NLM_F_REPLACE: a resilient group (its members swapped in one step). */
  replaceGroup(spec: GroupSpec): Promise<void>;
  /** RTM_DELNEXTHOP by id; ENOENT is fine. */
  deleteNexthop(id: number): Promise<void>;
  /** The buckets of one resilient group (RTM_GETNEXTHOPBUCKET); [] when it does not exist. Optional: fakes may leave it out. */
  dumpBuckets?(groupId: number): Promise<BucketEntry[]>;
  /** Idempotent: ENOENT is fine. */
  deleteRule(spec: RuleSpec | RuleKey): Promise<void>;
}
