// Flushes the conntrack entries NATed to one link in one family: list (kernel-filtered) per
// address, select (pure, nat-selection.ts), delete them (batched by the port). With thousands of
// live flows one dump can miss entries (a dump interrupted by table changes, NLM_F_DUMP_INTR, or
// flows created while it ran), so passes repeat until a pass finds none of the link's entries,
// bounded by MAX_FLUSH_PASSES (issue 21).
import type { AddressFamily } from '../bus/events.js';
import type { Clock } from '../clock.js';
import type { ConntrackPort } from './conntrack-port.js';
import type { CtEntry } from './ctnetlink-codec.js';
import { selectNatEntries } from './nat-selection.js';

export interface FlushResult {
  family: AddressFamily;
  /** Entries deleted by us. */
  deleted: number;
  /** Entries that matched but were gone when we deleted them (expired, or their tuple reused). */
  gone: number;
  /** Entries the dumps returned (after the kernel's filter). */
  listed: number;
  durationMs: number;
  /** Dump-and-delete passes run (the last found nothing, unless the bound was hit). */
  passes: number;
}

/** A bound on the passes of one flush: never a hot loop against a table that refills itself. */
export const MAX_FLUSH_PASSES = 5;

export async function flushNat(port: ConntrackPort, clock: Clock, family: AddressFamily, addresses: readonly string[]): Promise<FlushResult> {
  const started = clock.nowMs();
  let deleted = 0;
  let gone = 0;
  let listedTotal = 0;
  let passes = 0;
  while (passes < MAX_FLUSH_PASSES) {
    passes += 1;
    const listed: CtEntry[] = [];
    for (const addr of new Set(addresses)) listed.push(...await port.list(family, addr));
    listedTotal += listed.length;
    const victims = selectNatEntries(listed, family, addresses);
    if (victims.length === 0) break;
    const r = await port.remove(victims);
    deleted += r.deleted;
    gone += r.gone;
    // Nothing of ours deleted in this pass (all were gone already): the next dump has nothing new to show.
    if (r.deleted === 0) break;
  }
  return { family, deleted, gone, listed: listedTotal, durationMs: clock.nowMs() - started, passes };
}
