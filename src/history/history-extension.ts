// History as an extension on the bus: after each probe round it records the link's figures for
// that family (from engine.status()) into the store, turns state changes and switches into events
// with their reasons, tells live listeners (the page's event stream), and saves the store to
// state_dir every few minutes and at stop. A failing save is logged once per streak and retried
// at the next period; failover never waits on any of it (the bus isolates a throwing listener).
import type { AddressFamily } from '../bus/events.js';
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Engine, EngineStatus, LinkStatus } from '../engine/types.js';
import { describeError } from '../errors.js';
import { Streak } from '../log-streak.js';
import { historyEvent } from './event-text.js';
import { HISTORY_FILE, loadHistory, saveHistory } from './persist.js';
import { RoundStreaks } from './round-streak.js';
import type { HistorySample } from './sample.js';
import { HistoryStore, type HistoryEvent, type HistoryStep } from './store.js';
import type { RingPoint } from './ring.js';

export const SAVE_EVERY_MS = 5 * 60_000;

export interface HistoryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the live stream hears: a history event, or "the status may have changed". */
export type LiveMessage = { type: 'event'; event: HistoryEvent } | { type: 'status' };

/** What the API needs of the history (GET /api/history, /api/events, /api/stream). */
export interface HistoryProvider {
  query(family: AddressFamily, step: HistoryStep, sinceMs: number, link?: string): Record<string, RingPoint[]>;
  eventsSince(sinceMs: number): HistoryEvent[];
  /** Links known to the history (the configured ones), for validating `link=`. */
  links(): string[];
  subscribe(listener: (m: LiveMessage) => void): () => void;
}

export interface HistoryDeps {
  bus: EventBus;
  engine: Pick<Engine, 'status'>;
  clock: Clock;
  log: HistoryLog;
  /** state_dir; null keeps the history in memory only. */
  stateDir: string | null;
  links: () => string[];
  saveEveryMs?: number;
}

/**
 * The share of a family's traffic a link carries: the status's `share` (the fraction of the
 * resilient group's buckets, issue 21); without one (an engine that does not say), 1 for the link
 * of the default route, else 0.
 */
export function shareOf(status: EngineStatus, link: LinkStatus, family: AddressFamily): number {
  const share = family === 'ipv4' ? link.share : link.ipv6?.share;
  if (share !== undefined) return share;
  const active = family === 'ipv4' ? status.active : status.activeIpv6 ?? null;
  return active === link.name ? 1 : 0;
}

export function sampleOf(status: EngineStatus, link: LinkStatus, family: AddressFamily): HistorySample {
  const fam = family === 'ipv6' ? link.ipv6 : undefined;
  return {
    rttMs: fam ? fam.rttMs : link.rttMs,
    lossPct: fam ? fam.lossPct : link.lossPct,
    jitterMs: fam ? null : link.jitterMs ?? null,
    state: fam ? fam.state : link.state,
    share: shareOf(status, link, family),
    rxMbps: link.traffic.rxMbps,
    txMbps: link.traffic.txMbps,
  };
}

export class HistoryExtension implements Extension, HistoryProvider {
  readonly name = 'history';
  private store = new HistoryStore();
  private readonly streaks = new RoundStreaks();
  private readonly listeners = new Set<(m: LiveMessage) => void>();
  private offs: (() => void)[] = [];
  private timer: TimerHandle | null = null;
  private loaded = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly saveFailures: Streak<string>;

  constructor(private readonly deps: HistoryDeps) {
    this.saveFailures = new Streak<string>({
      began: (error) => deps.log.warn({ dir: deps.stateDir, error }, 'saving the history failed; retrying at the next period'),
      ended: (count) => deps.log.info({ dir: deps.stateDir, failures: count }, 'history saved again'),
    });
  }

  async start(): Promise<void> {
    if (this.offs.length > 0) return;
    if (!this.loaded) await this.load();
    const bus = this.deps.bus;
    const key = (link: string, family: AddressFamily): string => `${family}/${link}`;
    // The finest ring holds one point a second: continuous probing ends several rounds a second per
    // link, and each would rebuild the status projection for a point the next one overwrites.
    const lastSecond = new Map<string, number>();
    this.offs.push(bus.onKind('probe-round', (e) => {
      const k = key(e.link, e.family);
      this.streaks.round(k, e.healthy, [...(e.gateway ? [e.gateway] : []), ...e.targets], e.timeMs);
      const second = Math.floor(e.timeMs / 1000);
      if (lastSecond.get(k) === second) return;
      lastSecond.set(k, second);
      const st = this.deps.engine.status();
      const link = st.links.find((l) => l.name === e.link);
      if (link !== undefined) this.store.record(e.link, e.family, e.timeMs, sampleOf(st, link, e.family));
    }));
    this.offs.push(bus.on((e) => {
      if (e.kind === 'status-changed') {
        this.tell({ type: 'status' });
        return;
      }
      const h = historyEvent(e, (link, family) => this.streaks.figures(key(link, family)));
      if (h === null) return;
      this.store.addEvent(h);
      this.tell({ type: 'event', event: h });
    }));
    this.schedule();
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    if (this.timer !== null) this.deps.clock.clearTimer(this.timer);
    this.timer = null;
    await this.save();
  }

  query(family: AddressFamily, step: HistoryStep, sinceMs: number, link?: string): Record<string, RingPoint[]> {
    return this.store.query(family, step, sinceMs, this.deps.clock.wallMs(), link);
  }

  eventsSince(sinceMs: number): HistoryEvent[] {
    return this.store.eventsSince(sinceMs);
  }

  links(): string[] {
    return this.deps.links();
  }

  subscribe(listener: (m: LiveMessage) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Bytes of the rings (bench, README). */
  byteLength(): number {
    return this.store.byteLength();
  }

  private tell(m: LiveMessage): void {
    for (const l of [...this.listeners]) {
      try { l(m); } catch { this.listeners.delete(l); }
    }
  }

  private async load(): Promise<void> {
    this.loaded = true;
    if (this.deps.stateDir === null) return;
    try {
      const saved = await loadHistory(this.deps.stateDir);
      if (saved !== null) {
        saved.keepOnly(this.deps.links());
        this.store = saved;
        this.deps.log.info({ file: `${this.deps.stateDir}/${HISTORY_FILE}`, bytes: saved.byteLength() }, 'history loaded');
      }
    } catch (err) {
      // Unreadable or damaged: start empty; the next save replaces the file.
      this.deps.log.warn({ dir: this.deps.stateDir, error: describeError(err) }, 'history file unreadable; starting an empty history');
    }
  }

  private schedule(): void {
    if (this.deps.stateDir === null) return;
    this.timer = this.deps.clock.setTimer(this.deps.saveEveryMs ?? SAVE_EVERY_MS, () => {
      void this.save().finally(() => { if (this.offs.length > 0) this.schedule(); });
    });
  }

  /** Saves one at a time: the period's save and the one at stop never write the file together. */
  private save(): Promise<void> {
    this.saving = this.saving.then(() => this.saveNow());
    return this.saving;
  }

  private async saveNow(): Promise<void> {
    if (this.deps.stateDir === null) return;
    try {
      await saveHistory(this.deps.stateDir, this.store, this.deps.clock.wallMs());
      this.saveFailures.end();
    } catch (err) {
      this.saveFailures.hit(describeError(err));
    }
  }
}
