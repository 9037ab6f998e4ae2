// Pure translation of the library's parsed rtnetlink messages into the domain types of
// types.ts. Tested against real kernel messages captured in fixtures/netlink/.
import { bytesToIp, familyName, formatMac } from './ip-format.js';
import { operstateName, protocolNumber, scopeNumber } from './names.js';
import type { AddressEntry, LinkState, LinkStats, NetlinkEvent, RouteEntry, RuleEntry } from './types.js';
import {
  RTM, type WireAddressMessage, type WireEnum, type WireLinkMessage, type WireMessage,
  type WireRouteMessage, type WireRuleMessage,
} from './wire-types.js';

/** linux/rtnetlink.h RTN_* in order, as the library names them. */
const ROUTE_TYPES = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE',
  'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'];
/** linux/fib_rules.h FR_ACT_* in order, as the library names them. */
const RULE_ACTIONS = ['unspec', 'toTbl', 'goto', 'nop', 'res3', 'res4', 'blackhole', 'unreachable', 'prohibit'];

function fromList(list: readonly string[]): (name: string) => number | undefined {
  return (name) => {
    const i = list.findIndex((x) => x.toLowerCase() === name.toLowerCase());
    return i < 0 ? undefined : i;
  };
}

/** Back to the kernel number; an unknown name (a newer library) reads as -1 rather than lying. */
function enumValue(v: WireEnum | undefined, byName: (name: string) => number | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  return byName(v) ?? -1;
}

const big = (x: bigint | undefined): number => (x === undefined ? 0 : Number(x));
const ip = (b: Uint8Array | undefined): string | null => (b ? bytesToIp(b) : null);

export function decodeLink(m: WireLinkMessage): LinkState {
  const s = m.attrs.stats64;
  const stats: LinkStats | null = s
    ? {
        rxBytes: big(s.rxBytes), txBytes: big(s.txBytes), rxPackets: big(s.rxPackets), txPackets: big(s.txPackets),
        rxErrors: big(s.rxErrors), txErrors: big(s.txErrors), rxDropped: big(s.rxDropped), txDropped: big(s.txDropped),
      }
    : null;
  return {
    index: m.data.index ?? 0,
    name: m.attrs.ifname ?? '',
    adminUp: m.data.flags?.up === true,
    // IFF_LOWER_UP is the carrier bit (RFC 2863 "lower layer up"), unlike IFF_RUNNING.
    carrier: m.data.flags?.lowerUp === true,
    operstate: operstateName(m.attrs.operstate),
    mac: m.attrs.address && m.attrs.address.length > 0 ? formatMac(m.attrs.address) : null,
    mtu: m.attrs.mtu ?? null,
    stats,
  };
}

/** Null for families other than inet/inet6 (the daemon has no use for them). */
export function decodeAddress(m: WireAddressMessage): AddressEntry | null {
  const family = familyName(m.data.family ?? 0);
  if (!family) return null;
  // rtnetlink(7): for IPv4, IFA_LOCAL is the interface's own address and IFA_ADDRESS the
  // peer on point-to-point links; IPv6 only sends IFA_ADDRESS.
  const raw = family === 'inet' ? (m.attrs.local ?? m.attrs.address) : (m.attrs.address ?? m.attrs.local);
  const address = ip(raw);
  if (address === null) return null;
  return {
    index: m.data.index ?? 0,
    family,
    address,
    prefixLength: m.data.prefixlen ?? 0,
    label: m.attrs.label ?? null,
    scope: m.data.scope ?? 0,
  };
}

export function decodeRoute(m: WireRouteMessage): RouteEntry | null {
  const family = familyName(m.data.family ?? 0);
  if (!family) return null;
  const dstLength = m.data.dstLen ?? 0;
  return {
    family,
    // rtm_table is a u8; ids above 255 only travel in RTA_TABLE, so the attribute wins.
    table: m.attrs.table ?? m.data.table ?? 0,
    dst: dstLength === 0 && !m.attrs.dst ? null : ip(m.attrs.dst),
    dstLength,
    gateway: ip(m.attrs.gateway),
    oif: m.attrs.oif ?? null,
    priority: m.attrs.priority ?? null,
    protocol: enumValue(m.data.protocol, protocolNumber),
    scope: enumValue(m.data.scope, scopeNumber),
    type: enumValue(m.data.type, fromList(ROUTE_TYPES)),
    prefsrc: ip(m.attrs.prefsrc),
    // Only routes that point at a nexthop object carry it (the shape of every other route is unchanged).
    ...(m.attrs.nhId && m.attrs.nhId.length === 4 ? { nhid: Buffer.from(m.attrs.nhId).readUInt32LE(0) } : {}),
  };
}

/** The library leaves a zero field out of a parsed range. */
const range = (r: { start?: number; end?: number }): { start: number; end: number } => ({ start: r.start ?? 0, end: r.end ?? 0 });

export function decodeRule(m: WireRuleMessage): RuleEntry | null {
  const family = familyName(m.data.family ?? 0);
  if (!family) return null;
  return {
    family,
    priority: m.attrs.priority ?? null,
    table: m.attrs.table ?? m.data.table ?? 0,
    oifname: m.attrs.oifname ?? null,
    iifname: m.attrs.iifname ?? null,
    src: ip(m.attrs.src),
    srcLength: m.data.srcLen ?? 0,
    dst: ip(m.attrs.dst),
    dstLength: m.data.dstLen ?? 0,
    fwmark: m.attrs.fwmark ?? null,
    protocol: m.attrs.protocol ?? null,
    action: enumValue(m.data.action, fromList(RULE_ACTIONS)),
    // The policy rules' selectors (issue 22), only where the kernel reported them.
    ...(m.attrs.fwmask !== undefined ? { fwmask: m.attrs.fwmask } : {}),
    ...(m.attrs.ipProto ? { ipProto: m.attrs.ipProto } : {}),
    ...(m.attrs.sportRange ? { sport: range(m.attrs.sportRange) } : {}),
    ...(m.attrs.dportRange ? { dport: range(m.attrs.dportRange) } : {}),
    ...(m.attrs.uidRange ? { uid: range(m.attrs.uidRange) } : {}),
  };
}

/**
 * One notification (nlmsg type + parsed body) -> a domain event, or null for messages not
 * followed (neighbours, non-IP families). Rules arrive only where their groups are subscribed.
 */
export function decodeEvent(type: number, m: WireMessage): NetlinkEvent | null {
  switch (m.kind) {
    case 'link':
      if (type !== RTM.NEWLINK && type !== RTM.DELLINK) return null;
      return { kind: 'link', op: type === RTM.NEWLINK ? 'new' : 'del', link: decodeLink(m) };
    case 'address': {
      if (type !== RTM.NEWADDR && type !== RTM.DELADDR) return null;
      const address = decodeAddress(m);
      return address ? { kind: 'address', op: type === RTM.NEWADDR ? 'new' : 'del', address } : null;
    }
    case 'route': {
      if (type !== RTM.NEWROUTE && type !== RTM.DELROUTE) return null;
      const route = decodeRoute(m);
      return route ? { kind: 'route', op: type === RTM.NEWROUTE ? 'new' : 'del', route } : null;
    }
    case 'rule': {
      if (type !== RTM.NEWRULE && type !== RTM.DELRULE) return null;
      const rule = decodeRule(m);
      return rule ? { kind: 'rule', op: type === RTM.NEWRULE ? 'new' : 'del', rule } : null;
    }
    case 'other':
      return null;
  }
}
