// What the daemon wants in the kernel, as plain data (pure): the main table's default route
// via the active link, and per link a table with that link's own default route plus an
// `oif <iface> lookup <table>` rule, so a standby link can be probed through itself.
import type { DefaultRouteSpec, RuleSpec } from '../netlink/types.js';

export const MAIN_TABLE = 254;

export interface RoutedLink { iface: string; ifindex: number; gateway: string; table: number }

export function mainDefaultRoute(l: RoutedLink, metric: number, protocol: number): DefaultRouteSpec {
  return { table: MAIN_TABLE, gateway: l.gateway, oif: l.ifindex, metric, protocol };
}

export function linkTableRoute(l: RoutedLink, protocol: number): DefaultRouteSpec {
  return { table: l.table, gateway: l.gateway, oif: l.ifindex, metric: 0, protocol };
}

export function linkRule(l: { iface: string; table: number }, priority: number, protocol: number): RuleSpec {
  return { priority, oifname: l.iface, table: l.table, protocol };
}
