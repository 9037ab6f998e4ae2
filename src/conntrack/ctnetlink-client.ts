// The one owner of ctnetlink: a NETLINK_NETFILTER request socket (through the netlink adapter,
// the npm `netlink` package's socket: it opens any protocol and does dump + request/ack) that
// dumps conntrack entries with a kernel-side filter and deletes them one by one.
//
// Why dump + delete and not one filtered IPCTNL_MSG_CT_DELETE (flush with CTA_FILTER, kernel >= 6.12):
// the filtered flush says nothing about how many entries went, older kernels refuse CTA_FILTER there
// (EOPNOTSUPP), and the kernel's IPv6 address filter is inverted: ctnetlink_filter_match_tuple tests
// `!ipv6_addr_cmp(...)`, so it skips the entries that DO match (seen on 6.18: a filter on wan1's
// IPv6 address returned only wan2's entry). A filtered flush would delete every other link's IPv6
// flows. So IPv6 dumps filter on family and IPS_SRC_NAT only, and every entry is re-checked here
// (nat-selection.ts) before it is deleted, by its exact original tuple and CTA_ID.
// Needs CAP_NET_ADMIN only: nfnetlink_rcv() checks exactly that capability for every message.
import type { AddressFamily } from '../bus/events.js';
import { createRequester, type NetlinkRequester } from '../netlink/adapter.js';
import { errnoOf, netlinkError } from '../netlink/netlink-error.js';
import { decodeEntry, encodeDeleteRequest, encodeDumpRequest, type CtEntry, type DumpFilter } from './ctnetlink-codec.js';
import {
  IPCTNL_MSG_CT_DELETE, IPCTNL_MSG_CT_GET, IPCTNL_MSG_CT_NEW, NETLINK_NETFILTER, NLM_F_DUMP, ctnlMessageType,
} from './ctnetlink-constants.js';
import type { ConntrackPort, RemoveResult } from './conntrack-port.js';

export interface CtnetlinkClientOptions {
  /** Bound on one dump or delete (default 2000 ms). */
  requestTimeoutMs?: number;
  /** Opens the request socket; a test seam (default: NETLINK_NETFILTER through the netlink adapter). */
  open?: () => NetlinkRequester;
  /** Sees every dump entry body as received: used to capture fixtures. */
  tap?: (body: Buffer) => void;
  /** Ask the kernel to filter dumps (default true); false dumps whole families (fixture capture). */
  kernelFilter?: boolean;
}

/**
 * Deletes per datagram. One sendmsg carries them all (the kernel deletes them inside that call), and
 * only failures answer, so the replies stay far below the socket's receive buffer; ~100 bytes each,
 * far below the send buffer too.
 */
const DELETE_BATCH = 256;

/** errnos with which a kernel refuses a filter attribute it does not know how to apply. */
const FILTER_REFUSED: ReadonlySet<string> = new Set(['EINVAL', 'EOPNOTSUPP', 'ENOTSUP']);

export class CtnetlinkClient implements ConntrackPort {
  private requester: NetlinkRequester | null = null;
  /** False after the kernel refused our dump filter once: then plain family dumps, filtered here. */
  private kernelFilter = true;
  private readonly timeoutMs: number;

  constructor(private readonly opts: CtnetlinkClientOptions = {}) {
    this.timeoutMs = opts.requestTimeoutMs ?? 2000;
    this.kernelFilter = opts.kernelFilter ?? true;
  }

  /** Opens the socket if needed (throws a WanError with errno EPROTONOSUPPORT without nfnetlink). */
  private socket(): NetlinkRequester {
    if (!this.requester) this.requester = this.opts.open ? this.opts.open() : createRequester(NETLINK_NETFILTER);
    return this.requester;
  }

  async list(family: AddressFamily, replyDst: string): Promise<CtEntry[]> {
    if (this.kernelFilter) {
      // IPv6: no address filter, see the file comment (the kernel's IPv6 address match is inverted).
      const filter: DumpFilter = family === 'ipv4' ? { replyDst, srcNatOnly: true } : { srcNatOnly: true };
      try {
        return await this.dump(family, filter);
      } catch (e) {
        if (!FILTER_REFUSED.has(errnoOf(e) ?? '')) throw e;
      }
      // Only a plain dump that works proves the filter was the problem (and not a missing ctnetlink).
      const all = await this.dump(family, {});
      this.kernelFilter = false;
      return all;
    }
    return this.dump(family, {});
  }

  private async dump(family: AddressFamily, filter: DumpFilter): Promise<CtEntry[]> {
    const replies = await this.socket().request('conntrack dump', ctnlMessageType(IPCTNL_MSG_CT_GET), NLM_F_DUMP,
      encodeDumpRequest(family, filter), this.timeoutMs);
    const out: CtEntry[] = [];
    for (const r of replies) {
      if (r.type !== ctnlMessageType(IPCTNL_MSG_CT_NEW)) continue;
      this.opts.tap?.(r.data);
      const e = decodeEntry(r.data);
      if (e) out.push(e);
    }
    return out;
  }

  async remove(entries: readonly CtEntry[]): Promise<RemoveResult> {
    let deleted = 0;
    let gone = 0;
    let refused: string | null = null;
    // Bounded: entries.length / DELETE_BATCH datagrams.
    for (let i = 0; i < entries.length; i += DELETE_BATCH) {
      const chunk = entries.slice(i, i + DELETE_BATCH);
      const errors = await this.socket().requestBatch('conntrack delete', ctnlMessageType(IPCTNL_MSG_CT_DELETE),
        chunk.map(encodeDeleteRequest), this.timeoutMs);
      for (const errno of errors.values()) {
        if (errno === 'ENOENT') gone += 1;
        else refused ??= errno;
      }
      deleted += chunk.length - errors.size;
    }
    if (refused !== null) throw netlinkError('conntrack delete', refused, { deleted, gone });
    return { deleted, gone };
  }

  close(): void {
    const r = this.requester;
    this.requester = null;
    r?.close();
  }
}
