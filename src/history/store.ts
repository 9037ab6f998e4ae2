// PURE: the history of every link and family: a 1 s ring for the last hour and a 1 min ring for
// the last 7 days each (ring.ts, minute-bucket.ts), plus the ring of events with their reasons.
// Time comes in as arguments, so tests drive it by hand.
import type { AddressFamily } from '../bus/events.js';
import { MinuteBucket } from './minute-bucket.js';
import { HistoryRing, type RingPoint } from './ring.js';
import type { HistorySample } from './sample.js';

export const SECOND_SLOTS = 3600;
export const MINUTE_SLOTS = 7 * 24 * 60;
export const EVENT_CAPACITY = 1000;

export type HistoryStep = 1 | 60;

/** A state change, switch or other happening, with the figures that decided it. */
export interface HistoryEvent {
  timeMs: number;
  kind: 'switch' | 'state' | 'carrier' | 'all-down' | 'auto' | 'switch-failed';
  link: string | null;
  family: AddressFamily | null;
  /** One line for people: "wan1 down: 3 failed rounds; loss 100 % over 6.0 s; targets 198.51.100.1 timeout". */
  message: string;
  /** The figures in the message, as data. */
  figures: Record<string, unknown>;
}

export interface Series {
  link: string;
  family: AddressFamily;
  seconds: HistoryRing;
  minutes: HistoryRing;
  bucket: MinuteBucket;
}

const key = (link: string, family: AddressFamily): string => `${family}/${link}`;

export class HistoryStore {
  private readonly series = new Map<string, Series>();
  private readonly events: HistoryEvent[] = [];

  constructor(private readonly eventCapacity = EVENT_CAPACITY) {}

  /** The series of a link and family, created empty on first use. */
  seriesOf(link: string, family: AddressFamily): Series {
    let s = this.series.get(key(link, family));
    if (s === undefined) {
      s = { link, family, seconds: new HistoryRing(SECOND_SLOTS, 1000), minutes: new HistoryRing(MINUTE_SLOTS, 60_000), bucket: new MinuteBucket() };
      this.series.set(key(link, family), s);
    }
    return s;
  }

  allSeries(): Series[] {
    return [...this.series.values()];
  }

  /** Drops the series of links no longer configured (a reload or a restart with another config). */
  keepOnly(links: readonly string[]): void {
    for (const [k, s] of this.series) if (!links.includes(s.link)) this.series.delete(k);
  }

  record(link: string, family: AddressFamily, timeMs: number, sample: HistorySample): void {
    const s = this.seriesOf(link, family);
    s.seconds.put(timeMs, sample);
    const minute = s.bucket.add(timeMs, sample);
    s.minutes.put(minute.timeMs, minute.sample);
  }

  /** Points per link of one family from sinceMs, at 1 s or 60 s; only links with a series. */
  query(family: AddressFamily, step: HistoryStep, sinceMs: number, nowMs: number, link?: string): Record<string, RingPoint[]> {
    const out: Record<string, RingPoint[]> = {};
    for (const s of this.series.values()) {
      if (s.family !== family || (link !== undefined && s.link !== link)) continue;
      out[s.link] = (step === 1 ? s.seconds : s.minutes).read(sinceMs, nowMs);
    }
    return out;
  }

  addEvent(e: HistoryEvent): void {
    this.events.push(e);
    if (this.events.length > this.eventCapacity) this.events.splice(0, this.events.length - this.eventCapacity);
  }

  /** Events at or after sinceMs, oldest first. */
  eventsSince(sinceMs: number): HistoryEvent[] {
    return this.events.filter((e) => e.timeMs >= sinceMs);
  }

  /** Bytes held by the rings (the bound the README quotes). */
  byteLength(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.seconds.byteLength() + s.minutes.byteLength();
    return n;
  }
}
