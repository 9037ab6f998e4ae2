// The narrow interface the flush talks to: the real one is ctnetlink (ctnetlink-client.ts), tests
// hand in a memory fake. Errors are WanErrors whose details.errno names the kernel's errno.
import type { AddressFamily } from '../bus/events.js';
import type { CtEntry } from './ctnetlink-codec.js';

export interface RemoveResult {
  deleted: number;
  gone: number;
}

export interface ConntrackPort {
  /**
   * Entries of this family that may be NATed to `replyDst`. The kernel narrows the dump where it can;
   * the result may hold more (older kernels ignore the filter), never fewer: callers re-check.
   */
  list(family: AddressFamily, replyDst: string): Promise<CtEntry[]>;
  /**
   * Deletes exactly these entries (each by its original tuple and id). `gone`: already gone when
   * asked (expired, or the tuple was reused since the dump). Any other refusal rejects.
   */
  remove(entries: readonly CtEntry[]): Promise<RemoveResult>;
  /** Idempotent. */
  close(): void;
}

/**
 * errnos meaning "this kernel/namespace has no conntrack to flush": no NETLINK_NETFILTER
 * (EPROTONOSUPPORT/EAFNOSUPPORT at socket()), no ctnetlink subsystem (nfnetlink answers EOPNOTSUPP,
 * or EINVAL for an unknown subsystem/message in nfnetlink_rcv_msg), ENOENT from module autoload.
 */
export const UNAVAILABLE_ERRNOS: ReadonlySet<string> = new Set(['EPROTONOSUPPORT', 'EAFNOSUPPORT', 'EOPNOTSUPP', 'ENOTSUP', 'ENOENT', 'EINVAL']);
