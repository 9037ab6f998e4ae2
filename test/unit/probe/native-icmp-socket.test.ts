// The native probe socket's adapter with a fake addon handle: stamps move onto the caller's
// clock, IPv4 headers are stripped, IPv6 messages pass as they are, a dead socket is reopened.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../fake-clock.js';
import { createNativeIcmpSocketFactory, icmpPayload, rxTimeMs } from '../../../src/probe/native-icmp-socket.js';
import type { IcmpSocketHandle, IcmpSocketOpen } from '../../../src/systemd/native.js';

interface FakeHandle extends IcmpSocketHandle {
  family: 4 | 6;
  iface: string;
  sent: Array<{ icmp: Buffer; dst: string }>;
  closed: boolean;
  deliver(d: Buffer, src: string, ageNs: number): void;
  die(): void;
}

function fakeAddon(sinceSendNs = 0, failSend: string | null = null): { open: IcmpSocketOpen; handles: FakeHandle[] } {
  const handles: FakeHandle[] = [];
  const open: IcmpSocketOpen = (family, iface, onMessage, onError) => {
    const h: FakeHandle = {
      family, iface, sent: [], closed: false,
      send(icmp, dst) {
        if (failSend !== null) throw Object.assign(new Error(failSend), { code: failSend, syscall: 'sendto' });
        h.sent.push({ icmp, dst });
        return sinceSendNs;
      },
      close() { h.closed = true; },
      ref() {},
      unref() {},
      deliver: (d, src, age) => onMessage(d, src, age),
      die() { h.closed = true; onError('ECLOSED'); },
    };
    handles.push(h);
    return h;
  };
  return { open, handles };
}

function ipv4Datagram(icmp: Buffer): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  return Buffer.concat([ip, icmp]);
}

describe('native ICMP socket adapter', () => {
  it('puts the kernel stamp on the caller clock: now minus the age; no stamp = now', () => {
    assert.equal(rxTimeMs(1000, 250_000), 999.75);
    assert.equal(rxTimeMs(1000, -1), 1000);
  });

  it('strips the IPv4 header, passes ICMPv6 as is, drops a non-IPv4 datagram on an IPv4 socket', () => {
    const icmp = Buffer.from([0, 0, 0, 0, 0, 1, 0, 2]);
    assert.deepEqual(icmpPayload('ipv4', ipv4Datagram(icmp)), icmp);
    assert.deepEqual(icmpPayload('ipv6', icmp), icmp);
    assert.equal(icmpPayload('ipv4', Buffer.from([0x60, 0, 0, 0])), null);
  });

  it('delivers each message with its source and stamped rx time', () => {
    const clock = new FakeClock(5000);
    const { open, handles } = fakeAddon();
    const sock = createNativeIcmpSocketFactory(clock, 'ipv4', open).open('wan0');
    const got: Array<[Buffer, string, number]> = [];
    sock.onMessage((b, s, t) => got.push([b, s, t]));
    const icmp = Buffer.from([0, 0, 0, 0, 0, 1, 0, 2]);
    handles[0]!.deliver(ipv4Datagram(icmp), '198.51.100.2', 1_500_000);
    assert.deepEqual(got, [[icmp, '198.51.100.2', 4998.5]]);
    assert.equal(handles[0]!.family, 4);
    assert.equal(handles[0]!.iface, 'wan0');
  });

  it('opens IPv6 sockets with family 6', () => {
    const { open, handles } = fakeAddon();
    createNativeIcmpSocketFactory(new FakeClock(), 'ipv6', open).open('wan0');
    assert.equal(handles[0]!.family, 6);
  });

  it('sendStamped returns the time right before sendto on the caller clock', () => {
    const clock = new FakeClock(2000);
    const { open, handles } = fakeAddon(40_000);
    const sock = createNativeIcmpSocketFactory(clock, 'ipv4', open).open('wan0');
    // The clock read before the call plus the addon's entry-to-sendto time.
    assert.equal(sock.sendStamped!(Buffer.from([8, 0]), '198.51.100.2'), 2000.04);
    assert.equal(handles[0]!.sent[0]!.dst, '198.51.100.2');
  });

  it('send rejects with the errno of a failed sendto', async () => {
    const { open } = fakeAddon(0, 'ENETUNREACH');
    const sock = createNativeIcmpSocketFactory(new FakeClock(), 'ipv4', open).open('wan0');
    await assert.rejects(sock.send(Buffer.from([8, 0]), '198.51.100.2'), { code: 'ENETUNREACH' });
  });

  it('reopens a socket the addon reported dead on the next send; close is final', async () => {
    const { open, handles } = fakeAddon();
    const sock = createNativeIcmpSocketFactory(new FakeClock(), 'ipv4', open).open('wan0');
    handles[0]!.die();
    await sock.send(Buffer.from([8, 0]), '198.51.100.2');
    assert.equal(handles.length, 2);
    assert.equal(handles[1]!.sent.length, 1);
    sock.close();
    assert.equal(handles[1]!.closed, true);
    await assert.rejects(sock.send(Buffer.from([8, 0]), '198.51.100.2'), { code: 'EBADF' });
  });

  it('refuses an invalid interface name with WAN_ERR_PROBE', () => {
    const { open } = fakeAddon();
    assert.throws(() => createNativeIcmpSocketFactory(new FakeClock(), 'ipv4', open).open('a-very-long-ifname0'), { code: 'WAN_ERR_PROBE' });
  });
});
