// Loads captured rtnetlink messages (fixtures/netlink/capture.json, capture-inet6.json) and parses
// them with the library (through the adapter's parseRtMessage), ready for the pure decoders.
import { readFileSync } from 'node:fs';
import { parseRtMessage } from '../../../src/netlink/adapter.js';
import type { WireMessage } from '../../../src/netlink/wire-types.js';

export interface CapturedMessage { step: string; source: 'dump' | 'event'; type: number; wire: WireMessage }

const DIR = new URL('../../../../fixtures/netlink/', import.meta.url);

export function loadCapture(file = 'capture.json'): CapturedMessage[] {
  const doc = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as { messages: { step: string; source: 'dump' | 'event'; type: number; hex: string }[] };
  return doc.messages.map((m) => ({ step: m.step, source: m.source, type: m.type, wire: parseRtMessage(m.type, Buffer.from(m.hex, 'hex')) }));
}
