// Pure framing of one netlink datagram into its messages (netlink(7): a datagram carries
// one or more nlmsghdr-led messages, each padded to 4 bytes). No knowledge of rtnetlink bodies.

/** One netlink message: header fields plus the body after the 16-byte nlmsghdr. */
export interface RawNetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

export interface SplitResult {
  messages: RawNetlinkMessage[];
  /** True when trailing bytes did not form a whole message (a short or lying nlmsg_len). */
  malformed: boolean;
}

const NLMSG_HDRLEN = 16;
const align4 = (n: number): number => (n + 3) & ~3;

export function splitDatagram(buf: Buffer): SplitResult {
  const messages: RawNetlinkMessage[] = [];
  let off = 0;
  // Each step advances by at least NLMSG_HDRLEN, so the loop is bounded by buf.length / 16.
  while (off < buf.length) {
    if (buf.length - off < NLMSG_HDRLEN) return { messages, malformed: true };
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || len > buf.length - off) return { messages, malformed: true };
    messages.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return { messages, malformed: false };
}
