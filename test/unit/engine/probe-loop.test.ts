// The probe loop's progress, which feeds the systemd watchdog: it moves while rounds end, also when
// no link can be probed (interfaces gone, sockets refused), and stops only when a round hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeLoop } from '../../../src/engine/probe-loop.js';
import type { ProberPort } from '../../../src/engine/ports.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { testConfig } from './fakes.js';

function loop(clock: FakeClock, newProber: () => ProberPort): ProbeLoop {
  return new ProbeLoop(testConfig().links, ['ipv4'], {
    clock, newProber, intervalMs: () => 1000, gateway: () => null, onRound: () => undefined, onOpenError: () => undefined,
  });
}

test('with no link to probe (every prober refused), the loop still shows progress', async () => {
  const clock = new FakeClock();
  const l = loop(clock, () => { throw new Error('EPERM'); });
  l.openPresent(() => true);
  await l.start();
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await flushMicrotasks();
  }
  assert.equal(l.lastProgressMs, clock.nowMs(), 'progress follows the loop, not the links');
  l.stop();
});

test('a round that never ends stops the progress (the watchdog then lets systemd restart the daemon)', async () => {
  const clock = new FakeClock();
  const hung: ProberPort = {
    runCycle: () => new Promise(() => undefined),
    stats: () => ({ rttMs: null, lossPct: null, gateway: null, targets: [] }),
    setTargets: () => undefined, setOptions: () => undefined, close: () => undefined,
  };
  const l = loop(clock, () => hung);
  l.openPresent(() => true);
  const startMs = clock.nowMs();
  void l.start();
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await flushMicrotasks();
  }
  assert.equal(l.lastProgressMs, startMs, 'no round ended: no progress');
  l.stop();
});

test('rounds start every max(check_interval, round time), not interval + round time', async () => {
  // check_interval 1 s and rounds that take 1 s (ping_timeout 1 s against silent targets): the
  // documented effective period is max(I, T) = 1 s. A loop that waited I after each round ended
  // would start a round every 2 s.
  const clock = new FakeClock();
  const starts: number[] = [];
  const slow: ProberPort = {
    runCycle: () => {
      starts.push(clock.nowMs());
      return new Promise((resolve) => clock.setTimer(1000, () => resolve({ gateway: null, targets: [], targetsUp: 0, healthy: false, gatewayReachable: false })));
    },
    stats: () => ({ rttMs: null, lossPct: null, gateway: null, targets: [] }),
    setTargets: () => undefined, setOptions: () => undefined, close: () => undefined,
  };
  const l = new ProbeLoop([testConfig().links[0]!], ['ipv4'], {
    clock, newProber: () => slow, intervalMs: () => 1000, gateway: () => null, onRound: () => undefined, onOpenError: () => undefined,
  });
  l.openPresent(() => true);
  const t0 = clock.nowMs();
  void l.start();
  for (let i = 0; i < 50; i++) {
    clock.advance(100);
    await flushMicrotasks();
  }
  l.stop();
  assert.deepEqual(starts.slice(0, 5).map((t) => t - t0), [0, 1000, 2000, 3000, 4000]);
});
