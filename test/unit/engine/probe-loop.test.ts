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
