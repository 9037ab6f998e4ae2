// Pure ICMPv4 codec, and the echo layout ICMPv6 shares (icmp6.ts): builds echo requests and
// parses what a raw socket hands back (IP header already stripped). No I/O, no clock: every function is Buffer in, value out.

/** RFC 792 message types the prober cares about. */
export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;

/** Type, code, checksum, identifier, sequence. */
export const ICMP_HEADER_LEN = 8;
const IPV4_MIN_HEADER_LEN = 20;
const IPPROTO_ICMP = 1;

/** Marks our probes in captures; the payload plays no part in matching replies. */
export const DEFAULT_PAYLOAD: Buffer = Buffer.from('wanfover', 'ascii');

export interface EchoFields {
  id: number;
  seq: number;
}

/** The datagram an ICMP error quoted back to us (RFC 792: IP header + first 8 bytes). */
export interface QuotedEcho extends EchoFields {
  /** Destination of the original datagram: the target we probed. */
  dst: string;
  src: string;
}

/**
 * A parsed ICMP or ICMPv6 message (the shape is the same for both families; `type` is the
 * family's own number, e.g. echo reply 0 in ICMP, 129 in ICMPv6).
 */
export type IcmpMessage =
  | { kind: 'echo-reply'; type: number; code: number; id: number; seq: number; payload: Buffer }
  | { kind: 'echo-request'; type: number; code: number; id: number; seq: number; payload: Buffer }
  /** Destination unreachable / time exceeded (and ICMPv6 packet too big / parameter problem); `original` is null unless it quotes an echo request. */
  | { kind: 'error'; type: number; code: number; original: QuotedEcho | null }
  | { kind: 'other'; type: number; code: number };

export type ParseResult =
  | { ok: true; message: IcmpMessage }
  | { ok: false; reason: 'short' | 'checksum' };

/** RFC 1071 internet checksum: one's complement of the one's complement sum of 16-bit words. */
export function internetChecksum(buf: Buffer): number {
  let sum = 0;
  const even = buf.length & ~1;
  for (let i = 0; i < even; i += 2) sum += buf.readUInt16BE(i);
  // RFC 1071: an odd trailing byte is padded with a zero byte on the right.
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A message whose checksum field is right sums (checksum included) to zero. */
export function checksumValid(buf: Buffer): boolean {
  return internetChecksum(buf) === 0;
}

function assertUint16(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} must be a uint16, got ${v}`);
}

/**
 * An echo message as both families lay it out (RFC 792, RFC 4443 4.1): type, code 0, checksum
 * (left 0 here), identifier, sequence number, payload.
 */
export function echoMessage(type: number, id: number, seq: number, payload: Buffer): Buffer {
  assertUint16('id', id);
  assertUint16('seq', seq);
  const buf = Buffer.alloc(ICMP_HEADER_LEN + payload.length);
  buf.writeUInt8(type, 0);
  buf.writeUInt16BE(id, 4);
  buf.writeUInt16BE(seq, 6);
  payload.copy(buf, ICMP_HEADER_LEN);
  return buf;
}

/** The fields of an echo request or reply of either family (`buf` holds at least the header). */
export function parseEcho(buf: Buffer, reply: boolean): IcmpMessage {
  const fields = { type: buf[0]!, code: buf[1]!, id: buf.readUInt16BE(4), seq: buf.readUInt16BE(6), payload: Buffer.from(buf.subarray(ICMP_HEADER_LEN)) };
  return reply ? { kind: 'echo-reply', ...fields } : { kind: 'echo-request', ...fields };
}

/** Echo request (type 8, code 0) with the checksum filled in. */
export function buildEchoRequest(id: number, seq: number, payload: Buffer = DEFAULT_PAYLOAD): Buffer {
  const buf = echoMessage(ICMP_ECHO_REQUEST, id, seq, payload);
  // The checksum is computed with its own field at zero (RFC 792).
  buf.writeUInt16BE(internetChecksum(buf), 2);
  return buf;
}

function ipv4ToString(buf: Buffer, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/**
 * Extracts the echo request quoted inside an ICMP error body (bytes after the 8-byte header).
 * Returns null when the quote is too short, not IPv4/ICMP, or not an echo request.
 * The quoted ICMP checksum is not checked: routers may quote a modified datagram.
 */
export function parseQuotedEcho(body: Buffer): QuotedEcho | null {
  if (body.length < IPV4_MIN_HEADER_LEN) return null;
  const version = body[0]! >> 4;
  const ihl = (body[0]! & 0x0f) * 4;
  if (version !== 4 || ihl < IPV4_MIN_HEADER_LEN) return null;
  if (body[9] !== IPPROTO_ICMP) return null;
  if (body.length < ihl + ICMP_HEADER_LEN) return null;
  if (body[ihl] !== ICMP_ECHO_REQUEST) return null;
  return {
    src: ipv4ToString(body, 12),
    dst: ipv4ToString(body, 16),
    id: body.readUInt16BE(ihl + 4),
    seq: body.readUInt16BE(ihl + 6),
  };
}

/** Parses one ICMP message (no IP header). Messages with a bad checksum are rejected. */
export function parseIcmp(buf: Buffer): ParseResult {
  if (buf.length < ICMP_HEADER_LEN) return { ok: false, reason: 'short' };
  if (!checksumValid(buf)) return { ok: false, reason: 'checksum' };
  const type = buf[0]!;
  const code = buf[1]!;
  switch (type) {
    case ICMP_ECHO_REPLY:
    case ICMP_ECHO_REQUEST:
      return { ok: true, message: parseEcho(buf, type === ICMP_ECHO_REPLY) };
    case ICMP_DEST_UNREACHABLE:
    case ICMP_TIME_EXCEEDED:
      return {
        ok: true,
        message: { kind: 'error', type, code, original: parseQuotedEcho(buf.subarray(ICMP_HEADER_LEN)) },
      };
    default:
      return { ok: true, message: { kind: 'other', type, code } };
  }
}

/**
 * Returns the length of the IPv4 header at the start of a datagram, or null if it is not a
 * plausible IPv4 header. Raw IPv4 sockets on Linux deliver the header with every packet (raw(7)).
 */
export function ipv4HeaderLength(datagram: Buffer): number | null {
  if (datagram.length < IPV4_MIN_HEADER_LEN) return null;
  if (datagram[0]! >> 4 !== 4) return null;
  const ihl = (datagram[0]! & 0x0f) * 4;
  if (ihl < IPV4_MIN_HEADER_LEN || ihl > datagram.length) return null;
  return ihl;
}

/**
 * The errno the Linux kernel itself reports for an ICMP error (net/ipv4/icmp.c icmp_err_convert),
 * so a probe failed by an ICMP error reads like a failed connect() would.
 */
export function icmpErrorToErrno(type: number, code: number): string {
  if (type === ICMP_TIME_EXCEEDED) return 'EHOSTUNREACH';
  if (type !== ICMP_DEST_UNREACHABLE) return 'EPROTO';
  const table: Record<number, string> = {
    0: 'ENETUNREACH',
    1: 'EHOSTUNREACH',
    2: 'ENOPROTOOPT',
    3: 'ECONNREFUSED',
    4: 'EMSGSIZE',
    5: 'EOPNOTSUPP',
    6: 'ENETUNREACH',
    7: 'EHOSTDOWN',
    8: 'ENONET',
    9: 'ENETUNREACH',
    10: 'EHOSTUNREACH',
    11: 'ENETUNREACH',
    12: 'EHOSTUNREACH',
  };
  return table[code] ?? 'EHOSTUNREACH';
}
