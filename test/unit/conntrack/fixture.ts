// Loads fixtures/conntrack/capture.json (real kernel dump entries) for the conntrack unit tests.
import { readFileSync } from 'node:fs';
import { decodeEntry, type CtEntry } from '../../../src/conntrack/ctnetlink-codec.js';

export interface CaptureWan { iface: string; v4: string; v6: string; server4: string; server6: string }
export interface CaptureFlow { sport: number; family: 'ipv4' | 'ipv6'; what: string; natTo: 0 | 1 | null }
export interface Capture {
  kernel: string;
  lab: { wans: [CaptureWan, CaptureWan]; client4: string; client6: string; routerLan4: string; routerLan6: string };
  flows: CaptureFlow[];
  entries: { family: string; hex: string }[];
  requests: { dumpIpv4Filtered: string; dumpIpv6: string };
}

const FILE = new URL('../../../../fixtures/conntrack/capture.json', import.meta.url);

export function loadCapture(): Capture {
  return JSON.parse(readFileSync(FILE, 'utf8')) as Capture;
}

export function capturedEntries(c: Capture = loadCapture()): CtEntry[] {
  return c.entries.map((e) => {
    const d = decodeEntry(Buffer.from(e.hex, 'hex'));
    if (!d) throw new Error(`fixture entry does not decode: ${e.hex}`);
    return d;
  });
}

/** The captured entry whose original source port is the flow's label. */
export function entryOf(entries: CtEntry[], sport: number): CtEntry {
  const e = entries.find((x) => x.orig.srcPort === sport);
  if (!e) throw new Error(`no captured entry with source port ${sport}`);
  return e;
}
