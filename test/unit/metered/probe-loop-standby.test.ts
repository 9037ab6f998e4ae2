// The probe loop's metered standby (issue 24): single probes at the standby rate, rotating; woken,
// a full round starts at once, even while a standby echo is still out; one timer per slot after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeLoop } from '../../../src/engine/probe-loop.js';
import type { ProberPort } from '../../../src/engine/ports.js';
import type { CycleResult } from '../../../src/probe/types.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { testConfig } from '../engine/fakes.js';

const ok: CycleResult = { gateway: null, targets: [], targetsUp: 1, healthy: true, gatewayReachable: false };

class Controlled implements ProberPort {
  cycles = 0;
  singles: number[] = [];
  pendingSingle: (() => void) | null = null;
  holdSingles = false;
  runCycle(): Promise<CycleResult> { this.cycles += 1; return Promise.resolve(ok); }
  runSingle(index: number): Promise<CycleResult> {
    this.singles.push(index);
    if (!this.holdSingles) return Promise.resolve(ok);
    return new Promise((resolve) => { this.pendingSingle = () => resolve(ok); });
  }
  stats() { return { rttMs: null, lossPct: null, gateway: null, targets: [] }; }
  setTargets(): void {}
  setOptions(): void {}
  close(): void {}
}

async function setup() {
  const clock = new FakeClock();
  const probers = new Map<string, Controlled>();
  const rounds: Array<{ link: string; standby: boolean }> = [];
  const l = new ProbeLoop(testConfig().links, ['ipv4'], {
    clock, intervalMs: () => 1000, gateway: () => null, onOpenError: () => undefined,
    newProber: (link) => { const p = new Controlled(); probers.set(link.name, p); return p; },
    onRound: (link, _f, _r, standby) => rounds.push({ link, standby }),
  });
  l.openPresent(() => true);
  await l.start();
  return { clock, l, p: probers.get('secondary')!, rounds };
}

test('standby: one single probe per standby interval, rotating over the targets', async () => {
  const { clock, l, p } = await setup();
  l.setStandby('secondary', 10_000);
  const cycles0 = p.cycles;
  await clock.advanceAsync(35_000);
  assert.equal(p.cycles, cycles0, 'no full round in standby');
  assert.deepEqual(p.singles, [0, 1, 2]);
  l.stop();
});

test('woken: a full round at once, also while a standby echo is still out; then the normal rate', async () => {
  const { clock, l, p, rounds } = await setup();
  l.setStandby('secondary', 10_000);
  p.holdSingles = true;
  await clock.advanceAsync(10_000);
  assert.ok(p.pendingSingle, 'a standby echo is out');
  const cycles0 = p.cycles;
  l.setStandby('secondary', null);
  await flushMicrotasks();
  assert.equal(p.cycles, cycles0 + 1, 'the full round did not wait for the standby echo');
  assert.equal(rounds.at(-1)?.standby, false);
  p.pendingSingle!();
  await flushMicrotasks();
  await clock.advanceAsync(5000);
  assert.equal(p.cycles, cycles0 + 1 + 5, 'then one full round a second, one timer (not two chains)');
  l.stop();
  assert.equal(clock.pendingTimers, 0);
});
