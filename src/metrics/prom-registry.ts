// The only importer of `prom-client`: a registry of gauges, counters and histograms behind small
// typed interfaces, rendered in the Prometheus text format. The rest of src/metrics/ talks to
// MetricRegistry, so tests can read values back without parsing text.
import { createRequire } from 'node:module';
import type client from 'prom-client';

// prom-client's index also loads what the daemon never uses: the Pushgateway client (node's
// https and zlib), the cluster aggregator (node's cluster module, which loads the process-spawning
// one and dgram) and Summary (tdigest, bintrees). Its modules by path load only the registry, the three metric types and the
// default metrics (prom-client/index.js lists them; the package has no "exports" map). Issue 20:
// those builtins are gone from the process; the RSS it saves at rest is inside the noise (0.1 MiB).
const load = createRequire(import.meta.url);
const Registry = load('prom-client/lib/registry') as typeof client.Registry;
const Gauge = load('prom-client/lib/gauge') as typeof client.Gauge;
const Counter = load('prom-client/lib/counter') as typeof client.Counter;
const Histogram = load('prom-client/lib/histogram') as typeof client.Histogram;
const collectDefaultMetrics = load('prom-client/lib/defaultMetrics') as typeof client.collectDefaultMetrics;

export type Labels = Record<string, string>;

export interface GaugeFamily {
  set(labels: Labels, value: number): void;
  /** Drops every series (for sets rebuilt on each scrape, such as the active-link info). */
  reset(): void;
}

export interface CounterFamily {
  inc(labels: Labels, by?: number): void;
}

export interface HistogramFamily {
  observe(labels: Labels, value: number): void;
}

export interface MetricRegistry {
  gauge(name: string, help: string, labelNames: readonly string[]): GaugeFamily;
  counter(name: string, help: string, labelNames: readonly string[]): CounterFamily;
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramFamily;
  /** The exposition text (text/plain; version=0.0.4). */
  render(): Promise<string>;
  readonly contentType: string;
  /** The value of one series, for tests; null when absent. */
  valueOf(name: string, labels: Labels): Promise<number | null>;
}

export interface RegistryOptions {
  /** process_* and nodejs_* metrics (CPU, memory, fds, event-loop lag, GC), unprefixed as usual. */
  defaultMetrics: boolean;
}

/**
 * prom-client's event-loop-lag histogram (nodejs_eventloop_lag_{min,max,mean,p50,...}_seconds) is
 * perf_hooks.monitorEventLoopDelay, a libuv timer sampling every `resolution` ms: at prom-client's
 * default of 10 ms it woke the idle daemon 100 times a second, most of its wake-ups and a third
 * of its CPU at rest (issue 20). Once a second still shows a stalled loop (the max of a scrape
 * interval) at one wake-up a second; nodejs_eventloop_lag_seconds is measured at scrape time.
 */
export const EVENT_LOOP_LAG_RESOLUTION_MS = 1_000;

export function createPromRegistry(opts: RegistryOptions): MetricRegistry {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_LAG_RESOLUTION_MS });
  return {
    gauge(name, help, labelNames) {
      const g = new Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });
      return { set: (labels, value) => g.set(labels, value), reset: () => g.reset() };
    },
    counter(name, help, labelNames) {
      const c = new Counter({ name, help, labelNames: [...labelNames], registers: [registry] });
      return { inc: (labels, by = 1) => c.inc(labels, by) };
    },
    histogram(name, help, labelNames, buckets) {
      const h = new Histogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [registry] });
      return { observe: (labels, value) => h.observe(labels, value) };
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
    async valueOf(name, labels) {
      const m = registry.getSingleMetric(name);
      if (m === undefined) return null;
      const data = await m.get();
      const want = Object.entries(labels);
      const hit = data.values.find((v) => want.every(([k, val]) => String(v.labels[k]) === val)
        && Object.keys(v.labels).length === want.length);
      return hit === undefined ? null : hit.value;
    },
  };
}
