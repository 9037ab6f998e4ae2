// LinkProber.runSingle, a metered link's standby probe (issue 24): one echo, one target per probe,
// rotating over the targets, no gateway; healthy when that one target answered (even with
// min_targets_up 2), and the gateway keeps its figures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkProber } from '../../../src/probe/link-prober.js';
import { FakeClock } from '../fake-clock.js';
import { FakeProbeSocket } from './fake-probe-socket.js';

const GW = '198.51.100.1';
const A = '203.0.113.1';
const B = '203.0.113.2';
const C = '203.0.113.3';

describe('LinkProber standby probe', () => {
  it('one echo to one target per probe, rotating, never the gateway', async () => {
    const clock = new FakeClock();
    const socket = new FakeProbeSocket();
    const prober = new LinkProber({ socket, clock, identifier: 0x2222, targets: [A, B, C], timeoutMs: 1000, count: 3, minTargetsUp: 2, window: 10 });
    const full = prober.runCycle(GW);
    await clock.advanceAsync(1000); // unanswered: the gateway still gets its first sample
    await full;
    const before = socket.sent.length;
    const dsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = prober.runSingle(i);
      const n = socket.sent.length;
      socket.reply(n - 1, clock.nowMs());
      const r = await p;
      assert.equal(r.healthy, true, 'one answer is a healthy standby probe');
      assert.equal(r.targets.length, 1);
      dsts.push(socket.sent[n - 1]!.dst);
    }
    assert.equal(socket.sent.length - before, 4, 'one echo per probe, even with ping_count 3');
    assert.deepEqual(dsts, [A, B, C, A]);
    assert.equal(prober.stats().gateway?.target, GW, 'the gateway keeps its history');
    prober.close();
  });

  it('an unanswered standby probe fails', async () => {
    const clock = new FakeClock();
    const socket = new FakeProbeSocket();
    const prober = new LinkProber({ socket, clock, identifier: 0x2223, targets: [A], timeoutMs: 500, count: 1, minTargetsUp: 1, window: 10 });
    const p = prober.runSingle(0);
    clock.advance(600);
    assert.equal((await p).healthy, false);
    prober.close();
  });
});
