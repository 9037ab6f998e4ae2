// ContinuousProber against a scripted socket and a fake clock: the send schedule, the ring of
// outstanding echoes, late replies, ICMP errors, round verdicts in order, ignored targets, leaks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContinuousProber, type ProbeRecord, type RoundResult } from '../../../src/probe/continuous-prober.js';
import { ICMPV6_PROFILE } from '../../../src/probe/icmp-profile.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeProbeSocket, icmpErrorFor } from './fake-probe-socket.js';

const ID = 0x4242;
const T1 = '203.0.113.10';
const T2 = '198.51.100.20';
const GW = '198.51.100.1';

function setup(over: { targets?: string[]; minTargetsUp?: number; ignored?: Set<string> } = {}): {
  clock: FakeClock; socket: FakeProbeSocket; prober: ContinuousProber; samples: ProbeRecord[]; rounds: RoundResult[];
} {
  const clock = new FakeClock();
  const socket = new FakeProbeSocket();
  const samples: ProbeRecord[] = [];
  const rounds: RoundResult[] = [];
  const prober = new ContinuousProber({
    socket, clock, identifier: ID, targets: over.targets ?? [T1, T2], intervalMs: 200, timeoutMs: 400,
    minTargetsUp: over.minTargetsUp ?? 1, onSample: (s) => samples.push(s), onRound: (r) => rounds.push(r),
    ...(over.ignored ? { ignored: () => over.ignored! } : {}),
  });
  return { clock, socket, prober, samples, rounds };
}

describe('ContinuousProber', () => {
  it('sends one echo per target every interval, without waiting for replies', () => {
    const { clock, socket, prober } = setup();
    prober.start();
    assert.deepEqual(socket.sent.map((s) => s.dst), [T1, T2]);
    clock.advance(200);
    clock.advance(200);
    assert.equal(socket.sent.length, 6);
    // Nothing answered and nothing timed out yet at 400 ms for the last two rounds: a ring of them.
    assert.equal(prober.outstandingCount, 4);
    assert.deepEqual(socket.sentTo(T1).map((s) => s.seq), [0, 2, 4]);
    assert.ok(socket.sent.every((s) => s.id === ID));
    prober.close();
  });

  it('times replies on the clock and judges a round once all its echoes are resolved', () => {
    const { clock, socket, prober, samples, rounds } = setup();
    prober.start();
    clock.advance(12);
    socket.reply(0, clock.nowMs());
    assert.equal(rounds.length, 0, 'T2 still outstanding');
    clock.advance(3);
    socket.reply(1, clock.nowMs());
    assert.deepEqual(samples.map((s) => [s.target, s.ok, s.rttMs, s.round]), [[T1, true, 12, 1], [T2, true, 15, 1]]);
    assert.equal(rounds.length, 1);
    assert.equal(rounds[0]!.healthy, true);
    assert.equal(rounds[0]!.targetsUp, 2);
    prober.close();
  });

  it('counts an echo unanswered after the timeout as lost, and a round of them as failed', () => {
    const { clock, socket, prober, samples, rounds } = setup();
    prober.start();
    clock.advance(399);
    assert.equal(rounds.length, 0);
    clock.advance(1);
    assert.deepEqual(samples.slice(0, 2).map((s) => [s.target, s.ok, s.error]), [[T1, false, 'timeout'], [T2, false, 'timeout']]);
    assert.equal(rounds[0]!.healthy, false);
    assert.equal(rounds[0]!.targetsUp, 0);
    // A reply after its echo timed out is not taken.
    socket.reply(0, clock.nowMs());
    assert.equal(samples.length, 2);
    prober.close();
    assert.equal(socket.closed, true);
  });

  it('counts a reply whose stamps are further apart than the timeout as lost, even before the timer fired', () => {
    const { clock, socket, prober, samples } = setup();
    prober.start();
    clock.advance(100);
    // The kernel stamp says 450 ms after the send (the loop was stalled): lost.
    socket.reply(0, clock.nowMs() + 350);
    assert.deepEqual([samples[0]!.ok, samples[0]!.error], [false, 'timeout']);
    prober.close();
  });

  it('reports rounds in order: a later round that finished first waits for the earlier one', () => {
    const { clock, socket, prober, rounds } = setup();
    prober.start();
    clock.advance(200);
    // Round 2 (echoes #2, #3) is answered at once; round 1's T2 (#1) never is.
    socket.reply(0, clock.nowMs());
    socket.reply(2, clock.nowMs());
    socket.reply(3, clock.nowMs());
    assert.equal(rounds.length, 0);
    clock.advance(200);
    assert.deepEqual(rounds.map((r) => [r.round, r.healthy, r.targetsUp]), [[1, true, 1], [2, true, 2]]);
    prober.close();
  });

  it('applies min_targets_up per round', () => {
    const { clock, socket, prober, rounds } = setup({ minTargetsUp: 2 });
    prober.start();
    socket.reply(0, clock.nowMs() + 5);
    clock.advance(400);
    assert.equal(rounds[0]!.healthy, false);
    assert.equal(rounds[0]!.targetsUp, 1);
    prober.close();
  });

  it('leaves ignored (dead) targets out of the verdict, never all of them', () => {
    const ignored = new Set([T2]);
    const { clock, socket, prober, rounds } = setup({ minTargetsUp: 2, ignored });
    prober.start();
    socket.reply(0, clock.nowMs() + 5);
    clock.advance(400);
    assert.equal(rounds[0]!.healthy, true, 'T2 is ignored, T1 answered: 1 of 1 counted');
    ignored.add(T1);
    clock.advance(400);
    assert.equal(rounds.at(-1)!.healthy, false, 'all ignored: all count again');
    prober.close();
  });

  it('fails an echo with the errno of an ICMP error quoting it, or of a failed send', async () => {
    const { clock, socket, prober, samples } = setup();
    socket.failSend.set(T2, 'ENETUNREACH');
    prober.start();
    await flushMicrotasks();
    const req = socket.sent[0]!;
    socket.deliver(icmpErrorFor(3, 1, req.icmp, '192.0.2.1', T1), GW, clock.nowMs());
    assert.deepEqual(samples.map((s) => [s.target, s.error]).sort(), [[T1, 'EHOSTUNREACH'], [T2, 'ENETUNREACH']].sort());
    prober.close();
  });

  it('probes the gateway beside the targets, for diagnostics only', () => {
    const { clock, socket, prober, rounds, samples } = setup();
    prober.setGateway(GW);
    prober.start();
    assert.deepEqual(socket.sent.map((s) => s.dst), [GW, T1, T2]);
    socket.reply(0, clock.nowMs() + 1);
    clock.advance(400);
    assert.equal(rounds[0]!.gatewayReachable, true);
    assert.equal(rounds[0]!.healthy, false, 'the gateway answering does not make the link healthy');
    assert.equal(samples.find((s) => s.target === GW)?.gateway, true);
    prober.close();
  });

  it('uses the socket send stamp when it has one', () => {
    const { clock, socket, prober, samples } = setup({ targets: [T1] });
    Object.assign(socket, { sendStamped: (b: Buffer, d: string): number => { void socket.send(b, d); return clock.nowMs() - 0.25; } });
    prober.start();
    clock.advance(2);
    socket.reply(0, clock.nowMs());
    assert.equal(samples[0]!.rttMs, 2.25);
    prober.close();
  });

  it('keeps a fixed rate and leaves no timer or echo behind on close', () => {
    const { clock, socket, prober } = setup();
    prober.start();
    for (let i = 0; i < 50; i++) clock.advance(200);
    assert.equal(socket.sent.length, 102);
    prober.setOptions({ intervalMs: 1000 });
    clock.advance(200);
    clock.advance(1000);
    assert.equal(socket.sent.length, 106);
    prober.close();
    prober.close();
    assert.equal(clock.pendingTimers, 0);
    assert.equal(prober.outstandingCount, 0);
  });

  it('over ICMPv6 matches a reply from the canonical spelling of a target written otherwise (RFC 5952)', () => {
    const clock = new FakeClock();
    const socket = new FakeProbeSocket();
    const samples: ProbeRecord[] = [];
    const prober = new ContinuousProber({
      socket, clock, identifier: ID, targets: ['2001:DB8:0:0::10'], intervalMs: 200, timeoutMs: 400, minTargetsUp: 1,
      profile: ICMPV6_PROFILE, onSample: (s) => samples.push(s),
    });
    prober.start();
    assert.equal(socket.sent[0]!.icmp[0], 128, 'an ICMPv6 echo request');
    clock.advance(3);
    socket.reply(0, clock.nowMs(), { src: '2001:db8::11' });
    assert.equal(samples.length, 0, 'another source does not answer the echo');
    socket.reply(0, clock.nowMs(), { src: '2001:db8::10' });
    assert.deepEqual(samples.map((s) => [s.target, s.ok, s.rttMs]), [['2001:DB8:0:0::10', true, 3]]);
    prober.close();
  });
});
