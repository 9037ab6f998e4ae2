// The addon's TCP connect and UDP socket behind the LinkTransport port: arguments handed over,
// times put on the daemon's clock, and a timed-only connect handing over no socket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TcpConnect, UdpSocketOpen } from '../../../src/systemd/native.js';
import { createNativeLinkTransport } from '../../../src/probe/native-link-transport.js';
import { FakeClock } from '../fake-clock.js';

function fakeAddon() {
  const calls: unknown[][] = [];
  let done: ((code: string | null, fd: number, ns: number) => void) | null = null;
  let message: ((data: Buffer, ageNs: number) => void) | null = null;
  const tcpConnect: TcpConnect = (family, iface, dst, port, onDone, keep) => {
    calls.push(['tcp', family, iface, dst, port, keep]);
    done = onDone;
    return { abort: () => calls.push(['abort']) };
  };
  const udpSocketOpen: UdpSocketOpen = (family, iface, dst, port, onMessage) => {
    calls.push(['udp', family, iface, dst, port]);
    message = onMessage;
    return { send: () => 2_000_000, close: () => calls.push(['close']), ref: () => undefined, unref: () => undefined };
  };
  return { addon: { tcpConnect, udpSocketOpen }, calls, done: () => done!, message: () => message! };
}

test('a timed-only connect: family and keep handed over, elapsed ns as ms, no socket; errors as codes', () => {
  const f = fakeAddon();
  const t = createNativeLinkTransport(new FakeClock(), f.addon);
  const got: unknown[][] = [];
  const pending = t.connect('wan1', 'ipv6', '2001:db8::1', 443, (e, s, ms) => got.push([e, s, ms]), { keep: false });
  assert.deepEqual(f.calls[0], ['tcp', 6, 'wan1', '2001:db8::1', 443, false]);
  f.done()(null, -1, 12_500_000);
  f.done()('ECONNREFUSED', -1, 3_000_000);
  assert.deepEqual(got, [[null, null, 12.5], ['ECONNREFUSED', null, 3]]);
  pending.abort();
  assert.deepEqual(f.calls.at(-1), ['abort']);
});

test('a kept connect whose fd is missing is an EIO failure, not a socket on fd -1', () => {
  const f = fakeAddon();
  const t = createNativeLinkTransport(new FakeClock(), f.addon);
  const got: unknown[] = [];
  t.connect('wan1', 'ipv4', '198.51.100.1', 80, (e, s) => got.push(e, s));
  assert.equal(f.calls[0]![5], true);
  f.done()(null, -1, 1);
  assert.deepEqual(got, ['EIO', null]);
});

test('datagrams: send time = clock before the call + the addon\'s ns; receive time = clock - the stamp\'s age', () => {
  const clock = new FakeClock(5000);
  const f = fakeAddon();
  const t = createNativeLinkTransport(clock, f.addon);
  const rx: number[] = [];
  const ch = t.openDatagram('wan2', 'ipv4', '198.51.100.53', 53, (_d, ms) => rx.push(ms), () => undefined);
  assert.deepEqual(f.calls[0], ['udp', 4, 'wan2', '198.51.100.53', 53]);
  assert.equal(ch.send(Buffer.from('q')), 5002);
  clock.advance(20);
  f.message()(Buffer.from('a'), 3_000_000);
  assert.deepEqual(rx, [5017]);
  ch.close();
  assert.deepEqual(f.calls.at(-1), ['close']);
});

test('an addon built without these sockets fails each probe with ENOSYS, saying why', () => {
  const t = createNativeLinkTransport(new FakeClock(), undefined, () => { throw new Error('native addon has no tcpConnect'); });
  assert.throws(() => t.connect('wan1', 'ipv4', '198.51.100.1', 80, () => undefined),
    (e: Error & { code?: string }) => e.code === 'ENOSYS' && /no tcpConnect/.test(e.message));
});
