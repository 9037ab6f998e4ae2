// Pure value checks used both as convict formats (by name) and for list elements that
// convict cannot reach. A check returns null when the value is fine, else what was expected.
import { isIP } from 'node:net';
import type { LogLevel } from './types.js';
import { checkProbeInterval } from './quality.js';

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

/** Seconds as a float in the file; the cap keeps the milliseconds inside Node's 32-bit timer range. */
const MAX_SECONDS = 86_400;
export const checkPositiveSeconds: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_SECONDS
    ? null
    : `a positive number of seconds (at most ${MAX_SECONDS})`;

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
  'wan-positive-seconds': checkPositiveSeconds,
  'wan-non-negative-seconds': checkNonNegativeSeconds,
  'wan-port': checkPort,
  'wan-log-level': checkLogLevel,
  'wan-secret': checkNonEmptyString,
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
};
