import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { DaemonEvent } from '../../../src/bus/events.js';
import { HistoryExtension, shareOf, type LiveMessage } from '../../../src/history/history-extension.js';
import { HISTORY_FILE } from '../../../src/history/persist.js';
import { FakeEngine } from '../../api/fake-engine.js';
import { FakeClock } from '../fake-clock.js';

const quiet = { info: () => undefined, warn: () => undefined };

function rig(stateDir: string | null, saveEveryMs = 60_000) {
  const clock = new FakeClock();
  const bus = new SyncEventBus(quiet);
  const engine = new FakeEngine();
  const ext = new HistoryExtension({ bus, engine, clock, log: quiet, stateDir, links: () => ['primary', 'secondary'], saveEveryMs });
  return { clock, bus, engine, ext };
}

const timeout = (target: string) => ({ target, ok: false, rttMs: null, error: 'timeout' });

test('each probe round records the link figures, with share 1 for the active link and 0 for the other', async () => {
  const { clock, bus, ext } = rig(null);
  await ext.start();
  const t = clock.wallMs();
  bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: t });
  bus.publish({ kind: 'probe-round', link: 'secondary', family: 'ipv4', gateway: null, targets: [], healthy: false, timeMs: t });
  const got = ext.query('ipv4', 1, t - 1000);
  assert.deepEqual(got['primary']!.map((p) => [p.share, p.state, p.rttMs !== null]), [[1, 'up', true]]);
  assert.deepEqual(got['secondary']!.map((p) => [p.share, p.state, p.lossPct]), [[0, 'down', 100]]);
  assert.ok(Math.abs(got['primary']![0]!.rxMbps! - 10.126) < 1e-3);
  await ext.stop();
});

test('a state change and the switch it causes are events with the reason and the figures of the failed rounds', async () => {
  const { clock, bus, ext } = rig(null);
  await ext.start();
  const heard: LiveMessage[] = [];
  ext.subscribe((m) => heard.push(m));
  const t = clock.wallMs();
  for (let i = 0; i < 3; i++) {
    bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null,
      targets: [timeout('198.51.100.1'), timeout('203.0.113.1')], healthy: false, timeMs: t + i * 3000 });
  }
  bus.publish({ kind: 'link-state', link: 'primary', interface: 'eth0', family: 'ipv4', from: 'up', to: 'down',
    reason: '3 consecutive failed checks', timeMs: t + 6000 });
  bus.publish({ kind: 'switched', family: 'ipv4', from: { link: 'primary', interface: 'eth0', addresses: [] },
    to: { link: 'secondary', interface: 'eth1', gateway: '203.0.113.1', addresses: [] }, reason: 'failover', detail: 'primary is down',
    message: 'Switched primary -> secondary', timeMs: t + 6000, applyMs: 1 } satisfies DaemonEvent);
  const events = ext.eventsSince(0);
  assert.deepEqual(events.map((e) => e.kind), ['state', 'switch']);
  assert.equal(events[0]!.message,
    'primary ipv4 down: 3 consecutive failed checks; 3 failed rounds; loss 100 % over 6.0 s; targets 198.51.100.1 timeout, 203.0.113.1 timeout');
  assert.match(events[1]!.message, /^ipv4 primary -> secondary \(failover\): primary is down; primary: 3 failed rounds; loss 100 %/);
  assert.equal((events[1]!.figures as { to: string }).to, 'secondary');
  assert.deepEqual(heard.filter((m) => m.type === 'event').length, 2);
  await ext.stop();
});

test('the history is saved every period and at stop, and a restart reads it back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-history-ext-'));
  try {
    const a = rig(dir, 60_000);
    await a.ext.start();
    const t = a.clock.wallMs();
    a.bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: t });
    a.bus.publish({ kind: 'auto', enabled: false, timeMs: t });
    assert.deepEqual(await readdir(dir), []);
    a.clock.advance(60_000);
    // The save is real file I/O: wait for the rename, bounded.
    for (let i = 0; i < 200 && (await readdir(dir)).join() !== HISTORY_FILE; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await readdir(dir), [HISTORY_FILE], 'saved after one period');
    await a.ext.stop();

    const b = rig(dir);
    await b.ext.start();
    assert.equal(b.ext.query('ipv4', 1, 0)['primary']!.length, 1);
    assert.deepEqual(b.ext.eventsSince(0).map((e) => e.message), ['automatic failover disabled']);
    await b.ext.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a carrier loss between passing rounds is not explained by those rounds', async () => {
  const { clock, bus, ext } = rig(null);
  await ext.start();
  const t = clock.wallMs();
  bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null,
    targets: [{ target: '198.51.100.1', ok: true, rttMs: 0.25, error: null }], healthy: true, timeMs: t });
  bus.publish({ kind: 'link-state', link: 'primary', interface: 'eth0', family: 'ipv4', from: 'up', to: 'down', reason: 'carrier lost', timeMs: t + 10 });
  bus.publish({ kind: 'link-state', link: 'primary', interface: 'eth0', family: 'ipv4', from: 'down', to: 'up', reason: 'probes pass', timeMs: t + 20 });
  assert.deepEqual(ext.eventsSince(0).map((e) => e.message), [
    'primary ipv4 down: carrier lost',
    'primary ipv4 up: probes pass; 1 passing round; loss 0 % over 0.0 s; rtt 0.25 ms; targets 198.51.100.1 0.25 ms',
  ]);
  await ext.stop();
});

test('a recovery switch quotes the passing rounds of the link it returns to; a manual one quotes none', async () => {
  const { clock, bus, ext } = rig(null);
  await ext.start();
  const t = clock.wallMs();
  for (let i = 0; i < 2; i++) {
    bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null,
      targets: [{ target: '203.0.113.1', ok: true, rttMs: 12, error: null }], healthy: true, timeMs: t + i * 1000 });
  }
  const end = (link: string) => ({ link, interface: link, addresses: [] });
  bus.publish({ kind: 'switched', family: 'ipv4', from: end('secondary'), to: end('primary'), reason: 'recovery', detail: 'primary is back',
    message: 'm', timeMs: t + 2000, applyMs: 1 });
  bus.publish({ kind: 'switched', family: 'ipv4', from: end('primary'), to: end('secondary'), reason: 'manual', detail: 'manual switch',
    message: 'm', timeMs: t + 3000, applyMs: 1 });
  assert.deepEqual(ext.eventsSince(0).map((e) => e.message), [
    'ipv4 secondary -> primary (recovery): primary is back; primary: 2 passing rounds; loss 0 % over 1.0 s; rtt 12.0 ms; targets 203.0.113.1 12.0 ms',
    'ipv4 primary -> secondary (manual): manual switch',
  ]);
  await ext.stop();
});

test('with balancing, the share recorded is the status\'s bucket share of each link, per family (issue 21)', () => {
  const engine = new FakeEngine();
  const s = engine.status();
  const [a, b] = s.links;
  const balanced = { ...s, links: [{ ...a!, share: 0.625 }, { ...b!, share: 0.375 }] };
  assert.deepEqual(balanced.links.map((l) => shareOf(balanced, l, 'ipv4')), [0.625, 0.375]);
  // An engine that gives no share (no IPv6 group): 1 for the active link, 0 for the other.
  assert.deepEqual(s.links.map((l) => shareOf(s, l, 'ipv4')), s.links.map((l) => (l.name === s.active ? 1 : 0)));
});

test('continuous probing: several rounds in one second build the status once per link and family (the ring holds one point a second)', async () => {
  const clock = new FakeClock();
  const bus = new SyncEventBus(quiet);
  const engine = new FakeEngine();
  let builds = 0;
  const counted = { status: () => { builds++; return engine.status(); } };
  const ext = new HistoryExtension({ bus, engine: counted, clock, log: quiet, stateDir: null, links: () => ['primary', 'secondary'] });
  await ext.start();
  const t = Math.floor(clock.wallMs() / 1000) * 1000;
  for (const dt of [0, 200, 400, 600, 800]) {
    bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: t + dt });
  }
  assert.equal(builds, 1, 'five rounds in one second: one status build');
  bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: t + 1000 });
  bus.publish({ kind: 'probe-round', link: 'secondary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: t + 1000 });
  assert.equal(builds, 3, 'the next second, and another link');
  await clock.advanceAsync(1500);
  assert.equal(ext.query('ipv4', 1, t - 1000)['primary']!.length, 2, 'one point a second');
  await ext.stop();
});
