// What the daemon wants in the kernel, as plain data (pure): the main table's default route via
// the desired link of each address family, and per link and family a table with that link's own
// default route plus an `oif <iface> lookup <table>` rule, so a standby link is probed through itself.
import type { AddressFamily } from '../bus/events.js';
import type { DefaultRouteSpec, RuleSpec } from '../netlink/types.js';

export const MAIN_TABLE = 254;

export interface RoutedLink { iface: string; ifindex: number; gateway: string; table: number }

export function mainDefaultRoute(l: RoutedLink, metric: number, protocol: number, family: AddressFamily = 'ipv4'): DefaultRouteSpec {
  return withFamily({ table: MAIN_TABLE, gateway: l.gateway, oif: l.ifindex, metric, protocol }, family);
}

/** IPv6 has no metric 0: the kernel reads it as 1024 (net/ipv6/route.c), so the table route uses 1. */
export const LINK_TABLE_METRIC: Record<AddressFamily, number> = { ipv4: 0, ipv6: 1 };

export function linkTableRoute(l: RoutedLink, protocol: number, family: AddressFamily = 'ipv4'): DefaultRouteSpec {
  return withFamily({ table: l.table, gateway: l.gateway, oif: l.ifindex, metric: LINK_TABLE_METRIC[family], protocol }, family);
}

export function linkRule(l: { iface: string; table: number }, priority: number, protocol: number, family: AddressFamily = 'ipv4'): RuleSpec {
  return withFamily({ priority, oifname: l.iface, table: l.table, protocol }, family);
}

/** IPv4 specs keep their original shape (no family field), so the IPv4 requests are byte-identical. */
function withFamily<T extends object>(spec: T, family: AddressFamily): T {
  return family === 'ipv4' ? spec : { ...spec, family: 'inet6' };
}
