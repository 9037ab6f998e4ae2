// Targets of other methods judged like echoes (issue 23): the same round rule and min_targets_up,
// in cycle and continuous mode, with each target's method and last failure reason in the stats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProbeTarget, type ProbeTarget } from '../../../src/config/probe-target.js';
import { ContinuousLinkProber } from '../../../src/probe/continuous-link-prober.js';
import { LinkProber } from '../../../src/probe/link-prober.js';
import { MethodProber } from '../../../src/probe/method-prober.js';
import type { CycleResult } from '../../../src/probe/types.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeLinkTransport } from './fake-link-transport.js';
import { FakeProbeSocket } from './fake-probe-socket.js';

const ICMP = '203.0.113.1';
const TCP = 'tcp://198.51.100.7:443';
const QUALITY = { windowMs: 2000, lossDownPct: 40, lossUpPct: 10, latencyDownMs: 0, latencyUpMs: 0, jitterDownMs: 0, jitterUpMs: 0, degradedLossPct: 10 };

function methods(clock: FakeClock): { transport: FakeLinkTransport; methods: MethodProber } {
  const p = parseProbeTarget(TCP);
  const t = (p as { ok: true; target: ProbeTarget }).target;
  const transport = new FakeLinkTransport();
  return { transport, methods: new MethodProber({ transport, iface: 'wan0', family: 'ipv4', clock, spec: (k) => (k === TCP ? t : null) }) };
}

describe('cycle mode with a TCP target', () => {
  it('probes the TCP target over the transport, the address by echo; min_targets_up counts both', async () => {
    const clock = new FakeClock();
    const socket = new FakeProbeSocket();
    const { transport, methods: m } = methods(clock);
    const prober = new LinkProber({ socket, clock, identifier: 1, targets: [ICMP, TCP], timeoutMs: 500, count: 1, minTargetsUp: 2, window: 5, methods: m });
    const cycle = prober.runCycle(null);
    assert.deepEqual(socket.sent.map((s) => s.dst), [ICMP]);
    assert.equal(transport.connects.length, 1);
    socket.reply(0, clock.nowMs() + 5);
    clock.advance(500);
    const r = await cycle;
    assert.deepEqual(r.targets.map((t) => [t.target, t.ok, t.error]), [[ICMP, true, null], [TCP, false, 'timeout']]);
    assert.equal(r.healthy, false);
    const stats = prober.stats().targets.map((t) => [t.target, t.method, t.lastError]);
    assert.deepEqual(stats, [[ICMP, 'icmp', null], [TCP, 'tcp', 'timeout']]);
    prober.close();
  });
});

describe('continuous mode with a TCP target', () => {
  it('one connect per round beside the echoes; a lost connect fails the round; last_error names it', async () => {
    const clock = new FakeClock();
    const socket = new FakeProbeSocket();
    const { transport, methods: m } = methods(clock);
    const prober = new ContinuousLinkProber({ socket, clock, identifier: 1, targets: [ICMP, TCP], intervalMs: 200, timeoutMs: 400, minTargetsUp: 2, quality: QUALITY, methods: m });
    const rounds: CycleResult[] = [];
    let open = true;
    const pull = (): void => { void prober.runCycle(null).then((r) => { if (open) { rounds.push(r); pull(); } }); };
    pull();
    // Round 1: both answer. Round 2: the connect is never answered.
    socket.reply(0, clock.nowMs() + 3);
    transport.connects[0]!.complete(null, 4);
    await flushMicrotasks();
    await clock.advanceAsync(200);
    assert.equal(transport.connects.length, 2, 'paced: one connect per round');
    socket.reply(1, clock.nowMs() + 3);
    await clock.advanceAsync(400);
    open = false;
    assert.deepEqual(rounds.slice(0, 2).map((r) => [r.healthy, r.targetsUp]), [[true, 2], [false, 1]]);
    assert.equal(transport.connects[1]!.aborted, true, 'aborted at ping_timeout');
    const t = prober.stats().targets.find((x) => x.target === TCP)!;
    assert.deepEqual([t.method, t.lastError], ['tcp', 'timeout']);
    prober.close();
    assert.equal(m.pendingCount, 0);
  });
});
