// Human names for rtnetlink numbers as wanctl shows them: protocols/tables/scopes come from the
// netlink module's names; route types and rule actions (only wanctl prints them) live here.
import { protocolName as netlinkProtocolName, scopeName as netlinkScopeName, tableName } from '../netlink/names.js';

export { tableName };

/** As `ip` prints it: scope 0 is "global" to operators, "universe" only in the kernel headers. */
export function scopeName(n: number): string {
  return n === 0 ? 'global' : netlinkScopeName(n);
}

/** Label of the daemon's own route_protocol in tables and events. */
export const OUR_PROTOCOL_LABEL = 'wan-failover';

/** `ours` is the config's route_protocol: the daemon's routes read as "wan-failover", not a bare number. */
export function protocolName(n: number, ours?: number): string {
  return netlinkProtocolName(n, ours === undefined ? {} : { [ours]: OUR_PROTOCOL_LABEL });
}

// linux/rtnetlink.h RTN_*
const ROUTE_TYPES: Readonly<Record<number, string>> = {
  0: 'unspec', 1: 'unicast', 2: 'local', 3: 'broadcast', 4: 'anycast', 5: 'multicast', 6: 'blackhole',
  7: 'unreachable', 8: 'prohibit', 9: 'throw', 10: 'nat', 11: 'xresolve',
};

// linux/fib_rules.h FR_ACT_*
const RULE_ACTIONS: Readonly<Record<number, string>> = {
  0: 'unspec', 1: 'lookup', 2: 'goto', 3: 'nop', 6: 'blackhole', 7: 'unreachable', 8: 'prohibit',
};

export function routeTypeName(n: number): string {
  return ROUTE_TYPES[n] ?? String(n);
}

export function ruleActionName(n: number): string {
  return RULE_ACTIONS[n] ?? String(n);
}
