// Pinger with the ICMPv6 profile against a scripted socket: echo type 128 out, matching on
// identifier, sequence and source (RFC 5952 spelling), quoted errors, the other family refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipToBytes } from '../../../src/netlink/ip-format.js';
import { ICMPV6_PROFILE } from '../../../src/probe/icmp-profile.js';
import { LinkProber } from '../../../src/probe/link-prober.js';
import { Pinger } from '../../../src/probe/pinger.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeProbeSocket, icmp6ErrorFor } from './fake-probe-socket.js';

const ID = 0x5a5a;
const T1 = '2001:db8:ffff::10';
const GW = 'fe80::1';

function setup(): { clock: FakeClock; socket: FakeProbeSocket; pinger: Pinger } {
  const clock = new FakeClock();
  const socket = new FakeProbeSocket();
  const pinger = new Pinger({ socket, clock, identifier: ID, profile: ICMPV6_PROFILE });
  return { clock, socket, pinger };
}

describe('Pinger (ICMPv6)', () => {
  it('sends type-128 echoes and matches the type-129 reply on id, seq and source', async () => {
    const { clock, socket, pinger } = setup();
    const p = pinger.ping(T1, 1000);
    assert.equal(socket.sent[0]!.icmp[0], 128);
    socket.reply(0, clock.nowMs(), { id: ID + 1 });
    socket.reply(0, clock.nowMs(), { seq: 77 });
    socket.reply(0, clock.nowMs(), { src: '2001:db8:ffff::11' });
    // An ICMPv4 echo reply (type 0) to the same id/seq is not ours.
    const v4 = Buffer.from(socket.sent[0]!.icmp);
    v4[0] = 0;
    socket.deliver(v4, T1, clock.nowMs());
    await flushMicrotasks();
    assert.equal(pinger.pendingCount, 1);
    clock.advance(12);
    // The kernel spells the source in RFC 5952 form; a target written otherwise still matches.
    socket.reply(0, clock.nowMs(), { src: '2001:db8:ffff:0:0:0:0:10' });
    assert.deepEqual(await p, { target: T1, ok: true, rttMs: 12, error: null });
  });

  it('a link-local gateway is matched on its address (the socket is bound to the interface)', async () => {
    const { clock, socket, pinger } = setup();
    const p = pinger.ping(GW, 1000);
    clock.advance(3);
    socket.reply(0, clock.nowMs(), { src: 'fe80::1' });
    assert.equal((await p).ok, true);
  });

  it('a quoted error from a router fails the probe with the kernel\'s errno', async () => {
    const { clock, socket, pinger } = setup();
    const p = pinger.ping(T1, 1000);
    const err = icmp6ErrorFor(1, 0, socket.sent[0]!.icmp, ipToBytes('2001:db8:1::2'), ipToBytes(T1));
    socket.deliver(err, '2001:db8:1::1', clock.nowMs());
    assert.deepEqual(await p, { target: T1, ok: false, rttMs: null, error: 'ENETUNREACH' });
    const q = pinger.ping(T1, 1000);
    socket.deliver(icmp6ErrorFor(3, 0, socket.sent[1]!.icmp, ipToBytes('2001:db8:1::2'), ipToBytes('2001:db8:ffff::99')), '2001:db8:1::1', clock.nowMs());
    await flushMicrotasks();
    assert.equal(pinger.pendingCount, 1, 'an error quoting another destination is not ours');
    clock.advance(1000);
    assert.equal((await q).error, 'timeout');
  });

  it('an IPv4 address is refused without sending (EAFNOSUPPORT)', async () => {
    const { socket, pinger } = setup();
    assert.deepEqual(await pinger.ping('198.51.100.1', 1000), { target: '198.51.100.1', ok: false, rttMs: null, error: 'EAFNOSUPPORT' });
    assert.equal(socket.sent.length, 0);
  });

  it('LinkProber takes the profile: one cycle of gateway + target over ICMPv6', async () => {
    const clock = new FakeClock();
    const socket = new FakeProbeSocket();
    const prober = new LinkProber({
      socket, clock, identifier: ID, targets: [T1], timeoutMs: 1000, count: 1, minTargetsUp: 1, window: 5, profile: ICMPV6_PROFILE,
    });
    const cycle = prober.runCycle(GW);
    assert.deepEqual(socket.sent.map((s) => [s.dst, s.icmp[0]]), [[GW, 128], [T1, 128]]);
    clock.advance(5);
    socket.reply(0, clock.nowMs());
    socket.reply(1, clock.nowMs());
    const r = await cycle;
    assert.equal(r.healthy, true);
    assert.equal(r.gatewayReachable, true);
    prober.close();
  });
});
