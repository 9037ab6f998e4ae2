// EventMonitor and the adapter's notification path with a fake addon socket and a fake clock:
// framing + decoding of captured kernel messages, coalesced resyncs, ECLOSED -> reopen, stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createNetlink } from '../../../src/netlink/adapter.js';
import { EventMonitor, MAX_REOPENS, MONITOR_GROUPS, RESYNC_WINDOW_MS } from '../../../src/netlink/event-monitor.js';
import type { NetlinkEvent } from '../../../src/netlink/types.js';
import type { NlMonitorHandle, NlMonitorOpen } from '../../../src/systemd/native.js';
import { FakeClock } from '../fake-clock.js';

interface FakeSocket { groups: number; rcvbuf: number; onData: (d: Buffer) => void; onError: (c: string) => void; closed: number }

/** A scripted nlMonitorOpen: records each socket it opens; `failNext` makes the next open throw. */
function fakeOpen(): { open: NlMonitorOpen; sockets: FakeSocket[]; failNext: (code: string | null) => void } {
  const sockets: FakeSocket[] = [];
  let fail: string | null = null;
  const open: NlMonitorOpen = (groups, rcvbuf, onData, onError) => {
    if (fail) throw Object.assign(new Error('open failed'), { code: fail });
    const s: FakeSocket = { groups, rcvbuf, onData, onError, closed: 0 };
    sockets.push(s);
    const h: NlMonitorHandle = { close: () => { s.closed++; }, ref: () => undefined, unref: () => undefined };
    return h;
  };
  return { open, sockets, failNext: (c) => { fail = c; } };
}

function nlmsg(type: number, payload: Buffer): Buffer {
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(16 + payload.length, 0);
  hdr.writeUInt16LE(type, 4);
  const pad = Buffer.alloc((4 - (payload.length % 4)) % 4);
  return Buffer.concat([hdr, payload, pad]);
}

function monitor(clock: FakeClock, open: NlMonitorOpen, events: NetlinkEvent[]): EventMonitor {
  return new EventMonitor({
    open, clock, recvBufferBytes: 4096, emit: (e) => events.push(e),
    decode: (type) => {
      if (type === 99) throw new Error('bad body');
      return type === 24 ? { kind: 'resync', reason: 'decoded-24' } : null;
    },
  });
}

test('opens with the link, address and route groups of both families and the requested buffer', () => {
  const f = fakeOpen();
  const m = monitor(new FakeClock(), f.open, []);
  m.start();
  m.start();
  assert.equal(f.sockets.length, 1, 'start is idempotent');
  assert.equal(MONITOR_GROUPS, 0x551);
  assert.deepEqual([f.sockets[0].groups, f.sockets[0].rcvbuf], [0x551, 4096]);
});

test('with rules (wanctl monitor), the IPv4 and IPv6 rule groups and nexthops too: RTNLGRP_IPV4_RULE 8, RTNLGRP_IPV6_RULE 19, RTNLGRP_NEXTHOP 32', () => {
  const f = fakeOpen();
  const m = new EventMonitor({ open: f.open, clock: new FakeClock(), recvBufferBytes: 4096, rules: true, emit: () => undefined, decode: () => null });
  m.start();
  assert.equal(f.sockets[0].groups, (0x551 | (1 << 7) | (1 << 18)) + 2 ** 31);
  m.stop();
});

test('each message of a datagram is decoded; control messages skipped; unparsable ones resync', () => {
  const clock = new FakeClock();
  const f = fakeOpen();
  const events: NetlinkEvent[] = [];
  const m = monitor(clock, f.open, events);
  m.start();
  f.sockets[0].onData(Buffer.concat([nlmsg(24, Buffer.alloc(12)), nlmsg(3, Buffer.alloc(4)), nlmsg(24, Buffer.alloc(5)), nlmsg(99, Buffer.alloc(4))]));
  assert.deepEqual(events.map((e) => e.kind === 'resync' && e.reason), ['decoded-24', 'decoded-24']);
  clock.advance(RESYNC_WINDOW_MS);
  assert.deepEqual(events.at(-1), { kind: 'resync', reason: 'unparsable notification type 99' });
});

test('ENOBUFS bursts give one resync per window and keep the socket', () => {
  const clock = new FakeClock();
  const f = fakeOpen();
  const events: NetlinkEvent[] = [];
  monitor(clock, f.open, events).start();
  for (let i = 0; i < 5; i++) f.sockets[0].onError('ENOBUFS');
  clock.advance(RESYNC_WINDOW_MS);
  assert.deepEqual(events, [{ kind: 'resync', reason: 'ENOBUFS' }]);
  assert.equal(f.sockets[0].closed, 0);
  assert.equal(f.sockets.length, 1);
});

test('ECLOSED resyncs and reopens the socket after a delay; a failed reopen is retried', () => {
  const clock = new FakeClock();
  const f = fakeOpen();
  const events: NetlinkEvent[] = [];
  const m = monitor(clock, f.open, events);
  m.start();
  f.failNext('EMFILE');
  f.sockets[0].onError('ECLOSED');
  clock.advance(RESYNC_WINDOW_MS);
  assert.deepEqual(events, [{ kind: 'resync', reason: 'ECLOSED' }]);
  clock.advance(1000 - RESYNC_WINDOW_MS);
  assert.equal(f.sockets.length, 1, 'first reopen failed');
  clock.advance(RESYNC_WINDOW_MS);
  assert.deepEqual(events.slice(1), [{ kind: 'resync', reason: 'reopen failed: EMFILE' }]);
  f.failNext(null);
  clock.advance(1000 - RESYNC_WINDOW_MS);
  assert.equal(f.sockets.length, 2, 'second reopen succeeded');
  clock.advance(RESYNC_WINDOW_MS);
  assert.deepEqual(events.slice(2), [{ kind: 'resync', reason: 'notification socket reopened' }]);
  m.stop();
  assert.equal(f.sockets[1].closed, 1);
});

test('a successful reopen resets the attempt count; giving up is said once in the resync reason', () => {
  const clock = new FakeClock();
  const f = fakeOpen();
  const events: NetlinkEvent[] = [];
  monitor(clock, f.open, events).start();
  /** Socket `i` dies; reopens (one a second) fail with EMFILE `failures` times, then one succeeds. */
  const outage = (i: number, failures: number): void => {
    f.failNext('EMFILE');
    f.sockets[i].onError('ECLOSED');
    for (let n = 0; n < failures; n++) clock.advance(1000);
    f.failNext(null);
    clock.advance(1000);
  };
  // Outage 1: MAX_REOPENS - 1 failures, then a success.
  outage(0, MAX_REOPENS - 1);
  assert.equal(f.sockets.length, 2, 'reopened on the last allowed attempt');
  // Outage 2 gets the full count again (without the reset it would give up at once).
  outage(1, MAX_REOPENS - 1);
  assert.equal(f.sockets.length, 3, 'second outage: reopened again');
  // Outage 3: every attempt fails; after MAX_REOPENS it stops and says so, once.
  outage(2, MAX_REOPENS + 5);
  const gaveUp = events.filter((e) => e.kind === 'resync' && /gave up/.test(e.reason));
  assert.equal(gaveUp.length, 1);
  assert.match(gaveUp[0].kind === 'resync' ? gaveUp[0].reason : '', new RegExp(`reopen failed: EMFILE; gave up .* after ${MAX_REOPENS} attempts`));
  assert.equal(f.sockets.length, 3);
  assert.equal(clock.pendingTimers, 0, 'no retry left scheduled');
});

test('stop closes once, cancels pending work and ignores late callbacks', () => {
  const clock = new FakeClock();
  const f = fakeOpen();
  const events: NetlinkEvent[] = [];
  const m = monitor(clock, f.open, events);
  m.start();
  f.sockets[0].onError('ENOBUFS');
  m.stop();
  m.stop();
  f.sockets[0].onData(nlmsg(24, Buffer.alloc(4)));
  f.sockets[0].onError('ECLOSED');
  clock.advance(5000);
  assert.equal(f.sockets[0].closed, 1);
  assert.deepEqual(events, []);
  assert.equal(clock.pendingTimers, 0);
});

test('a failing open makes start throw and leaves the monitor stopped', () => {
  const f = fakeOpen();
  f.failNext('EPERM');
  const m = monitor(new FakeClock(), f.open, []);
  assert.throws(() => m.start(), (e: { code?: string }) => e.code === 'EPERM');
  f.failNext(null);
  m.start();
  assert.equal(f.sockets.length, 1);
});

test('adapter: captured kernel notifications arrive as decoded events through the monitor socket', async () => {
  const FILE = new URL('../../../../fixtures/netlink/capture.json', import.meta.url);
  const doc = JSON.parse(readFileSync(FILE, 'utf8')) as { messages: { step: string; source: string; type: number; hex: string }[] };
  const captured = doc.messages.filter((m) => m.source === 'event');
  const f = fakeOpen();
  const events: NetlinkEvent[] = [];
  const port = createNetlink({ openMonitor: f.open, clock: new FakeClock(), recvBufferBytes: 8192 });
  await port.start((e) => events.push(e));
  assert.equal(f.sockets[0].rcvbuf, 8192);
  f.sockets[0].onData(Buffer.concat(captured.map((m) => nlmsg(m.type, Buffer.from(m.hex, 'hex')))));
  assert.deepEqual(events.map((e) => `${e.kind}:${'op' in e ? e.op : ''}`), captured.map((m) =>
    (m.type === 16 ? 'link:new' : m.type === 24 ? 'route:new' : 'route:del')));
  const del = events.find((e) => e.kind === 'route' && e.op === 'del');
  assert.ok(del && del.kind === 'route' && del.route.dst === null, 'the deleted default route decoded');
  await port.stop();
  await port.stop();
  assert.equal(f.sockets[0].closed, 1);
});

test('adapter: start wraps an open failure in WAN_ERR_NETLINK with the errno', async () => {
  const f = fakeOpen();
  f.failNext('EPROTONOSUPPORT');
  const port = createNetlink({ openMonitor: f.open, clock: new FakeClock() });
  await assert.rejects(port.start(() => undefined), (e: { code?: string; details?: Record<string, unknown> }) =>
    e.code === 'WAN_ERR_NETLINK' && e.details?.errno === 'EPROTONOSUPPORT' && e.details?.op === 'start');
});
