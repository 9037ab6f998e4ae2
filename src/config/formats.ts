// Pure value checks used both as convict formats (by name) and for list elements that
// convict cannot reach. A check returns null when the value is fine, else what was expected.
import { isIP, isIPv6 } from 'node:net';
import { bytesToIp, ipToBytes } from '../netlink/ip-format.js';
import type { LogLevel } from './types.js';
import { checkProbeInterval } from './quality.js';
import { TIMING_FLOOR_S } from './timing.js';
import { checkTier, checkWeight } from './balance.js';

export type Check = (value: unknown) => string | null;

// net/core/dev.c dev_valid_name(): strlen < IFNAMSIZ (16), not "." or "..", no '/', ':' or isspace().
const IFNAMSIZ = 16;
export const checkIfname: Check = (v) => {
  const expected = 'a Linux interface name (1-15 characters, no "/", ":" or whitespace, not "." or "..")';
  if (typeof v !== 'string' || v.length === 0 || v.length >= IFNAMSIZ) return expected;
  if (v === '.' || v === '..' || /[/:\s\u0000]/.test(v)) return expected;
  return null;
};

/** Strict dotted quad; leading zeros are refused because some parsers read them as octal. */
export function parseIpv4(v: unknown): number[] | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (!m) return null;
  const octets = m.slice(1).map((s) => (s.length > 1 && s.startsWith('0') ? NaN : Number(s)));
  return octets.every((o) => Number.isInteger(o) && o <= 255) ? octets : null;
}

/** A host we can ping or route via: not 0/8 (this network), 127/8 (loopback) or 224/3 (multicast, reserved, broadcast). */
export const checkIpv4: Check = (v) => {
  const o = parseIpv4(v);
  const expected = 'a unicast IPv4 address (dotted quad)';
  if (!o) return expected;
  const first = o[0] ?? 0;
  if (first === 0 || first === 127 || first >= 224) return expected;
  return null;
};

/** node:net accepts a %zone; in the config the link names the zone, so a literal has none. */
const isIpv6Literal = (v: unknown): v is string => typeof v === 'string' && isIPv6(v) && !v.includes('%');

/** RFC 5952 text of an IPv6 literal (no zone), or null when it is not one. */
export function canonicalIpv6(v: unknown): string | null {
  if (!isIpv6Literal(v)) return null;
  return bytesToIp(ipToBytes(v));
}

/** The eight 16-bit words of a valid IPv6 literal. */
function ipv6Words(v: string): number[] {
  const b = ipToBytes(v);
  return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2));
}

type Ipv6Kind = 'unspecified' | 'loopback' | 'multicast' | 'ipv4-mapped' | 'link-local' | 'unicast';

function ipv6Kind(words: number[]): Ipv6Kind {
  const w0 = words[0] ?? 0;
  if (words.every((w) => w === 0)) return 'unspecified';
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return 'loopback';
  if ((w0 & 0xff00) === 0xff00) return 'multicast';
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return 'ipv4-mapped';
  if ((w0 & 0xffc0) === 0xfe80) return 'link-local';
  return 'unicast';
}

/** An IPv6 next hop: unicast, link-local included (what RA routers use); a zone is not needed (the link names it). */
export const checkIpv6Gateway: Check = (v) => {
  const expected = 'a unicast IPv6 address, global or link-local (fe80::/10), without %zone';
  if (!isIpv6Literal(v)) return expected;
  const kind = ipv6Kind(ipv6Words(v));
  return kind === 'unicast' || kind === 'link-local' ? null : expected;
};

/**
 * A ping target: a unicast IPv4 address, or a unicast IPv6 address that is not link-local
 * (fe80::/10 exists on every link at once, so it cannot say whether a link reaches the internet;
 * the gateway itself is probed anyway).
 */
export const checkPingTarget: Check = (v) => {
  if (typeof v === 'string' && isIPv6(v)) {
    if (v.includes('%')) return 'a global IPv6 address without %zone';
    const kind = ipv6Kind(ipv6Words(v));
    if (kind === 'link-local') return 'a global IPv6 address: a link-local target (fe80::/10) says nothing about the internet (the gateway is probed anyway)';
    return kind === 'unicast' ? null : 'a unicast IPv6 address (not ::, ::1, multicast or IPv4-mapped)';
  }
  return checkIpv4(v) === null ? null : 'a unicast IPv4 address (dotted quad) or a global IPv6 address';
};

/** Seconds as a float in the file; the cap keeps the milliseconds inside Node's 32-bit timer range. */
const MAX_SECONDS = 86_400;
/**
 * check_interval and ping_timeout: the original took any positive number, but 0.001 s makes a
 * router flood its targets and flap (issue 19, defect 10), so both have probe_interval's floor.
 */
export const checkProbeSeconds: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= TIMING_FLOOR_S && v <= MAX_SECONDS
    ? null
    : `a number of seconds from ${TIMING_FLOOR_S} (the floor: faster floods the targets) to ${MAX_SECONDS}`;

export const checkNonNegativeSeconds: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_SECONDS
    ? null
    : `a number of seconds >= 0 (at most ${MAX_SECONDS})`;

export function intRange(min: number, max: number): Check {
  return (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `an integer from ${min} to ${max}`);
}

export const checkPort: Check = (v) => (intRange(1, 65535)(v) === null ? null : 'a TCP port (integer 1-65535)');

const LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  silent: 'silent',
};

/** Seed (Python logging) names, case-insensitive, and pino names; null when unknown. */
export function parseLogLevel(v: unknown): LogLevel | null {
  if (typeof v !== 'string') return null;
  return LEVELS[v.trim().toLowerCase()] ?? null;
}

export const checkLogLevel: Check = (v) =>
  parseLogLevel(v) ? null : 'a log level: DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, warn, fatal, silent)';

export const checkNonEmptyString: Check = (v) => (typeof v === 'string' && v.trim().length > 0 ? null : 'a non-empty string');

/** Any string: a weak key (placeholder, empty, short) turns the API off, not the daemon (warnings.ts). */
export const checkApiKey: Check = (v) =>
  typeof v === 'string' ? null : 'a string (quote it: an unquoted key of digits reads as a number)';

export const checkPath: Check = (v) =>
  typeof v === 'string' && v.length > 0 && !v.includes('\u0000') ? null : 'a file system path';

/** null or "" switch file logging off. */
export const checkOptionalPath: Check = (v) => (v === null || v === '' ? null : checkPath(v) && 'a file path, or empty for none');

/** Link names appear in the API (`{"target": "secondary"}`) and in logs, so keep them plain. */
export const checkLinkName: Check = (v) =>
  typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(v)
    ? null
    : 'a link name (1-32 letters, digits, "_", "-", "."; starting with a letter or digit)';

export const checkDisplayName: Check = (v) =>
  typeof v === 'string' && v.trim().length > 0 && v.length <= 64 ? null : 'a label of 1-64 characters';

/** rtnetlink table ids are u32; 0 (unspec), 253 (default), 254 (main), 255 (local) belong to the kernel. */
export const RESERVED_TABLES: ReadonlySet<number> = new Set([0, 253, 254, 255]);
export const MAX_TABLE = 0xffff_ffff;
export const checkTable: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_TABLE && !RESERVED_TABLES.has(v as number)
    ? null
    : 'a routing table id (1-4294967295, not 253/254/255)';

/** API bind address: an IP literal or a host name. */
export const checkHost: Check = (v) =>
  typeof v === 'string' && (isIP(v) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(v))
    ? null
    : 'an IP address or host name to listen on';

export const checkBoolean: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');

export const checkList: Check = (v) => (Array.isArray(v) && v.length > 0 ? null : 'a non-empty list');

export const checkLinkList: Check = (v) =>
  Array.isArray(v) && v.length >= 2 ? null : 'a list of at least 2 links ({name, interface, ...}), most preferred first';

/** conntrack_flush, globally and per link (src/conntrack/). */
export const checkConntrackFlush: Check = (v) => (v === 'on_switch' || v === 'never' ? null : 'on_switch or never');
/** hooks:/webhooks: absent, empty or a list; entries are checked by notify.ts. */
export const checkOptionalList: Check = (v) => (v === null || Array.isArray(v) ? null : 'a list (or nothing)');

/** Named formats registered with convict; schema.ts refers to them by these names. */
export const FORMATS: Readonly<Record<string, Check>> = {
  'wan-ifname': checkIfname,
  'wan-ipv4': checkIpv4,
  'wan-probe-seconds': checkProbeSeconds,
  'wan-non-negative-seconds': checkNonNegativeSeconds,
  'wan-port': checkPort,
  'wan-log-level': checkLogLevel,
  'wan-secret': checkNonEmptyString,
  'wan-api-key': checkApiKey,
  'wan-path': checkPath,
  'wan-optional-path': checkOptionalPath,
  'wan-link-name': checkLinkName,
  'wan-display-name': checkDisplayName,
  'wan-table': checkTable,
  'wan-host': checkHost,
  'wan-boolean': checkBoolean,
  'wan-target-list': checkList,
  'wan-link-list': checkLinkList,
  'wan-notify-list': checkOptionalList,
  'wan-count': intRange(1, 100),
  'wan-threshold': intRange(1, 10_000),
  'wan-targets-up': intRange(1, 1_000),
  'wan-stats-window': intRange(1, 10_000),
  'wan-metric': intRange(0, 0xffff_ffff),
  'wan-protocol': intRange(5, 255),
  'wan-table-base': intRange(1, 0xffff_0000),
  'wan-rule-priority': intRange(1, 32765),
  'wan-probe-interval': checkProbeInterval,
  'wan-conntrack-flush': checkConntrackFlush,
  'wan-tier': checkTier,
  'wan-weight': checkWeight,
  'wan-ipv6-gateway': checkIpv6Gateway,
  // IPv6 metric 0 is 1024 to the kernel (net/ipv6/route.c), the metric of RA routes; ours must sort before them.
  'wan-metric6': intRange(1, 1023),
};
