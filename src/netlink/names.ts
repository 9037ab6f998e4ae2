// Human names for the kernel's small integers (route protocols, tables, scopes, operstates),
// shared by the decoders and by wanctl's tables. Pure lookups, no I/O.
import type { OperState } from './types.js';

/** linux/rtnetlink.h RTPROT_* and iproute2's /etc/iproute2/rt_protos. */
const PROTOCOLS: Readonly<Record<number, string>> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt',
  11: 'zebra', 12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 17: 'mrouted',
  18: 'keepalived', 42: 'babel', 99: 'openr', 186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};

/** linux/rtnetlink.h enum rt_class_t. */
const TABLES: Readonly<Record<number, string>> = { 0: 'unspec', 252: 'compat', 253: 'default', 254: 'main', 255: 'local' };

/** linux/rtnetlink.h enum rt_scope_t. */
const SCOPES: Readonly<Record<number, string>> = { 0: 'universe', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

/** linux/if.h IF_OPER_*, indexed by value (RFC 2863 order). */
const OPERSTATES: readonly OperState[] = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];

/**
 * Name of a route/rule protocol number. `extra` carries the project's own protocol(s) from
 * the config (e.g. { 201: 'wanfailover' }) and wins over the kernel list.
 */
export function protocolName(n: number, extra: Readonly<Record<number, string>> = {}): string {
  return extra[n] ?? PROTOCOLS[n] ?? String(n);
}

/** Name of a routing table id; user tables are shown as their number, like `ip route`. */
export function tableName(n: number, extra: Readonly<Record<number, string>> = {}): string {
  return extra[n] ?? TABLES[n] ?? String(n);
}

export function scopeName(n: number): string {
  return SCOPES[n] ?? String(n);
}

/** IFLA_OPERSTATE value -> name; values the kernel may add later read as 'unknown'. */
export function operstateName(n: number | undefined): OperState {
  if (n === undefined) return 'unknown';
  return OPERSTATES[n] ?? 'unknown';
}

/** Inverse of protocolName for the kernel list (case-insensitive), used to read the library's enum names. */
export function protocolNumber(name: string): number | undefined {
  return lookupName(PROTOCOLS, name);
}

export function scopeNumber(name: string): number | undefined {
  return lookupName(SCOPES, name);
}

function lookupName(table: Readonly<Record<number, string>>, name: string): number | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(table)) if (v === want) return Number(k);
  return undefined;
}
