// MeteredUsage on the bus (issue 24): saved at most once a minute and at stop, restored at start,
// unmetered links ignored, a failing save logged once per streak and retried.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { LinkConfig } from '../../../src/config/types.js';
import { MeteredUsage } from '../../../src/metered/metered-usage.js';
import { memoryUsageStore } from '../../../src/metered/usage-file.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { MemoryLog } from '../engine/fakes.js';

const LINKS: LinkConfig[] = [
  { name: 'fiber', interface: 'eth0', displayName: 'Fiber', gateway: null, table: 1000 },
  { name: 'lte', interface: 'wwan0', displayName: 'LTE', gateway: null, table: 1001,
    metered: { standbyProbeIntervalMs: 60_000, dataCapBytes: null, capResetDay: 1 } },
];

function setup(store = memoryUsageStore()) {
  const clock = new FakeClock();
  const bus = new SyncEventBus({ warn: () => undefined });
  const log = new MemoryLog();
  const usage = new MeteredUsage({ bus, clock, log, store, links: LINKS });
  const stats = (link: string, rx: number): void => bus.publish({ kind: 'link-stats', link, interface: 'x', rxBytes: rx, txBytes: 0,
    ifindex: 5, timeMs: clock.wallMs() });
  return { clock, bus, log, usage, store, stats };
}

describe('MeteredUsage', () => {
  it('saves at most once a minute, and at stop; restores at start', async () => {
    const { clock, usage, store, stats } = setup();
    await usage.start();
    for (let i = 0; i <= 120; i++) {
      stats('lte', i * 1000);
      stats('fiber', i * 1000);
      clock.advance(1000);
      await flushMicrotasks();
    }
    assert.equal(store.saves, 2, 'two minutes of readings every second: two saves');
    stats('lte', 121_000);
    await usage.stop();
    assert.equal(store.saves, 3, 'and one at stop');
    assert.deepEqual(Object.keys(store.saved ?? {}), ['lte'], 'only metered links are counted');
    const again = setup(store);
    await again.usage.start();
    assert.equal(again.usage.view('lte')?.usageBytes, 121_000);
    assert.equal(again.usage.view('fiber'), null);
  });

  it('a failing save is logged once, retried a minute later', async () => {
    const store = memoryUsageStore();
    let fail = true;
    const save = store.save;
    store.save = (u) => (fail ? Promise.reject(new Error('EROFS')) : save(u));
    const { clock, log, usage, stats } = setup(store);
    await usage.start();
    for (let i = 0; i < 200; i++) {
      stats('lte', i);
      clock.advance(1000);
      await flushMicrotasks();
    }
    assert.equal(log.lines.filter((l) => l.msg.startsWith('cannot save metered usage')).length, 1);
    fail = false;
    clock.advance(60_000);
    stats('lte', 1000);
    await flushMicrotasks();
    assert.equal(store.saves, 1);
    assert.equal(log.lines.filter((l) => l.msg === 'metered usage saved again').length, 1);
    await usage.stop();
  });
});

describe('MeteredUsage and a changed cap', () => {
  it('a cap raised across a restart announces the levels again as they are reached under it', async () => {
    const store = memoryUsageStore();
    store.saved = { lte: { periodStartMs: Date.UTC(2024, 0, 1), bytes: 1000, notifiedPct: 100, last: { epoch: 'boot/5', rxBytes: 1000, txBytes: 0 } } };
    const clock = new FakeClock();
    const bus = new SyncEventBus({ warn: () => undefined });
    const links: LinkConfig[] = [LINKS[0]!, { ...LINKS[1]!, metered: { standbyProbeIntervalMs: 60_000, dataCapBytes: 2000, capResetDay: 1 } }];
    const usage = new MeteredUsage({ bus, clock, log: new MemoryLog(), store, links });
    const caps: number[] = [];
    bus.onKind('data-cap', (e) => caps.push(e.pct));
    await usage.start();
    bus.publish({ kind: 'link-stats', link: 'lte', interface: 'wwan0', rxBytes: 1600, txBytes: 0, ifindex: 5, timeMs: clock.wallMs() });
    assert.deepEqual(caps, [75], '1600 of 2000: 75 % announced under the new cap');
    await usage.stop();
  });
});
