// Flushes the conntrack entries NATed to one link in one family: list (kernel-filtered) per
// address, select (pure, nat-selection.ts), delete each. Deletes run a few at a time: enough to
// hide the round trips, few enough that the acks never overrun the socket's receive buffer.
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
}

const DELETE_WINDOW = 16;

export async function flushNat(port: ConntrackPort, clock: Clock, family: AddressFamily, addresses: readonly string[]): Promise<FlushResult> {
  const started = clock.nowMs();
  const listed: CtEntry[] = [];
  for (const addr of new Set(addresses)) listed.push(...await port.list(family, addr));
  const victims = selectNatEntries(listed, family, addresses);
  let deleted = 0;
  let gone = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    // Each worker takes the next entry until none is left: bounded by victims.length in total.
    while (next < victims.length) {
      const e = victims[next++] as CtEntry;
      if (await port.remove(e)) deleted += 1;
      else gone += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_WINDOW, victims.length) }, worker));
  return { family, deleted, gone, listed: listed.length, durationMs: clock.nowMs() - started };
}
