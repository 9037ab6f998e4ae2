// The continuous prober behind the engine's ProberPort: rounds are pulled in order, each with the
// link's quality verdict; stats carry jitter and per-target states; close releases a waiting pull.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContinuousLinkProber } from '../../../src/probe/continuous-link-prober.js';
import type { CycleResult } from '../../../src/probe/types.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeProbeSocket } from './fake-probe-socket.js';

const T1 = '203.0.113.10';
const T2 = '198.51.100.20';
const QUALITY = { windowMs: 2000, lossDownPct: 40, lossUpPct: 10, latencyDownMs: 0, latencyUpMs: 0, jitterDownMs: 0, jitterUpMs: 0, degradedLossPct: 10 };

function setup(): { clock: FakeClock; socket: FakeProbeSocket; prober: ContinuousLinkProber } {
  const clock = new FakeClock();
  const socket = new FakeProbeSocket();
  const prober = new ContinuousLinkProber({ socket, clock, identifier: 7, targets: [T1, T2], intervalMs: 200, timeoutMs: 400, minTargetsUp: 1, quality: QUALITY });
  return { clock, socket, prober };
}

/** Answers every echo sent so far that is not answered yet, `rtt` ms after it left (T2 never, if asked). */
function answer(socket: FakeProbeSocket, clock: FakeClock, done: Set<number>, skip: string | null = null): void {
  socket.sent.forEach((s, i) => {
    if (done.has(i) || s.dst === skip) return;
    done.add(i);
    socket.reply(i, clock.nowMs());
  });
}

describe('ContinuousLinkProber', () => {
  it('is paced, hands over rounds in order with a quality verdict, and judges the window', async () => {
    const { clock, socket, prober } = setup();
    assert.equal(prober.paced, true);
    const got: CycleResult[] = [];
    const done = new Set<number>();
    let open = true;
    const pull = (): void => { void prober.runCycle(null).then((r) => { if (!open) return; got.push(r); pull(); }); };
    pull();
    for (let i = 0; i < 20; i++) {
      clock.advance(5);
      answer(socket, clock, done);
      await flushMicrotasks();
      clock.advance(195);
    }
    await flushMicrotasks();
    assert.ok(got.length >= 19);
    assert.ok(got.every((r) => r.healthy));
    assert.deepEqual(got.at(-1)!.quality, { state: 'up', reason: null });
    // T2 stops answering: half the probes lost, the link's window loss climbs past loss_down_pct.
    for (let i = 0; i < 20; i++) {
      clock.advance(5);
      answer(socket, clock, done, T2);
      await flushMicrotasks();
      clock.advance(195);
    }
    await flushMicrotasks();
    const last = got.at(-1)!;
    assert.equal(last.healthy, true, 'min_targets_up 1: T1 answers');
    assert.equal(last.quality?.state, 'down');
    assert.match(String(last.quality?.reason), /loss .* >= loss_down_pct 40/);
    const st = prober.stats();
    assert.equal(st.quality?.state, 'down');
    assert.equal(st.targets.find((t) => t.target === T2)?.lossPct, 100);
    assert.equal(st.targets.find((t) => t.target === T1)?.jitterMs, 0);
    assert.equal(st.targets.find((t) => t.target === T1)?.state, 'up');
    open = false;
    prober.close();
  });

  it('close resolves a waiting pull and leaves no timer', async () => {
    const { clock, prober } = setup();
    const p = prober.runCycle(null);
    prober.close();
    const r = await p;
    assert.equal(r.healthy, false);
    assert.equal(clock.pendingTimers, 0);
  });
});
