// Pinger against a scripted socket and a fake clock: matching, timeouts, send errors, leaks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pinger } from '../../../src/probe/pinger.js';
import { buildEchoRequest } from '../../../src/probe/icmp.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeProbeSocket, icmpErrorFor } from './fake-probe-socket.js';

const ID = 0x5a5a;
const T1 = '203.0.113.10';
const T2 = '198.51.100.20';

function setup(firstSeq = 0): { clock: FakeClock; socket: FakeProbeSocket; pinger: Pinger } {
  const clock = new FakeClock();
  const socket = new FakeProbeSocket();
  const pinger = new Pinger({ socket, clock, identifier: ID, firstSeq });
  return { clock, socket, pinger };
}

/** Records when a promise settled, without awaiting it. */
function track<T>(p: Promise<T>): { value: T | undefined; done: boolean } {
  const box: { value: T | undefined; done: boolean } = { value: undefined, done: false };
  void p.then((v) => {
    box.value = v;
    box.done = true;
  });
  return box;
}

describe('Pinger', () => {
  it('matches a reply and measures RTT on the monotonic clock', async () => {
    const { clock, socket, pinger } = setup();
    const p = pinger.ping(T1, 1000);
    assert.equal(socket.sent.length, 1);
    assert.equal(socket.sent[0]!.id, ID);
    clock.advance(25);
    socket.reply(0, clock.nowMs());
    assert.deepEqual(await p, { target: T1, ok: true, rttMs: 25, error: null });
    assert.equal(pinger.pendingCount, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('ignores replies with the wrong id, seq or source', async () => {
    const { clock, socket, pinger } = setup();
    const r = track(pinger.ping(T1, 1000));
    socket.reply(0, clock.nowMs(), { id: ID + 1 });
    socket.reply(0, clock.nowMs(), { seq: 99 });
    socket.reply(0, clock.nowMs(), { src: T2 });
    // Our own request seen on the wire is not a reply either.
    socket.deliver(socket.sent[0]!.icmp, T1, clock.nowMs());
    await flushMicrotasks();
    assert.equal(r.done, false);
    assert.equal(pinger.pendingCount, 1);
    clock.advance(10);
    socket.reply(0, clock.nowMs());
    await flushMicrotasks();
    assert.equal(r.value?.ok, true);
    assert.equal(r.value?.rttMs, 10);
  });

  it('times out via the clock and ignores the late reply', async () => {
    const { clock, socket, pinger } = setup();
    const r = track(pinger.ping(T1, 500));
    clock.advance(499);
    await flushMicrotasks();
    assert.equal(r.done, false);
    clock.advance(1);
    await flushMicrotasks();
    assert.deepEqual(r.value, { target: T1, ok: false, rttMs: null, error: 'timeout' });
    assert.equal(pinger.pendingCount, 0);
    socket.reply(0, clock.nowMs());
    await flushMicrotasks();
    assert.equal(r.value?.error, 'timeout');
    assert.equal(clock.pendingTimers, 0);
  });

  it('resolves a send error with its errno code and clears the timer', async () => {
    const { clock, socket, pinger } = setup();
    socket.failSend.set(T1, 'ENETUNREACH');
    assert.deepEqual(await pinger.ping(T1, 1000), { target: T1, ok: false, rttMs: null, error: 'ENETUNREACH' });
    assert.equal(pinger.pendingCount, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fails early on a destination unreachable quoting our probe', async () => {
    const { socket, pinger, clock } = setup();
    const p = pinger.ping(T1, 1000);
    const req = socket.sent[0]!.icmp;
    // A quote of someone else's probe, or of a probe to another target, is ignored.
    socket.deliver(icmpErrorFor(3, 1, buildEchoRequest(ID + 1, 0), '198.51.100.1', T1), '198.51.100.254', 1);
    socket.deliver(icmpErrorFor(3, 1, req, '198.51.100.1', T2), '198.51.100.254', 1);
    assert.equal(pinger.pendingCount, 1);
    socket.deliver(icmpErrorFor(3, 1, req, '198.51.100.1', T1), '198.51.100.254', 1);
    assert.deepEqual(await p, { target: T1, ok: false, rttMs: null, error: 'EHOSTUNREACH' });
    assert.equal(clock.pendingTimers, 0);
  });

  it('numbers probes per echo and wraps the sequence at 65536', async () => {
    const { clock, socket, pinger } = setup(65535);
    const a = pinger.ping(T1, 100);
    const b = pinger.ping(T2, 100);
    assert.deepEqual(
      socket.sent.map((s) => s.seq),
      [65535, 0],
    );
    socket.reply(1, clock.nowMs());
    socket.reply(0, clock.nowMs());
    assert.equal((await a).ok, true);
    assert.equal((await b).ok, true);
  });

  it('keeps concurrent probes apart and leaks nothing', async () => {
    const { clock, socket, pinger } = setup();
    const probes = [T1, T2, T1].map((t) => pinger.ping(t, 300));
    assert.equal(pinger.pendingCount, 3);
    clock.advance(5);
    socket.reply(2, clock.nowMs());
    clock.advance(300);
    const results = await Promise.all(probes);
    assert.deepEqual(
      results.map((r) => r.error),
      ['timeout', 'timeout', null],
    );
    assert.equal(pinger.pendingCount, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('close() cancels pending probes, closes the socket, and later pings fail at once', async () => {
    const { clock, socket, pinger } = setup();
    const p = pinger.ping(T1, 1000);
    pinger.close();
    pinger.close();
    assert.equal((await p).error, 'ECANCELED');
    assert.equal(socket.closed, true);
    assert.equal(clock.pendingTimers, 0);
    assert.equal((await pinger.ping(T1, 1000)).error, 'ECANCELED');
    assert.equal(socket.sent.length, 1);
  });

  it('refuses an identifier outside uint16', () => {
    assert.throws(
      () => new Pinger({ socket: new FakeProbeSocket(), clock: new FakeClock(), identifier: 70000 }),
      RangeError,
    );
  });
});
