// A pure codec for rtnetlink nexthop objects (RTM_NEWNEXTHOP/DELNEXTHOP/GETNEXTHOP, struct nhmsg,
// include/uapi/linux/nexthop.h): single nexthops (id, gateway, oif) and resilient groups
// (NHA_GROUP + NHA_GROUP_TYPE=RES + nested NHA_RES_GROUP). Written because the npm `netlink`
// package's encoder falls short on two points the kernel insists on: it never sets NLA_F_NESTED,
// which net/ipv4/nexthop.c's strict nlmsg_parse requires for NHA_RES_GROUP ("NLA_F_NESTED is
// missing", EINVAL), and it carries struct nexthop_grp's weight raw, while the wire holds weight-1
// (low byte) and, since 6.12, the high byte in what was resvd1. Tested against captured kernel
// messages (fixtures/netlink/capture-nexthop.json).
import { bytesToIp, familyName, familyNumber, ipToBytes } from './ip-format.js';
import type { Family } from './types.js';

export const RTM_NEXTHOP = { NEW: 104, DEL: 105, GET: 106, NEW_BUCKET: 116, GET_BUCKET: 118 } as const;

const NHA = { ID: 1, GROUP: 2, GROUP_TYPE: 3, BLACKHOLE: 4, OIF: 5, GATEWAY: 6, RES_GROUP: 12 } as const;
const NHA_RES_GROUP = { BUCKETS: 1, IDLE_TIMER: 2, UNBALANCED_TIMER: 3, UNBALANCED_TIME: 4 } as const;
const NHA_RES_BUCKET_ATTR = 13;
const NHA_RES_BUCKET = { INDEX: 1, IDLE_TIME: 2, NH_ID: 3 } as const;
const NEXTHOP_GRP_TYPE_RES = 1;
const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;
const NHMSG_BYTES = 8;
const GRP_ENTRY_BYTES = 8;
/** NHA_RES_GROUP timers are clock_t: USER_HZ (100) ticks per second, as iproute2 converts them. */
export const USER_HZ = 100;
/** include/uapi/linux/rtnetlink.h RTNH_F_*: what the kernel reports of a nexthop's state. */
export const RTNH_F = { DEAD: 1, ONLINK: 4, LINKDOWN: 16 } as const;

/** One nexthop object: a gateway out of one interface. */
export interface NexthopSpec {
  id: number;
  family: Family;
  gateway: string;
  oif: number;
  protocol: number;
}

export interface ResilientParams {
  buckets: number;
  idleTimerS: number;
  unbalancedTimerS: number;
}

/** A resilient group of nexthops with weights (1-65536 on the wire; the config allows 1-255). */
export interface GroupSpec extends ResilientParams {
  id: number;
  protocol: number;
  members: Array<{ id: number; weight: number }>;
}

/** A nexthop object as the kernel reports it (single or group). */
export interface NexthopEntry {
  id: number;
  family: Family | null;
  protocol: number;
  flags: number;
  oif: number | null;
  gateway: string | null;
  blackhole: boolean;
  /** Group members with their weights; null for a single nexthop. */
  group: Array<{ id: number; weight: number }> | null;
  /** 0 multipath, 1 resilient; null for a single nexthop. */
  groupType: number | null;
  resilient: (ResilientParams & { unbalancedTimeTicks: number | null }) | null;
}

function attr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };

function nhmsg(family: number, protocol: number): Buffer {
  const b = Buffer.alloc(NHMSG_BYTES);
  b.writeUInt8(family, 0);
  b.writeUInt8(protocol, 2);
  return b;
}

function checkId(id: number): void {
  if (!Number.isInteger(id) || id <= 0 || id > 0xffffffff) throw new RangeError(`bad nexthop id ${id}`);
}

/** Body of RTM_NEWNEXTHOP for one nexthop (send with NLM_F_CREATE|NLM_F_REPLACE). */
export function encodeNexthop(spec: NexthopSpec): Buffer {
  checkId(spec.id);
  const gw = ipToBytes(spec.gateway);
  if (gw.length !== (spec.family === 'inet' ? 4 : 16)) throw new RangeError(`nexthop gateway must be of family ${spec.family}: ${spec.gateway}`);
  return Buffer.concat([nhmsg(familyNumber(spec.family), spec.protocol), attr(NHA.ID, u32(spec.id)), attr(NHA.OIF, u32(spec.oif)), attr(NHA.GATEWAY, gw)]);
}

/**
 * Body of RTM_NEWNEXTHOP for a resilient group (family AF_UNSPEC, as iproute2 sends groups).
 * A replace keeps the bucket count (the kernel refuses to change it: replace_nexthop_grp_res).
 */
export function encodeGroup(spec: GroupSpec): Buffer {
  checkId(spec.id);
  if (spec.members.length === 0) throw new RangeError('a nexthop group needs at least one member');
  if (!Number.isInteger(spec.buckets) || spec.buckets < 1 || spec.buckets > 0xffff) throw new RangeError(`bad bucket count ${spec.buckets}`);
  const grp = Buffer.alloc(GRP_ENTRY_BYTES * spec.members.length);
  spec.members.forEach((m, i) => {
    checkId(m.id);
    if (!Number.isInteger(m.weight) || m.weight < 1 || m.weight > 65536) throw new RangeError(`bad nexthop weight ${m.weight}`);
    grp.writeUInt32LE(m.id, i * GRP_ENTRY_BYTES);
    grp.writeUInt8((m.weight - 1) & 0xff, i * GRP_ENTRY_BYTES + 4);
    grp.writeUInt8((m.weight - 1) >> 8, i * GRP_ENTRY_BYTES + 5);
  });
  const res = Buffer.concat([
    attr(NHA_RES_GROUP.BUCKETS, u16(spec.buckets)),
    attr(NHA_RES_GROUP.IDLE_TIMER, u32(Math.round(spec.idleTimerS * USER_HZ))),
    attr(NHA_RES_GROUP.UNBALANCED_TIMER, u32(Math.round(spec.unbalancedTimerS * USER_HZ))),
  ]);
  return Buffer.concat([nhmsg(0, spec.protocol), attr(NHA.ID, u32(spec.id)), attr(NHA.GROUP, grp),
    attr(NHA.GROUP_TYPE, u16(NEXTHOP_GRP_TYPE_RES)), attr(NHA.RES_GROUP | NLA_F_NESTED, res)]);
}

/** Body of RTM_DELNEXTHOP: the id names it. */
export function encodeDeleteNexthop(id: number): Buffer {
  checkId(id);
  return Buffer.concat([nhmsg(0, 0), attr(NHA.ID, u32(id))]);
}

/** One bucket of a resilient group (RTM_NEWNEXTHOPBUCKET): which nexthop it sends to. */
export interface BucketEntry {
  groupId: number;
  index: number;
  nexthopId: number;
  /** clock_t since the bucket last forwarded a packet. */
  idleTimeTicks: number;
}

/** Body of an RTM_GETNEXTHOPBUCKET dump request for one group (NHA_ID filters it: rtm_dump_nexthop_bucket). */
export function encodeBucketDump(groupId: number): Buffer {
  checkId(groupId);
  return Buffer.concat([nhmsg(0, 0), attr(NHA.ID, u32(groupId))]);
}

/** Decodes one RTM_NEWNEXTHOPBUCKET body; null when it is not a bucket. */
export function decodeBucket(body: Buffer): BucketEntry | null {
  if (body.length < NHMSG_BYTES) return null;
  let groupId = 0;
  let b: Omit<BucketEntry, 'groupId'> | null = null;
  for (const a of attrs(body.subarray(NHMSG_BYTES))) {
    if (a.type === NHA.ID) groupId = a.data.readUInt32LE(0);
    else if (a.type === NHA_RES_BUCKET_ATTR) {
      b = { index: -1, nexthopId: 0, idleTimeTicks: 0 };
      for (const n of attrs(a.data)) {
        if (n.type === NHA_RES_BUCKET.INDEX) b.index = n.data.readUInt16LE(0);
        else if (n.type === NHA_RES_BUCKET.NH_ID) b.nexthopId = n.data.readUInt32LE(0);
        else if (n.type === NHA_RES_BUCKET.IDLE_TIME && n.data.length >= 8) b.idleTimeTicks = Number(n.data.readBigUInt64LE(0));
      }
    }
  }
  return b === null || groupId === 0 || b.index < 0 ? null : { groupId, ...b };
}

/** Body of an RTM_GETNEXTHOP dump request (all families). */
export function encodeNexthopDump(): Buffer {
  return nhmsg(0, 0);
}

function* attrs(buf: Buffer): Generator<{ type: number; data: Buffer }> {
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > buf.length) return;
    yield { type: buf.readUInt16LE(off + 2) & NLA_TYPE_MASK, data: buf.subarray(off + 4, off + len) };
    off += (len + 3) & ~3;
  }
}

/** Decodes the body of a nexthop message (after the nlmsghdr); null when it is too short. */
export function decodeNexthop(body: Buffer): NexthopEntry | null {
  if (body.length < NHMSG_BYTES) return null;
  const e: NexthopEntry = {
    id: 0, family: familyName(body.readUInt8(0)), protocol: body.readUInt8(2), flags: body.readUInt32LE(4),
    oif: null, gateway: null, blackhole: false, group: null, groupType: null, resilient: null,
  };
  for (const a of attrs(body.subarray(NHMSG_BYTES))) {
    switch (a.type) {
      case NHA.ID: e.id = a.data.readUInt32LE(0); break;
      case NHA.OIF: e.oif = a.data.readUInt32LE(0); break;
      case NHA.GATEWAY: e.gateway = bytesToIp(a.data); break;
      case NHA.BLACKHOLE: e.blackhole = true; break;
      case NHA.GROUP_TYPE: e.groupType = a.data.readUInt16LE(0); break;
      case NHA.GROUP: {
        e.group = [];
        for (let off = 0; off + GRP_ENTRY_BYTES <= a.data.length; off += GRP_ENTRY_BYTES) {
          e.group.push({ id: a.data.readUInt32LE(off), weight: a.data.readUInt8(off + 4) + (a.data.readUInt8(off + 5) << 8) + 1 });
        }
        break;
      }
      case NHA.RES_GROUP: {
        const r: NonNullable<NexthopEntry['resilient']> = { buckets: 0, idleTimerS: 0, unbalancedTimerS: 0, unbalancedTimeTicks: null };
        for (const n of attrs(a.data)) {
          if (n.type === NHA_RES_GROUP.BUCKETS) r.buckets = n.data.readUInt16LE(0);
          else if (n.type === NHA_RES_GROUP.IDLE_TIMER) r.idleTimerS = n.data.readUInt32LE(0) / USER_HZ;
          else if (n.type === NHA_RES_GROUP.UNBALANCED_TIMER) r.unbalancedTimerS = n.data.readUInt32LE(0) / USER_HZ;
          else if (n.type === NHA_RES_GROUP.UNBALANCED_TIME && n.data.length >= 8) r.unbalancedTimeTicks = Number(n.data.readBigUInt64LE(0));
        }
        e.resilient = r;
        break;
      }
      default: break;
    }
  }
  if (e.group !== null && e.groupType === null) e.groupType = 0;
  return e.id === 0 ? null : e;
}
