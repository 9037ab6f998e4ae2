// Flushes the conntrack entries NATed to one link in one family: list (kernel-filtered) per
// address, select (pure, nat-selection.ts), delete them (batched by the port).
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

export async function flushNat(port: ConntrackPort, clock: Clock, family: AddressFamily, addresses: readonly string[]): Promise<FlushResult> {
  const started = clock.nowMs();
  const listed: CtEntry[] = [];
  for (const addr of new Set(addresses)) listed.push(...await port.list(family, addr));
  const victims = selectNatEntries(listed, family, addresses);
  const { deleted, gone } = victims.length > 0 ? await port.remove(victims) : { deleted: 0, gone: 0 };
  return { family, deleted, gone, listed: listed.length, durationMs: clock.nowMs() - started };
}
