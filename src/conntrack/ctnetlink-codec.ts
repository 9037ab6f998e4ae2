// Pure codecs for the ctnetlink bodies we send and read (the part after the 16-byte nlmsghdr:
// struct nfgenmsg, then netlink attributes). Hand-written because the npm `netlink` package has
// rtnetlink, genl, nl80211 and wireguard codecs but none for nfnetlink/ctnetlink, and what we need
// is small: a filtered dump request, a delete request and the tuples of a dump entry.
// Layouts: include/uapi/linux/netfilter/nfnetlink.h (nfgenmsg), nfnetlink_conntrack.h (CTA_*),
// net/netfilter/nf_conntrack_netlink.c (ctnetlink_dump_tuples, ctnetlink_alloc_filter).
import type { AddressFamily } from '../bus/events.js';
import { bytesToIp, ipToBytes } from '../netlink/ip-format.js';
import {
  AF_INET, AF_INET6, CTA, CTA_FILTER, CTA_FILTER_F, CTA_IP, CTA_PROTO, CTA_TUPLE, IPS_SRC_NAT, NFNETLINK_V0,
  NLA_F_NESTED, NLA_TYPE_MASK,
} from './ctnetlink-constants.js';

/** One direction of a connection as the kernel tracks it. */
export interface CtTuple {
  src: string;
  dst: string;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  proto: number;
  srcPort: number | null;
  dstPort: number | null;
}

/** One conntrack entry, as much of it as the flush needs. */
export interface CtEntry {
  family: AddressFamily;
  orig: CtTuple;
  reply: CtTuple;
  /** IPS_* bits (nf_conntrack_common.h). */
  status: number;
  /** CTA_ID: lets a delete refuse an entry that reused the tuple since the dump. */
  id: number | null;
  /** CTA_ZONE when not the default zone. */
  zone: number | null;
  /** The CTA_TUPLE_ORIG attribute as received: sent back verbatim to delete exactly this entry (any L4 protocol). */
  origAttr: Buffer;
}

/** What the kernel should filter on before it sends entries (all optional; we re-check in user space). */
export interface DumpFilter {
  /** Only entries whose reply tuple goes to this address (a NATed flow's reply comes back to the WAN address). */
  replyDst?: string;
  /** Only entries with IPS_SRC_NAT set (CTA_STATUS + CTA_STATUS_MASK, kernel >= 6.0). */
  srcNatOnly?: boolean;
}

export function familyNumber(f: AddressFamily): number {
  return f === 'ipv4' ? AF_INET : AF_INET6;
}

export function familyOf(af: number): AddressFamily | null {
  if (af === AF_INET) return 'ipv4';
  if (af === AF_INET6) return 'ipv6';
  return null;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** One netlink attribute: 2-byte length (header included), 2-byte type, payload, padding to 4. */
export function encodeAttr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc(align4(len));
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

export function encodeNest(type: number, children: Buffer[]): Buffer {
  return encodeAttr(type | NLA_F_NESTED, Buffer.concat(children));
}

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}

/** CTA_FILTER flags are host-order u32 (nla_get_u32 in ctnetlink_parse_filter). */
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

/** struct nfgenmsg: family, version, res_id (big-endian, 0 for ctnetlink). */
export function encodeNfgenmsg(af: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt8(af, 0);
  b.writeUInt8(NFNETLINK_V0, 1);
  return b;
}

/**
 * Body of IPCTNL_MSG_CT_GET with NLM_F_DUMP. The family in nfgenmsg makes the kernel skip other
 * families; CTA_FILTER with CTA_FILTER_REPLY_FLAGS = IP_DST and a CTA_TUPLE_REPLY holding only the
 * address makes it skip entries whose reply does not go to that address (ctnetlink_filter_match,
 * kernel >= 5.8); CTA_STATUS/CTA_STATUS_MASK restrict to IPS_SRC_NAT. Kernels that predate an
 * attribute ignore it (nfnetlink parses liberally), which is why callers re-check every entry.
 */
export function encodeDumpRequest(family: AddressFamily, filter: DumpFilter = {}): Buffer {
  const parts: Buffer[] = [encodeNfgenmsg(familyNumber(family))];
  if (filter.replyDst !== undefined) {
    const addr = ipToBytes(filter.replyDst);
    const wantLen = family === 'ipv4' ? 4 : 16;
    if (addr.length !== wantLen) throw new TypeError(`${filter.replyDst} is not an ${family} address`);
    const ipAttr = encodeAttr(family === 'ipv4' ? CTA_IP.V4_DST : CTA_IP.V6_DST, addr);
    parts.push(encodeNest(CTA.TUPLE_REPLY, [encodeNest(CTA_TUPLE.IP, [ipAttr])]));
    parts.push(encodeNest(CTA.FILTER, [
      encodeAttr(CTA_FILTER.ORIG_FLAGS, u32(0)),
      encodeAttr(CTA_FILTER.REPLY_FLAGS, u32(CTA_FILTER_F.IP_DST)),
    ]));
  }
  if (filter.srcNatOnly) {
    parts.push(encodeAttr(CTA.STATUS, be32(IPS_SRC_NAT)));
    parts.push(encodeAttr(CTA.STATUS_MASK, be32(IPS_SRC_NAT)));
  }
  return Buffer.concat(parts);
}

/**
 * Body of IPCTNL_MSG_CT_DELETE for one entry: its original tuple as the kernel gave it, its zone,
 * and its CTA_ID, so an entry that took the same tuple after our dump is refused with ENOENT
 * (ctnetlink_del_conntrack compares nf_ct_get_id).
 */
export function encodeDeleteRequest(entry: CtEntry): Buffer {
  const parts: Buffer[] = [encodeNfgenmsg(familyNumber(entry.family)), entry.origAttr];
  if (entry.zone !== null) parts.push(encodeAttr(CTA.ZONE, be16(entry.zone)));
  if (entry.id !== null) parts.push(encodeAttr(CTA.ID, be32(entry.id)));
  return Buffer.concat(parts);
}

export interface RawAttr {
  type: number;
  /** The payload after the 4-byte attribute header. */
  value: Buffer;
  /** The whole attribute, header and payload (no trailing padding). */
  whole: Buffer;
}

/** Splits a run of attributes; null when a length lies (the message is then dropped, not guessed at). */
export function parseAttrs(buf: Buffer): RawAttr[] | null {
  const out: RawAttr[] = [];
  let off = 0;
  // Each step advances by at least 4 bytes, so the loop is bounded by buf.length / 4.
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (len < 4 || off + len > buf.length) return null;
    out.push({ type, value: buf.subarray(off + 4, off + len), whole: buf.subarray(off, off + len) });
    off += align4(len);
  }
  return out;
}

function first(attrs: RawAttr[], type: number): RawAttr | undefined {
  return attrs.find((a) => a.type === type);
}

function decodeTuple(value: Buffer): CtTuple | null {
  const attrs = parseAttrs(value);
  if (!attrs) return null;
  const ip = first(attrs, CTA_TUPLE.IP);
  const proto = first(attrs, CTA_TUPLE.PROTO);
  if (!ip || !proto) return null;
  const ipAttrs = parseAttrs(ip.value);
  const protoAttrs = parseAttrs(proto.value);
  if (!ipAttrs || !protoAttrs) return null;
  const src = first(ipAttrs, CTA_IP.V4_SRC) ?? first(ipAttrs, CTA_IP.V6_SRC);
  const dst = first(ipAttrs, CTA_IP.V4_DST) ?? first(ipAttrs, CTA_IP.V6_DST);
  const num = first(protoAttrs, CTA_PROTO.NUM);
  const srcText = src ? bytesToIp(src.value) : null;
  const dstText = dst ? bytesToIp(dst.value) : null;
  if (srcText === null || dstText === null || !num || num.value.length < 1) return null;
  const port = (t: number): number | null => {
    const a = first(protoAttrs, t);
    return a && a.value.length >= 2 ? a.value.readUInt16BE(0) : null;
  };
  return { src: srcText, dst: dstText, proto: num.value.readUInt8(0), srcPort: port(CTA_PROTO.SRC_PORT), dstPort: port(CTA_PROTO.DST_PORT) };
}

/** One IPCTNL_MSG_CT_NEW body of a dump (nfgenmsg + attributes); null when malformed or of another family. */
export function decodeEntry(body: Buffer): CtEntry | null {
  if (body.length < 4) return null;
  const family = familyOf(body.readUInt8(0));
  if (family === null) return null;
  const attrs = parseAttrs(body.subarray(4));
  if (!attrs) return null;
  const origAttr = first(attrs, CTA.TUPLE_ORIG);
  const replyAttr = first(attrs, CTA.TUPLE_REPLY);
  if (!origAttr || !replyAttr) return null;
  const orig = decodeTuple(origAttr.value);
  const reply = decodeTuple(replyAttr.value);
  if (!orig || !reply) return null;
  const num32 = (t: number): number | null => {
    const a = first(attrs, t);
    return a && a.value.length >= 4 ? a.value.readUInt32BE(0) : null;
  };
  const zoneAttr = first(attrs, CTA.ZONE);
  return {
    family, orig, reply,
    status: num32(CTA.STATUS) ?? 0,
    id: num32(CTA.ID),
    zone: zoneAttr && zoneAttr.value.length >= 2 ? zoneAttr.value.readUInt16BE(0) : null,
    origAttr: Buffer.from(origAttr.whole),
  };
}
