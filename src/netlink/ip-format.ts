// Pure conversions between the kernel's address bytes and the strings the rest of the
// daemon uses (dotted quad, RFC 5952 IPv6, colon-separated MAC).
import { isIPv4, isIPv6 } from 'node:net';
import type { Family } from './types.js';

/** linux/socket.h: AF_INET = 2, AF_INET6 = 10. */
export const AF_INET = 2;
export const AF_INET6 = 10;

export function familyName(af: number): Family | null {
  if (af === AF_INET) return 'inet';
  if (af === AF_INET6) return 'inet6';
  return null;
}

export function familyNumber(f: Family): number {
  return f === 'inet' ? AF_INET : AF_INET6;
}

/** 4 bytes -> dotted quad, 16 bytes -> compressed IPv6; anything else is not an IP address. */
export function bytesToIp(b: Uint8Array): string | null {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length === 16) return formatIpv6(b);
  return null;
}

function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // RFC 5952 4.2: compress the longest run (length >= 2) of zero groups, the first on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/**
 * Parses a literal IPv4/IPv6 address into its network-order bytes; throws on anything else.
 * A scoped link-local address (fe80::1%wan0) is refused: node:net accepts the %zone, but the 16
 * bytes cannot carry it (RFC 4007 section 11: the zone is a local index, kept beside the address,
 * e.g. as the route's RTA_OIF), so parsing it would silently drop which interface was meant.
 * Callers strip the zone where the interface is known some other way (icmp-profile.ts).
 */
export function ipToBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map((p) => Number(p)));
  if (ip.includes('%') && isIPv6(ip)) {
    throw new TypeError(`IPv6 address with a %zone: ${JSON.stringify(ip)}; give the address without it (the interface names the zone)`);
  }
  if (isIPv6(ip)) return ipv6ToBytes(ip);
  throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
}

function ipv6ToBytes(ip: string): Buffer {
  let text = ip;
  const tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups written as a dotted quad.
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4.push(...text.slice(lastColon + 1).split('.').map((p) => Number(p)));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, null];
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const l = parse(left);
  const r = right === null ? [] : parse(right);
  const fill = right === null ? [] : new Array<number>(8 - l.length - r.length).fill(0);
  const groups = [...l, ...fill, ...r];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (tailV4.length === 4) out.set(tailV4, 12);
  return out;
}

/** Link-layer address as lower-case hex pairs joined by colons (any length, e.g. 6 for Ethernet). */
export function formatMac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}
