// install/grafana/wan-failover.json names only metrics the daemon exports: every wan_failover_*
// name in its expressions, annotations and variables is checked against the exposition of the
// real metrics extension (prom-client registry) after one event of each kind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import { MetricsExtension } from '../../../src/metrics/metrics-extension.js';
import { createPromRegistry } from '../../../src/metrics/prom-registry.js';
import { FakeEngine, T0 } from '../../api/fake-engine.js';
import { FakeClock } from '../fake-clock.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const DASHBOARD = path.join(ROOT, 'install', 'grafana', 'wan-failover.json');

/** Every string under the keys Grafana evaluates as PromQL. */
function queries(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) queries(n, out);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'expr' || k === 'definition' || k === 'query') && typeof v === 'string') out.push(v);
      else queries(v, out);
    }
  }
  return out;
}

const metricNames = (q: string): string[] => [...q.matchAll(/\b(wan_failover_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

async function exportedNames(): Promise<Set<string>> {
  const bus = new SyncEventBus({ warn: () => undefined });
  const ext = new MetricsExtension({ bus, engine: new FakeEngine(), registry: createPromRegistry({ defaultMetrics: false }), clock: new FakeClock(), public: false });
  await ext.start();
  bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', healthy: true, timeMs: T0, gateway: null,
    targets: [{ target: '203.0.113.10', ok: true, rttMs: 12, error: null }] });
  bus.publish({ kind: 'link-stats', link: 'primary', interface: 'eth0', rxBytes: 1, txBytes: 1, timeMs: T0 });
  const names = new Set<string>();
  for (const m of (await ext.render()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m[1]}${s}`);
  }
  await ext.stop();
  return names;
}

/** The names a dashboard uses that the daemon does not export. */
function unknownNames(dashboard: unknown, exported: Set<string>): string[] {
  return [...new Set(queries(dashboard).flatMap(metricNames))].filter((n) => !exported.has(n));
}

test('every metric the Grafana dashboard queries is one the daemon exports', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Record<string, unknown>;
  const exported = await exportedNames();
  const used = new Set(queries(dashboard).flatMap(metricNames));
  assert.ok(used.size >= 10, `the dashboard uses ${used.size} metrics`);
  assert.deepEqual(unknownNames(dashboard, exported), []);
  // The check itself: a name the daemon does not export is caught, in a panel or a variable.
  assert.deepEqual(unknownNames({ panels: [{ targets: [{ expr: 'rate(wan_failover_nope_total[5m])' }] }] }, exported), ['wan_failover_nope_total']);
  assert.deepEqual(unknownNames({ templating: { list: [{ definition: 'label_values(wan_failover_gone, link)' }] } }, exported), ['wan_failover_gone']);
});

test('the dashboard has panels for state, RTT, loss, jitter, traffic and data usage, and switch annotations', () => {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string }[]; annotations: { list: { expr: string }[] } };
  const titles = d.panels.map((p) => p.title).join(' | ');
  for (const t of [/state/i, /RTT/, /Loss/, /Jitter/, /Traffic/, /Data used/]) assert.match(titles, t);
  assert.ok(d.annotations.list.some((a) => metricNames(a.expr).includes('wan_failover_switches_total')));
});
