// The metrics extension over a real prom-client registry: bus events drive the counters and the
// histogram, a scrape sets the snapshot gauges from the status, and names follow the conventions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { DaemonEvent } from '../../../src/bus/events.js';
import { MetricsExtension } from '../../../src/metrics/metrics-extension.js';
import { createPromRegistry } from '../../../src/metrics/prom-registry.js';
import { FakeEngine, T0 } from '../../api/fake-engine.js';
import { FakeClock } from '../fake-clock.js';

const silent = { warn: () => undefined };

async function setup() {
  const bus = new SyncEventBus(silent);
  const engine = new FakeEngine();
  const registry = createPromRegistry({ defaultMetrics: false });
  const clock = new FakeClock();
  const ext = new MetricsExtension({ bus, engine, registry, clock, public: false });
  await ext.start();
  return { bus, engine, registry, clock, ext };
}

const round = (link: string, ok: boolean, rttMs: number): DaemonEvent => ({
  kind: 'probe-round', link, family: 'ipv4', healthy: ok, timeMs: T0,
  gateway: { target: '198.51.100.1', ok: true, rttMs: 0.8, error: null },
  targets: [{ target: '203.0.113.10', ok, rttMs: ok ? rttMs : null, error: ok ? null : 'timeout' }],
});

test('probe rounds: sent/received per link and target, RTT histogram in seconds, gateway as target="gateway"', async () => {
  const { bus, registry, ext } = await setup();
  bus.publish(round('primary', true, 12));
  bus.publish(round('primary', false, 0));
  bus.publish(round('primary', true, 30));
  const l = { link: 'primary', target: '203.0.113.10', family: 'ipv4' };
  assert.equal(await registry.valueOf('wan_failover_probes_sent_total', l), 3);
  assert.equal(await registry.valueOf('wan_failover_probes_received_total', l), 2);
  assert.equal(await registry.valueOf('wan_failover_probes_received_total', { ...l, target: 'gateway' }), 3);
  const text = await ext.render();
  assert.match(text, /wan_failover_probe_rtt_seconds_bucket\{le="0\.025",link="primary",target="203\.0\.113\.10",family="ipv4"\} 1\n/);
  assert.match(text, /wan_failover_probe_rtt_seconds_sum\{link="primary",target="203\.0\.113\.10",family="ipv4"\} 0\.04(2|19999\d*)\n/);
  assert.match(text, /wan_failover_probe_rtt_seconds_count\{link="primary",target="203\.0\.113\.10",family="ipv4"\} 2\n/);
});

test('switches by reason, zero from the start; failures counted apart', async () => {
  const { bus, registry } = await setup();
  const end = (link: string, iface: string) => ({ link, interface: iface, addresses: [] });
  assert.equal(await registry.valueOf('wan_failover_switches_total', { family: 'ipv4', reason: 'carrier' }), 0);
  bus.publish({ kind: 'switched', family: 'ipv4', from: end('primary', 'eth0'), to: end('secondary', 'eth1'), reason: 'failover', message: 'x', timeMs: T0, applyMs: 1 });
  bus.publish({ kind: 'switched', family: 'ipv4', from: end('secondary', 'eth1'), to: end('primary', 'eth0'), reason: 'recovery', message: 'x', timeMs: T0, applyMs: 1 });
  bus.publish({ kind: 'switched', family: 'ipv4', from: end('primary', 'eth0'), to: end('secondary', 'eth1'), reason: 'failover', message: 'x', timeMs: T0, applyMs: 1 });
  bus.publish({ kind: 'switch-failed', family: 'ipv4', to: 'secondary', error: 'EPERM', timeMs: T0 });
  assert.equal(await registry.valueOf('wan_failover_switches_total', { family: 'ipv4', reason: 'failover' }), 2);
  assert.equal(await registry.valueOf('wan_failover_switches_total', { family: 'ipv4', reason: 'recovery' }), 1);
  assert.equal(await registry.valueOf('wan_failover_switch_failures_total', { family: 'ipv4' }), 1);
});

test('byte counters follow the kernel counters by delta, and survive a counter reset', async () => {
  const { bus, registry } = await setup();
  const stats = (rx: number, tx: number): DaemonEvent => ({ kind: 'link-stats', link: 'primary', interface: 'eth0', rxBytes: rx, txBytes: tx, timeMs: T0 });
  const l = { link: 'primary', interface: 'eth0' };
  bus.publish(stats(1000, 500));
  bus.publish(stats(4000, 700));
  assert.equal(await registry.valueOf('wan_failover_receive_bytes_total', l), 4000);
  assert.equal(await registry.valueOf('wan_failover_transmit_bytes_total', l), 700);
  bus.publish(stats(100, 50)); // interface re-created: counters restart at 0
  assert.equal(await registry.valueOf('wan_failover_receive_bytes_total', l), 4100);
});

test('conntrack-flushed events add up per link and family', async () => {
  const { bus, registry } = await setup();
  bus.publish({ kind: 'conntrack-flushed', link: 'primary', interface: 'eth0', family: 'ipv4', entries: 17, durationMs: 2, timeMs: T0 });
  bus.publish({ kind: 'conntrack-flushed', link: 'primary', interface: 'eth0', family: 'ipv4', entries: 3, durationMs: 1, timeMs: T0 });
  assert.equal(await registry.valueOf('wan_failover_conntrack_flushed_total', { link: 'primary', interface: 'eth0', family: 'ipv4' }), 20);
});

test('a scrape sets state, carrier, active link, RTT mean, loss and time since the last switch', async () => {
  const { bus, engine, registry, clock, ext } = await setup();
  engine.current = { ...engine.current, lastSwitchMs: clock.wallMs() - 90_000 };
  bus.publish({ kind: 'link-state', link: 'primary', interface: 'eth0', family: 'ipv4', from: 'up', to: 'degraded', reason: 'loss', timeMs: T0 });
  const text = await ext.render();
  const v = (name: string, labels: Record<string, string>) => registry.valueOf(name, labels);
  const p = { link: 'primary', interface: 'eth0' };
  const s = { link: 'secondary', interface: 'eth1' };
  assert.equal(await v('wan_failover_link_state', { ...p, family: 'ipv4', state: 'degraded' }), 1);
  assert.equal(await v('wan_failover_link_state', { ...p, family: 'ipv4', state: 'up' }), 0);
  assert.equal(await v('wan_failover_link_state', { ...s, family: 'ipv4', state: 'down' }), 1);
  assert.equal(await v('wan_failover_link_up', s), 0);
  assert.equal(await v('wan_failover_carrier', s), 0);
  assert.equal(await v('wan_failover_gateway_reachable', p), 1);
  assert.equal(await v('wan_failover_link_active', p), 1);
  assert.equal(await v('wan_failover_active_link_info', { ...p, family: 'ipv4' }), 1);
  assert.equal(await v('wan_failover_active_link_info', { ...s, family: 'ipv4' }), null);
  assert.equal(await v('wan_failover_rtt_mean_seconds', p), 0.012345);
  assert.equal(await v('wan_failover_loss_ratio', s), 1);
  assert.equal(await v('wan_failover_target_loss_ratio', { link: 'primary', target: '203.0.113.20' }), 0.1);
  assert.equal(await v('wan_failover_target_rtt_mean_seconds', { link: 'primary', target: 'gateway' }), 0.0012);
  assert.equal(await v('wan_failover_seconds_since_last_switch', {}), 90);
  assert.match(text, /# TYPE wan_failover_switches_total counter/);
  // Conventions: every family of ours is prefixed, counters end in _total, times are in seconds.
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    assert.ok(m[1]!.startsWith('wan_failover_'), m[1]);
    if (m[2] === 'counter') assert.ok(m[1]!.endsWith('_total'), m[1]);
    assert.ok(!/_ms$|_millis/.test(m[1]!), m[1]);
  }
});

test('after stop, events no longer change the metrics', async () => {
  const { bus, registry, ext } = await setup();
  await ext.stop();
  bus.publish(round('primary', true, 5));
  assert.equal(await registry.valueOf('wan_failover_probes_sent_total', { link: 'primary', target: '203.0.113.10', family: 'ipv4' }), null);
});

test('scrapes within a second share one render; a later scrape sees new events', async () => {
  const { bus, registry, clock, ext } = await setup();
  const a = await ext.render();
  bus.publish(round('primary', true, 5));
  assert.equal(await ext.render(), a, 'reused within 1 s');
  clock.advance(1000);
  const b = await ext.render();
  assert.notEqual(b, a);
  assert.match(b, /wan_failover_probes_sent_total\{link="primary",target="203\.0\.113\.10",family="ipv4"\} 1/);
  assert.equal(await registry.valueOf('wan_failover_probes_sent_total', { link: 'primary', target: '203.0.113.10', family: 'ipv4' }), 1);
});

test('balancing: a scrape sets wan_failover_link_share{link,family} and wan_failover_link_weight{link}', async () => {
  const { engine, registry, ext } = await setup();
  const [a, b] = engine.current.links;
  engine.current = { ...engine.current, links: [
    { ...a!, tier: 1, weight: 5, carrying: true, share: 0.625, ipv6: { ...(a!.ipv6 ?? { gateway: null, gatewaySource: null, healthy: true, state: 'up', gatewayReachable: true, active: true, rttMs: null, lossPct: null, targets: [] }), carrying: true, share: 1 } },
    { ...b!, tier: 1, weight: 3, carrying: false, share: 0 },
  ] };
  await ext.render();
  assert.equal(await registry.valueOf('wan_failover_link_share', { link: a!.name, family: 'ipv4' }), 0.625);
  assert.equal(await registry.valueOf('wan_failover_link_share', { link: a!.name, family: 'ipv6' }), 1);
  assert.equal(await registry.valueOf('wan_failover_link_share', { link: b!.name, family: 'ipv4' }), 0);
  assert.equal(await registry.valueOf('wan_failover_link_weight', { link: a!.name }), 5);
  assert.equal(await registry.valueOf('wan_failover_link_weight', { link: b!.name }), 3);
});

test('a metered link: usage and cap in bytes; no such series for an unmetered link (issue 24)', async () => {
  const { engine, registry, ext } = await setup();
  const links = engine.current.links.map((l, i) => (i === 1 ? { ...l, metered: { usageBytes: 1_234_567, capBytes: 10_000_000_000,
    usageMb: 1.23, capMb: 10_000, capPct: 0, periodStartMs: T0, probing: 'standby, probed every 60 s', lastResort: null } } : l));
  engine.current = { ...engine.current, links };
  await ext.render();
  const s = { link: 'secondary', interface: 'eth1' };
  assert.equal(await registry.valueOf('wan_failover_link_usage_bytes', s), 1_234_567);
  assert.equal(await registry.valueOf('wan_failover_link_cap_bytes', s), 10_000_000_000);
  assert.equal(await registry.valueOf('wan_failover_link_usage_bytes', { link: 'primary', interface: 'eth0' }), null);
});
