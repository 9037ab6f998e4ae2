// Pure builders of the rtnetlink requests the daemon sends (default route replace/delete,
// oif policy rules) for either address family: message type, NLM_F_* modifiers and the
// library-shaped body. The family is a parameter; the message shapes are the same for both.
import { familyNumber, ipToBytes } from './ip-format.js';
import type { DefaultRouteKey, DefaultRouteSpec, Family, NumberRange, RouteKey, RuleKey, RuleSpec } from './types.js';
import { RTM } from './wire-types.js';

/** linux/netlink.h NLM_F_* modifiers of NEW/DEL requests (REQUEST|ACK are added by the adapter). */
export const NLM_F = { REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;
const RT_SCOPE_UNIVERSE = 0;
/** iproute2 deletes with scope NOWHERE: the kernel then matches a route of any scope. */
const RT_SCOPE_NOWHERE = 255;
const RTN_UNICAST = 1;
const RTN_BLACKHOLE = 6;
const FR_ACT_TO_TBL = 1;
/** Address length in bytes per family. */
const ADDRESS_BYTES: Readonly<Record<Family, number>> = { inet: 4, inet6: 16 };

export interface RouteRequest {
  type: number;
  flags: number;
  data: { family: number; dstLen: number; srcLen: number; tos: number; table: number; protocol: number; scope: number; type: number };
  attrs: { table?: number; gateway?: Buffer; oif?: number; priority?: number; dst?: Buffer; nhId?: Buffer };
}

export interface RuleRequest {
  type: number;
  flags: number;
  data: { family: number; dstLen: number; srcLen: number; tos: number; table: number; action: number };
  attrs: {
    table: number; priority: number; oifname?: string; protocol: number; iifname?: string; fwmark?: number; src?: Buffer; dst?: Buffer;
    fwmask?: number; ipProto?: number; sportRange?: NumberRange; dportRange?: NumberRange; uidRange?: NumberRange;
  };
}

/** rtm_table is a u8: ids above 255 go in RTA_TABLE with the header at RT_TABLE_UNSPEC (0). */
function headerTable(table: number): number {
  return table > 255 ? 0 : table;
}

function checkTable(table: number): void {
  if (!Number.isInteger(table) || table <= 0 || table > 0xffffffff) throw new RangeError(`bad table id ${table}`);
}

function checkFamily(family: unknown): Family {
  if (family === 'inet' || family === 'inet6') return family;
  throw new RangeError(`bad address family ${String(family)}: expected inet or inet6`);
}

/**
 * rtnetlink(7): NLM_F_CREATE|NLM_F_REPLACE swaps the route matching (table, dst/0, tos, priority)
 * in one step, so the default route never disappears, unlike delete-then-add. For IPv6
 * (net/ipv6/ip6_fib.c fib6_add_rt2node) the route replaced is the one at the same metric.
 */
export function replaceDefaultRouteRequest(spec: DefaultRouteSpec): RouteRequest {
  const family = checkFamily(spec.family ?? 'inet');
  checkTable(spec.table);
  const via = spec.nhid === undefined && spec.blackhole !== true;
  const gateway = via ? ipToBytes(spec.gateway) : Buffer.alloc(0);
  if (via && gateway.length !== ADDRESS_BYTES[family]) {
    throw new RangeError(`default route gateway must be ${family === 'inet' ? 'IPv4' : 'IPv6'}: ${spec.gateway}`);
  }
  // net/ipv6/route.c ip6_route_info_create: metric 0 becomes IP6_RT_PRIO_USER (1024), the metric
  // of router-advertised routes, so a replace at 0 would swap out the kernel's RA default route.
  if (family === 'inet6' && spec.metric === 0) {
    throw new RangeError('IPv6 route metric 0 means 1024 to the kernel (the RA routes\' metric): use 1 or more');
  }
  return {
    type: RTM.NEWROUTE,
    flags: NLM_F.CREATE | NLM_F.REPLACE,
    data: {
      family: familyNumber(family), dstLen: 0, srcLen: 0, tos: 0, table: headerTable(spec.table),
      protocol: spec.protocol, scope: RT_SCOPE_UNIVERSE, type: spec.blackhole ? RTN_BLACKHOLE : RTN_UNICAST,
    },
    // With a nexthop object the route names only its id (rtm_to_fib6_config/fib_nh: RTA_NH_ID excludes RTA_GATEWAY/RTA_OIF).
    attrs: spec.blackhole
      ? { ...(spec.table > 255 ? { table: spec.table } : {}), priority: spec.metric }
      : spec.nhid !== undefined
      ? { ...(spec.table > 255 ? { table: spec.table } : {}), priority: spec.metric, nhId: nhIdBytes(spec.nhid) }
      : { ...(spec.table > 255 ? { table: spec.table } : {}), gateway, oif: spec.oif, priority: spec.metric },
  };
}

function nhIdBytes(id: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(id);
  return b;
}

/**
 * Deletes the default route at `metric`; protocol 0 (or absent) matches any protocol. For IPv6,
 * metric 0 matches any metric (net/ipv6/route.c ip6_route_del compares only a non-zero fc_metric).
 */
export function deleteDefaultRouteRequest(spec: DefaultRouteKey): RouteRequest {
  return deleteRouteRequest({ ...spec, dst: null, dstLength: 0 });
}

/** Deletes the route of `key.dst/key.dstLength` (null: the default route) at `metric`, as above. */
export function deleteRouteRequest(spec: RouteKey): RouteRequest {
  const family = checkFamily(spec.family ?? 'inet');
  checkTable(spec.table);
  const dst = spec.dst === null ? null : ipToBytes(spec.dst);
  if (dst !== null && dst.length !== ADDRESS_BYTES[family]) throw new RangeError(`route destination must be of family ${family}: ${spec.dst}`);
  return {
    type: RTM.DELROUTE,
    flags: 0,
    data: {
      family: familyNumber(family), dstLen: spec.dstLength, srcLen: 0, tos: 0, table: headerTable(spec.table),
      protocol: spec.protocol ?? 0, scope: RT_SCOPE_NOWHERE, type: 0,
    },
    attrs: { ...(spec.table > 255 ? { table: spec.table } : {}), priority: spec.metric, ...(dst ? { dst } : {}) },
  };
}

function ruleRequest(type: number, flags: number, spec: RuleKey): RuleRequest {
  const family = checkFamily(spec.family ?? 'inet');
  checkTable(spec.table);
  const addr = (a: string | null | undefined): Buffer | undefined => {
    if (a === null || a === undefined) return undefined;
    const b = ipToBytes(a);
    if (b.length !== ADDRESS_BYTES[family]) throw new RangeError(`rule address must be of family ${family}: ${a}`);
    return b;
  };
  const src = addr(spec.src);
  const dst = addr(spec.dst);
  return {
    type,
    flags,
    data: { family: familyNumber(family), dstLen: dst ? spec.dstLength ?? 0 : 0, srcLen: src ? spec.srcLength ?? 0 : 0, tos: 0,
      table: headerTable(spec.table), action: FR_ACT_TO_TBL },
    attrs: {
      // Key order is wire order: the add request stays byte-identical to what it was.
      table: spec.table, priority: spec.priority,
      ...(spec.oifname ? { oifname: spec.oifname } : {}),
      protocol: spec.protocol,
      ...(spec.iifname ? { iifname: spec.iifname } : {}),
      ...(spec.fwmark !== null && spec.fwmark !== undefined ? { fwmark: spec.fwmark } : {}),
      ...(src ? { src } : {}), ...(dst ? { dst } : {}),
      // The policy rules' selectors (issue 22), after the ones above so those requests keep their bytes.
      ...(spec.fwmask !== null && spec.fwmask !== undefined ? { fwmask: spec.fwmask } : {}),
      ...(spec.ipProto ? { ipProto: spec.ipProto } : {}),
      ...(spec.sport ? { sportRange: spec.sport } : {}),
      ...(spec.dport ? { dportRange: spec.dport } : {}),
      ...(spec.uid ? { uidRange: spec.uid } : {}),
    },
  };
}

/** Without NLM_F_EXCL the kernel happily adds a duplicate rule; with it, a repeat is EEXIST. */
export function addRuleRequest(spec: RuleSpec): RuleRequest {
  return ruleRequest(RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL, spec);
}

export function deleteRuleRequest(spec: RuleKey): RuleRequest {
  return ruleRequest(RTM.DELRULE, 0, spec);
}
