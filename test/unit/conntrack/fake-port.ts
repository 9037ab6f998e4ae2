// A memory conntrack table behind the ConntrackPort interface, for flush and extension tests.
import type { AddressFamily } from '../../../src/bus/events.js';
import type { ConntrackPort, RemoveResult } from '../../../src/conntrack/conntrack-port.js';
import type { CtEntry } from '../../../src/conntrack/ctnetlink-codec.js';
import { WanError } from '../../../src/errors.js';

export function errnoError(errno: string): WanError {
  return new WanError('WAN_ERR_NETLINK', `netlink conntrack failed: ${errno}`, { errno });
}

export class FakeConntrack implements ConntrackPort {
  readonly lists: { family: AddressFamily; replyDst: string }[] = [];
  readonly removed: CtEntry[] = [];
  closed = 0;
  /** When set, list() rejects with it. */
  listError: Error | null = null;
  /** When set, list() waits for this before answering. */
  gate: Promise<void> | null = null;
  /** Sizes of the remove() calls. */
  readonly batches: number[] = [];
  /** Entries that vanish between dump and delete (remove answers false). */
  readonly expired = new Set<CtEntry>();

  constructor(public table: CtEntry[]) {}

  async list(family: AddressFamily, replyDst: string): Promise<CtEntry[]> {
    this.lists.push({ family, replyDst });
    if (this.gate) await this.gate;
    if (this.listError) throw this.listError;
    // Like an old kernel that ignores the filter: the whole family comes back.
    return this.table.filter((e) => e.family === family);
  }

  async remove(entries: readonly CtEntry[]): Promise<RemoveResult> {
    this.batches.push(entries.length);
    await Promise.resolve();
    let deleted = 0;
    let gone = 0;
    for (const entry of entries) {
      const i = this.table.indexOf(entry);
      if (this.expired.has(entry) || i < 0) {
        gone += 1;
        continue;
      }
      this.table.splice(i, 1);
      this.removed.push(entry);
      deleted += 1;
    }
    return { deleted, gone };
  }

  close(): void {
    this.closed += 1;
  }
}
