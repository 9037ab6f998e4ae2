// Pure builders of the rtnetlink requests the daemon sends (default route replace/delete,
// oif policy rules): message type, NLM_F_* modifiers and the library-shaped body.
import { AF_INET, ipToBytes } from './ip-format.js';
import type { DefaultRouteSpec, RuleSpec } from './types.js';
import { RTM } from './wire-types.js';

/** linux/netlink.h NLM_F_* modifiers of NEW/DEL requests (REQUEST|ACK are added by the adapter). */
export const NLM_F = { REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;
const RT_SCOPE_UNIVERSE = 0;
/** iproute2 deletes with scope NOWHERE: the kernel then matches a route of any scope. */
const RT_SCOPE_NOWHERE = 255;
const RTN_UNICAST = 1;
const FR_ACT_TO_TBL = 1;

export interface RouteRequest {
  type: number;
  flags: number;
  data: { family: number; dstLen: number; srcLen: number; tos: number; table: number; protocol: number; scope: number; type: number };
  attrs: { table?: number; gateway?: Buffer; oif?: number; priority?: number };
}

export interface RuleRequest {
  type: number;
  flags: number;
  data: { family: number; dstLen: number; srcLen: number; tos: number; table: number; action: number };
  attrs: { table: number; priority: number; oifname: string; protocol: number };
}

/** rtm_table is a u8: ids above 255 go in RTA_TABLE with the header at RT_TABLE_UNSPEC (0). */
function headerTable(table: number): number {
  return table > 255 ? 0 : table;
}

function checkTable(table: number): void {
  if (!Number.isInteger(table) || table <= 0 || table > 0xffffffff) throw new RangeError(`bad table id ${table}`);
}

/**
 * rtnetlink(7): NLM_F_CREATE|NLM_F_REPLACE swaps the route matching (table, dst/0, tos, priority)
 * in one step, so the default route never disappears, unlike delete-then-add.
 */
export function replaceDefaultRouteRequest(spec: DefaultRouteSpec): RouteRequest {
  checkTable(spec.table);
  const gateway = ipToBytes(spec.gateway);
  if (gateway.length !== 4) throw new RangeError(`default route gateway must be IPv4: ${spec.gateway}`);
  return {
    type: RTM.NEWROUTE,
    flags: NLM_F.CREATE | NLM_F.REPLACE,
    data: {
      family: AF_INET, dstLen: 0, srcLen: 0, tos: 0, table: headerTable(spec.table),
      protocol: spec.protocol, scope: RT_SCOPE_UNIVERSE, type: RTN_UNICAST,
    },
    attrs: {
      ...(spec.table > 255 ? { table: spec.table } : {}),
      gateway, oif: spec.oif, priority: spec.metric,
    },
  };
}

/** Deletes the IPv4 default route at `metric`; protocol 0 (or absent) matches any protocol. */
export function deleteDefaultRouteRequest(spec: { table: number; metric: number; protocol?: number }): RouteRequest {
  checkTable(spec.table);
  return {
    type: RTM.DELROUTE,
    flags: 0,
    data: {
      family: AF_INET, dstLen: 0, srcLen: 0, tos: 0, table: headerTable(spec.table),
      protocol: spec.protocol ?? 0, scope: RT_SCOPE_NOWHERE, type: 0,
    },
    attrs: { ...(spec.table > 255 ? { table: spec.table } : {}), priority: spec.metric },
  };
}

function ruleRequest(type: number, flags: number, spec: RuleSpec): RuleRequest {
  checkTable(spec.table);
  return {
    type,
    flags,
    data: { family: AF_INET, dstLen: 0, srcLen: 0, tos: 0, table: headerTable(spec.table), action: FR_ACT_TO_TBL },
    attrs: { table: spec.table, priority: spec.priority, oifname: spec.oifname, protocol: spec.protocol },
  };
}

/** Without NLM_F_EXCL the kernel happily adds a duplicate rule; with it, a repeat is EEXIST. */
export function addRuleRequest(spec: RuleSpec): RuleRequest {
  return ruleRequest(RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL, spec);
}

export function deleteRuleRequest(spec: RuleSpec): RuleRequest {
  return ruleRequest(RTM.DELRULE, 0, spec);
}
