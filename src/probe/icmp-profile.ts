// The address-family profile of the prober, as dpinger does it: everything that differs between
// ICMP over IPv4 and ICMPv6 (socket protocol, echo types, IP header on receive, who computes the
// checksum, error errnos, address spelling) in one object, so the pinger and the socket adapters
// are written once and take the family as a parameter.
import { isIPv4, isIPv6 } from 'node:net';
import { endianness } from 'node:os';
import { bytesToIp, ipToBytes } from '../netlink/ip-format.js';
import type { Family } from '../netlink/types.js';
import {
  ICMP_DEST_UNREACHABLE, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_TIME_EXCEEDED,
  buildEchoRequest, icmpErrorToErrno, ipv4HeaderLength, parseIcmp, type ParseResult,
} from './icmp.js';
import {
  ICMP6_DEST_UNREACHABLE, ICMP6_ECHO_REPLY, ICMP6_ECHO_REQUEST, ICMP6_PACKET_TOO_BIG, ICMP6_PARAM_PROBLEM,
  ICMP6_TIME_EXCEEDED, buildEcho6Request, icmp6ErrorToErrno, parseIcmp6,
} from './icmp6.js';

export type { Family } from '../netlink/types.js';

export interface IcmpProfile {
  readonly family: Family;
  /** IPPROTO_ICMP (1) or IPPROTO_ICMPV6 (58): the raw socket's protocol. */
  readonly protocol: number;
  readonly echoRequestType: number;
  readonly echoReplyType: number;
  /** raw(7): an IPv4 raw socket hands over the IP header too; RFC 3542 3: an IPv6 one never does. */
  readonly ipHeaderOnReceive: boolean;
  /** RFC 3542 3.1: the kernel computes and verifies the ICMPv6 checksum; ICMPv4's is ours. */
  readonly kernelChecksum: boolean;
  /** The only types worth waking up for (echo replies and errors); a socket may filter on them. */
  readonly receiveTypes: readonly number[];
  buildEchoRequest(id: number, seq: number, payload?: Buffer): Buffer;
  /** One message without IP header. */
  parse(icmp: Buffer): ParseResult;
  /** The errno the kernel would report for this ICMP error type/code. */
  errorToErrno(type: number, code: number): string;
  /** The spelling replies are matched on (RFC 5952 for IPv6), or null if not an address of this family. */
  canonicalAddress(address: string): string | null;
}

export const ICMPV4_PROFILE: IcmpProfile = {
  family: 'inet',
  protocol: 1,
  echoRequestType: ICMP_ECHO_REQUEST,
  echoReplyType: ICMP_ECHO_REPLY,
  ipHeaderOnReceive: true,
  kernelChecksum: false,
  receiveTypes: [ICMP_ECHO_REPLY, ICMP_DEST_UNREACHABLE, ICMP_TIME_EXCEEDED],
  buildEchoRequest,
  parse: parseIcmp,
  errorToErrno: icmpErrorToErrno,
  canonicalAddress: (a) => (isIPv4(a) ? a : null),
};

export const ICMPV6_PROFILE: IcmpProfile = {
  family: 'inet6',
  protocol: 58,
  echoRequestType: ICMP6_ECHO_REQUEST,
  echoReplyType: ICMP6_ECHO_REPLY,
  ipHeaderOnReceive: false,
  kernelChecksum: true,
  receiveTypes: [ICMP6_ECHO_REPLY, ICMP6_DEST_UNREACHABLE, ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED, ICMP6_PARAM_PROBLEM],
  buildEchoRequest: buildEcho6Request,
  parse: parseIcmp6,
  errorToErrno: icmp6ErrorToErrno,
  // A zone (fe80::1%wan0) is not part of the address: the socket is bound to the interface anyway.
  canonicalAddress: (a) => {
    const bare = a.split('%')[0] ?? '';
    return isIPv6(bare) ? bytesToIp(ipToBytes(bare)) : null;
  },
};

export function icmpProfile(family: Family): IcmpProfile {
  return family === 'inet6' ? ICMPV6_PROFILE : ICMPV4_PROFILE;
}

/** The ICMP message of a received datagram: raw(7) hands IPv4 ones over with their IP header (its length in IHL), ICMPv6 ones without. */
export function icmpOfDatagram(profile: IcmpProfile, datagram: Buffer): Buffer | null {
  if (!profile.ipHeaderOnReceive) return datagram;
  const ihl = ipv4HeaderLength(datagram);
  return ihl === null ? null : datagram.subarray(ihl);
}

/** The profile for an address literal (IPv4 or IPv6), or null for anything else. */
export function profileForAddress(address: string): IcmpProfile | null {
  if (isIPv4(address)) return ICMPV4_PROFILE;
  if (isIPv6(address.split('%')[0] ?? '')) return ICMPV6_PROFILE;
  return null;
}

/**
 * linux/icmpv6.h struct icmp6_filter: 256 bits, a set bit BLOCKS that type
 * (net/ipv6/raw.c icmpv6_filter). Passes only `pass`, so neighbour discovery, router
 * advertisements and MLD never wake the prober up.
 */
export function icmp6FilterBlockingAllBut(pass: readonly number[], order: 'LE' | 'BE' = endianness()): Buffer {
  const words = new Uint32Array(8).fill(0xffffffff);
  for (const t of pass) words[t >> 5]! &= ~(1 << (t & 31)) >>> 0;
  const buf = Buffer.alloc(32);
  // The kernel reads __u32 data[8] in host byte order.
  words.forEach((w, i) => (order === 'LE' ? buf.writeUInt32LE(w, i * 4) : buf.writeUInt32BE(w, i * 4)));
  return buf;
}
