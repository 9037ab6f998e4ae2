// The metrics extension: listens on the bus (probe rounds, switches, byte counters) and, when
// scraped, sets the snapshot series from engine.status() and renders the registry. A scrape reads
// only memory: it never waits on a probe, and no probe waits on it beyond one synchronous render.
import type { Clock } from '../clock.js';
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { Engine } from '../engine/types.js';
import type { MetricRegistry } from './prom-registry.js';
import { WanMetrics } from './wan-metrics.js';

/** What the API needs to serve GET /metrics. */
export interface MetricsProvider {
  readonly contentType: string;
  /** Without the API key (metrics_public: true). */
  readonly public: boolean;
  render(): Promise<string>;
}

export interface MetricsDeps {
  bus: EventBus;
  engine: Pick<Engine, 'status'>;
  registry: MetricRegistry;
  clock: Clock;
  public: boolean;
  /** Scrapes within this many ms of a render share it (default RENDER_REUSE_MS). */
  reuseMs?: number;
}

/**
 * A render is one synchronous stretch of the event loop (tens of ms on a busy router, most of it
 * prom-client's process metrics reading /proc), and a probe reply waiting behind it gets a longer
 * RTT. Sharing a render for 1 s bounds that cost to one render per second, however often and
 * however many scrapers ask (bench: probe RTT during 10 scrapes/s).
 */
export const RENDER_REUSE_MS = 1000;

export class MetricsExtension implements Extension, MetricsProvider {
  readonly name = 'metrics';
  readonly public: boolean;
  readonly contentType: string;
  private metrics: WanMetrics | null = null;
  private off: (() => void) | null = null;
  private last: { atMs: number; text: Promise<string> } | null = null;

  constructor(private readonly deps: MetricsDeps) {
    this.public = deps.public;
    this.contentType = deps.registry.contentType;
  }

  async start(): Promise<void> {
    if (this.off) return;
    this.metrics ??= new WanMetrics(this.deps.registry);
    const m = this.metrics;
    this.off = this.deps.bus.on((e) => m.onEvent(e));
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
  }

  render(): Promise<string> {
    const now = this.deps.clock.nowMs();
    if (this.last !== null && now - this.last.atMs < (this.deps.reuseMs ?? RENDER_REUSE_MS)) return this.last.text;
    const text = this.renderNow();
    this.last = { atMs: now, text };
    return text;
  }

  private async renderNow(): Promise<string> {
    this.metrics ??= new WanMetrics(this.deps.registry);
    this.metrics.fromStatus(this.deps.engine.status(), this.deps.clock.wallMs());
    return this.deps.registry.render();
  }
}
