// Usage accounting of metered links, an extension on the bus: each `link-stats` reading (the
// IFLA_STATS64 counters housekeeping reads every check_interval) is added to the link's billing
// period (usage.ts), saved to state_dir at most once a minute and at stop, and each cap level
// reached is published once as a `data-cap` event (log, hooks, webhooks, MQTT, metrics listen).
// Off the failover path: a failing disk is logged once per streak and retried at the next minute.
import type { EventBus } from '../bus/event-bus.js';
import type { EventOf } from '../bus/events.js';
import type { Extension } from '../bus/extension.js';
import type { Clock } from '../clock.js';
import type { LinkConfig, MeteredConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { LogPort } from '../engine/ports.js';
import { accumulate, capCrossing, capPct, capReached, firstUsage, reachedLevel, rollover, type LinkUsage } from './usage.js';
import type { UsageStore } from './usage-file.js';

/** "written at most every minute" (issue 24). */
export const SAVE_EVERY_MS = 60_000;

/** What the status, the policy and the outputs read of one metered link. */
export interface UsageView {
  usageBytes: number;
  capBytes: number | null;
  /** Percent of the cap, one decimal; null without a cap. */
  capPct: number | null;
  /** Wall-clock ms; null until the link was first seen. */
  periodStartMs: number | null;
  capReached: boolean;
}

export interface MeteredUsageDeps {
  bus: EventBus;
  clock: Clock;
  log: LogPort;
  store: UsageStore;
  links: readonly LinkConfig[];
}

export class MeteredUsage implements Extension {
  readonly name = 'metered-usage';
  private readonly metered = new Map<string, { cfg: LinkConfig; m: MeteredConfig }>();
  private usage: Record<string, LinkUsage> = {};
  private off: (() => void) | null = null;
  private lastSaveMs: number | null = null;
  private dirty = false;
  private saving: Promise<void> | null = null;
  private saveFailing = false;

  constructor(private readonly deps: MeteredUsageDeps) {
    for (const l of deps.links) if (l.metered) this.metered.set(l.name, { cfg: l, m: l.metered });
  }

  async start(): Promise<void> {
    try {
      const saved = this.deps.store.load();
      for (const [name, { m }] of this.metered) {
        const u = saved[name];
        // A cap raised since: the levels not reached under the new cap are announced again.
        if (u) this.usage[name] = { ...u, notifiedPct: Math.min(u.notifiedPct, reachedLevel(u.bytes, m.dataCapBytes)) as LinkUsage['notifiedPct'] };
      }
    } catch (err) {
      // Counting from zero loses the period so far; refusing to count would lose the rest too.
      this.deps.log.error({ error: describeError(err) }, 'metered usage file unreadable; counting from now');
    }
    this.lastSaveMs = this.deps.clock.nowMs();
    this.off = this.deps.bus.onKind('link-stats', (e) => this.onStats(e));
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
    await this.saving;
    if (this.dirty) await this.save();
  }

  /** null: not a metered link. */
  view(link: string): UsageView | null {
    const entry = this.metered.get(link);
    if (!entry) return null;
    const u = this.usage[link];
    const cap = entry.m.dataCapBytes;
    const current = u ? rollover(u, this.deps.clock.wallMs(), entry.m.capResetDay) : null;
    const bytes = current?.bytes ?? 0;
    return { usageBytes: bytes, capBytes: cap, capPct: capPct(bytes, cap), periodStartMs: current?.periodStartMs ?? null,
      capReached: capReached(bytes, cap) };
  }

  private onStats(e: EventOf<'link-stats'>): void {
    const entry = this.metered.get(e.link);
    if (!entry) return;
    const reading = { atMs: e.timeMs, epoch: `${this.deps.store.bootId()}/${e.ifindex ?? '?'}`, rxBytes: e.rxBytes, txBytes: e.txBytes };
    const before = this.usage[e.link];
    let u = before === undefined ? firstUsage(reading) : accumulate(before, reading, entry.m.capResetDay);
    const level = capCrossing(u, entry.m.dataCapBytes);
    if (level !== null) {
      u = { ...u, notifiedPct: level };
      this.announce(entry.cfg, level, u, entry.m.dataCapBytes as number, e.timeMs);
    }
    this.usage[e.link] = u;
    this.dirty = true;
    if (this.lastSaveMs === null || this.deps.clock.nowMs() - this.lastSaveMs >= SAVE_EVERY_MS) void this.save();
  }

  private announce(cfg: LinkConfig, pct: 75 | 95 | 100, u: LinkUsage, capBytes: number, timeMs: number): void {
    const mb = (b: number): string => (b / 1e6).toFixed(1);
    const message = pct === 100
      ? `${cfg.displayName}: data cap reached (${mb(u.bytes)} of ${mb(capBytes)} MB); it carries traffic only while every other link is down`
      : `${cfg.displayName}: ${pct} % of the data cap used (${mb(u.bytes)} of ${mb(capBytes)} MB)`;
    this.deps.bus.publish({ kind: 'data-cap', link: cfg.name, interface: cfg.interface, pct, usageBytes: u.bytes, capBytes,
      periodStartMs: u.periodStartMs, timeMs });
    this.deps.bus.publish({ kind: 'record', type: 'data_cap', level: pct === 100 ? 'warn' : 'info', link: cfg.name, message, timeMs });
  }

  private save(): Promise<void> {
    if (this.saving) return this.saving;
    this.lastSaveMs = this.deps.clock.nowMs();
    this.dirty = false;
    const snapshot = { ...this.usage };
    this.saving = this.deps.store.save(snapshot).then(() => {
      if (this.saveFailing) this.deps.log.info({}, 'metered usage saved again');
      this.saveFailing = false;
    }, (err: unknown) => {
      this.dirty = true;
      if (!this.saveFailing) this.deps.log.warn({ error: describeError(err) }, 'cannot save metered usage; retrying every minute');
      this.saveFailing = true;
    }).finally(() => { this.saving = null; });
    return this.saving;
  }
}
