// LinkProber with a scripted socket and a fake clock: concurrency, the minTargetsUp rule,
// multi-echo bursts, gateway diagnostics, stats, reloads and clean shutdown.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkProber, type LinkProberOptions } from '../../../src/probe/link-prober.js';
import { combineEchoes, echoSpacingMs } from '../../../src/probe/cycle.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeProbeSocket } from './fake-probe-socket.js';

const GW = '198.51.100.1';
const A = '203.0.113.1';
const B = '203.0.113.2';
const C = '203.0.113.3';

function setup(over: Partial<LinkProberOptions> = {}): { clock: FakeClock; socket: FakeProbeSocket; prober: LinkProber } {
  const clock = new FakeClock();
  const socket = new FakeProbeSocket();
  const prober = new LinkProber({
    socket,
    clock,
    identifier: 0x1111,
    targets: [A, B, C],
    timeoutMs: 1000,
    count: 1,
    minTargetsUp: 2,
    window: 10,
    ...over,
  });
  return { clock, socket, prober };
}

/** Answers every echo sent so far to one of `dsts`, at the current fake time. */
function answer(clock: FakeClock, socket: FakeProbeSocket, dsts: string[], from = 0): void {
  socket.sent.forEach((s, i) => {
    if (i >= from && dsts.includes(s.dst)) socket.reply(i, clock.nowMs());
  });
}

describe('LinkProber', () => {
  it('sends to the gateway and every target before any reply arrives', async () => {
    const { clock, socket, prober } = setup();
    const cycle = prober.runCycle(GW);
    // Nothing has been answered and no time has passed: all four echoes are already out.
    assert.deepEqual(socket.sent.map((s) => s.dst).sort(), [GW, A, B, C].sort());
    clock.advance(20);
    answer(clock, socket, [GW, A, B, C]);
    const r = await cycle;
    assert.equal(r.targetsUp, 3);
    assert.equal(r.healthy, true);
    assert.equal(r.gatewayReachable, true);
    assert.equal(r.gateway?.rttMs, 20);
    assert.equal(clock.pendingTimers, 0);
  });

  it('is healthy only with at least minTargetsUp targets answering', async () => {
    const { clock, socket, prober } = setup();
    const one = prober.runCycle(GW);
    answer(clock, socket, [A]);
    clock.advance(1000);
    const r1 = await one;
    assert.deepEqual([r1.targetsUp, r1.healthy, r1.gatewayReachable], [1, false, false]);
    assert.deepEqual(
      r1.targets.map((t) => t.error),
      [null, 'timeout', 'timeout'],
    );

    const from = socket.sent.length;
    const two = prober.runCycle(GW);
    answer(clock, socket, [A, C], from);
    clock.advance(1000);
    const r2 = await two;
    assert.deepEqual([r2.targetsUp, r2.healthy], [2, true]);
  });

  it('reports no gateway when it is unknown, and still judges the targets', async () => {
    const { clock, socket, prober } = setup({ minTargetsUp: 1 });
    const cycle = prober.runCycle(null);
    assert.equal(socket.sentTo(GW).length, 0);
    answer(clock, socket, [B]);
    clock.advance(1000);
    const r = await cycle;
    assert.equal(r.gateway, null);
    assert.equal(r.gatewayReachable, false);
    assert.equal(r.healthy, true);
    assert.equal(prober.stats().gateway, null);
  });

  it('sends count echoes per target, spaced within the timeout; any reply makes it up', async () => {
    const { clock, socket, prober } = setup({ count: 3, targets: [A, B], minTargetsUp: 1 });
    const cycle = prober.runCycle(null);
    assert.equal(socket.sent.length, 2);
    const spacing = echoSpacingMs(1000, 3);
    assert.ok(spacing > 0 && 2 * spacing <= 500);
    await clock.advanceAsync(spacing);
    assert.equal(socket.sent.length, 4);
    await clock.advanceAsync(spacing);
    assert.equal(socket.sent.length, 6);
    // Only B's last echo is answered; A never answers.
    const lastB = socket.sent.map((s) => s.dst).lastIndexOf(B);
    clock.advance(7);
    socket.reply(lastB, clock.nowMs());
    await clock.advanceAsync(1000);
    const r = await cycle;
    assert.deepEqual(
      r.targets.map((t) => [t.target, t.ok, t.rttMs]),
      [
        [A, false, null],
        [B, true, 7],
      ],
    );
    // Every echo of the burst ended by the first echo's timeout.
    assert.equal(clock.pendingTimers, 0);
    const s = prober.stats();
    assert.deepEqual(
      s.targets.map((t) => t.lossPct),
      [100, (100 * 2) / 3],
    );
    assert.equal(s.lossPct, (100 * 5) / 6);
  });

  it('keeps window figures per target and in aggregate', async () => {
    const { clock, socket, prober } = setup({ targets: [A, B], minTargetsUp: 1 });
    for (const rtt of [10, 30]) {
      const from = socket.sent.length;
      const cycle = prober.runCycle(GW);
      clock.advance(rtt);
      answer(clock, socket, [GW, A], from);
      clock.advance(1000);
      await cycle;
    }
    const s = prober.stats();
    assert.deepEqual(s.targets, [
      { target: A, up: true, rttMs: 20, lossPct: 0, method: 'icmp', lastError: null },
      { target: B, up: false, rttMs: null, lossPct: 100, method: 'icmp', lastError: 'timeout' },
    ]);
    assert.deepEqual(s.gateway, { target: GW, up: true, rttMs: 20, lossPct: 0 });
    assert.equal(s.rttMs, 20);
    assert.equal(s.lossPct, 50);
  });

  it('shares a cycle that is still running instead of probing twice', async () => {
    const { clock, socket, prober } = setup();
    const a = prober.runCycle(GW);
    const b = prober.runCycle(GW);
    assert.equal(a, b);
    assert.equal(socket.sent.length, 4);
    clock.advance(1000);
    await a;
  });

  it('setTargets keeps history of kept targets; setOptions applies to the next cycle', async () => {
    const { clock, socket, prober } = setup({ targets: [A, B], minTargetsUp: 1 });
    const c1 = prober.runCycle(null);
    answer(clock, socket, [A, B]);
    clock.advance(1000);
    await c1;
    prober.setTargets([B, C]);
    prober.setOptions({ minTargetsUp: 2, count: 2, timeoutMs: 400 });
    assert.deepEqual(
      prober.stats().targets.map((t) => [t.target, t.up]),
      [
        [B, true],
        [C, null],
      ],
    );
    const from = socket.sent.length;
    const c2 = prober.runCycle(null);
    assert.deepEqual(
      socket.sent.slice(from).map((s) => s.dst),
      [B, C],
    );
    answer(clock, socket, [B], from);
    await clock.advanceAsync(400);
    const r = await c2;
    assert.equal(socket.sent.length - from, 4);
    assert.deepEqual([r.targetsUp, r.healthy], [1, false]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('close() ends a running cycle at once, leaks no timer and closes the socket', async () => {
    const { clock, socket, prober } = setup({ count: 3 });
    const cycle = prober.runCycle(GW);
    prober.close();
    prober.close();
    const r = await cycle;
    assert.equal(r.healthy, false);
    assert.ok(r.targets.every((t) => t.error === 'ECANCELED'));
    assert.equal(socket.closed, true);
    assert.equal(clock.pendingTimers, 0);
    await flushMicrotasks();
  });
});

describe('cycle verdict helpers', () => {
  it('prefers a concrete errno over timeout when every echo failed', () => {
    const r = combineEchoes(A, [
      { target: A, ok: false, rttMs: null, error: 'timeout' },
      { target: A, ok: false, rttMs: null, error: 'EHOSTUNREACH' },
    ]);
    assert.equal(r.error, 'EHOSTUNREACH');
    assert.equal(echoSpacingMs(1000, 1), 0);
    assert.equal(echoSpacingMs(100, 3), 25);
  });
});
