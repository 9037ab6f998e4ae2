// Pure ICMPv6 codec (RFC 4443): echo requests and what an IPv6 raw socket hands back. Unlike
// ICMPv4, the checksum covers an IPv6 pseudo-header (source and destination addresses) that user
// space does not see on a raw socket, and RFC 3542 3.1 makes it the kernel's job: Linux fills it
// in on send and drops bad ones on receive (net/ipv6/raw.c: rawv6_init_sk sets the checksum offset
// 2 for IPPROTO_ICMPV6; rawv6_recvmsg verifies). So this codec neither computes nor checks it.
import { bytesToIp } from '../netlink/ip-format.js';
import { DEFAULT_PAYLOAD, ICMP_HEADER_LEN, echoMessage, parseEcho, type ParseResult, type QuotedEcho } from './icmp.js';

/** RFC 4443 message types. */
export const ICMP6_DEST_UNREACHABLE = 1;
export const ICMP6_PACKET_TOO_BIG = 2;
export const ICMP6_TIME_EXCEEDED = 3;
export const ICMP6_PARAM_PROBLEM = 4;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

/** RFC 8200: the fixed IPv6 header; next header at 6, source at 8, destination at 24. */
const IPV6_HEADER_LEN = 40;
const IPPROTO_ICMPV6 = 58;

/** Echo request (type 128, code 0); the checksum field stays 0 for the kernel to fill in. */
export function buildEcho6Request(id: number, seq: number, payload: Buffer = DEFAULT_PAYLOAD): Buffer {
  return echoMessage(ICMP6_ECHO_REQUEST, id, seq, payload);
}

/**
 * The echo request quoted in an ICMPv6 error body (RFC 4443 2.4: as much of the invoking packet
 * as fits). Null unless the quote is an IPv6 header directly followed by an ICMPv6 echo request;
 * our probes carry no extension headers.
 */
export function parseQuotedEcho6(body: Buffer): QuotedEcho | null {
  if (body.length < IPV6_HEADER_LEN + ICMP_HEADER_LEN) return null;
  if (body[0]! >> 4 !== 6) return null;
  if (body[6] !== IPPROTO_ICMPV6) return null;
  if (body[IPV6_HEADER_LEN] !== ICMP6_ECHO_REQUEST) return null;
  const src = bytesToIp(body.subarray(8, 24));
  const dst = bytesToIp(body.subarray(24, 40));
  if (src === null || dst === null) return null;
  return {
    src,
    dst,
    id: body.readUInt16BE(IPV6_HEADER_LEN + 4),
    seq: body.readUInt16BE(IPV6_HEADER_LEN + 6),
  };
}

/** Parses one ICMPv6 message as an IPv6 raw socket delivers it (no IP header, checksum already verified). */
export function parseIcmp6(buf: Buffer): ParseResult {
  if (buf.length < ICMP_HEADER_LEN) return { ok: false, reason: 'short' };
  const type = buf[0]!;
  const code = buf[1]!;
  switch (type) {
    case ICMP6_ECHO_REPLY:
    case ICMP6_ECHO_REQUEST:
      return { ok: true, message: parseEcho(buf, type === ICMP6_ECHO_REPLY) };
    case ICMP6_DEST_UNREACHABLE:
    case ICMP6_PACKET_TOO_BIG:
    case ICMP6_TIME_EXCEEDED:
    case ICMP6_PARAM_PROBLEM:
      // RFC 4443: 4 bytes after type/code/checksum (unused, MTU or pointer), then the quote.
      return { ok: true, message: { kind: 'error', type, code, original: parseQuotedEcho6(buf.subarray(ICMP_HEADER_LEN)) } };
    default:
      return { ok: true, message: { kind: 'other', type, code } };
  }
}

/** net/ipv6/icmp.c tab_unreach, by destination-unreachable code. */
const UNREACH_ERRNO: readonly string[] = [
  'ENETUNREACH', // 0 no route
  'EACCES', // 1 administratively prohibited
  'EHOSTUNREACH', // 2 beyond scope of source address
  'EHOSTUNREACH', // 3 address unreachable
  'ECONNREFUSED', // 4 port unreachable
  'EACCES', // 5 source address failed ingress/egress policy
  'EACCES', // 6 reject route to destination
];

/** The errno the kernel reports for an ICMPv6 error (net/ipv6/icmp.c icmpv6_err_convert). */
export function icmp6ErrorToErrno(type: number, code: number): string {
  switch (type) {
    case ICMP6_DEST_UNREACHABLE: return UNREACH_ERRNO[code] ?? 'EPROTO';
    case ICMP6_PACKET_TOO_BIG: return 'EMSGSIZE';
    case ICMP6_TIME_EXCEEDED: return 'EHOSTUNREACH';
    default: return 'EPROTO';
  }
}
