// ICMPv6 codec and the address-family profiles (no sockets, no root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipToBytes } from '../../../src/netlink/ip-format.js';
import { parseIcmp } from '../../../src/probe/icmp.js';
import {
  ICMPV4_PROFILE, ICMPV6_PROFILE, icmp6FilterBlockingAllBut, icmpProfile, profileForAddress,
} from '../../../src/probe/icmp-profile.js';
import { buildEcho6Request, icmp6ErrorToErrno, parseIcmp6, parseQuotedEcho6 } from '../../../src/probe/icmp6.js';
import { echoReplyFor, icmp6ErrorFor } from './fake-probe-socket.js';

test('echo request: type 128 code 0, id/seq big-endian, checksum left 0 for the kernel, payload kept', () => {
  const b = buildEcho6Request(0x1234, 0xabcd, Buffer.from('xy'));
  assert.deepEqual([...b.subarray(0, 8)], [128, 0, 0, 0, 0x12, 0x34, 0xab, 0xcd]);
  assert.equal(b.subarray(8).toString(), 'xy');
  assert.throws(() => buildEcho6Request(70000, 1), RangeError);
});

test('echo reply parses with id, seq and payload; no checksum check (the kernel verified it)', () => {
  const reply = echoReplyFor(buildEcho6Request(7, 9));
  reply.writeUInt16BE(0xdead, 2);
  const r = parseIcmp6(reply);
  assert.ok(r.ok && r.message.kind === 'echo-reply');
  assert.deepEqual([r.message.type, r.message.id, r.message.seq, r.message.payload.toString()], [129, 7, 9, 'wanfover']);
  assert.deepEqual(parseIcmp6(Buffer.alloc(4)), { ok: false, reason: 'short' });
});

test('errors quote the echo: destination unreachable, time exceeded, packet too big', () => {
  const req = buildEcho6Request(7, 9);
  const src = ipToBytes('2001:db8:1::2');
  const dst = ipToBytes('2001:db8:ffff::10');
  for (const type of [1, 2, 3, 4]) {
    const r = parseIcmp6(icmp6ErrorFor(type, 0, req, src, dst));
    assert.ok(r.ok && r.message.kind === 'error', `type ${type}`);
    assert.deepEqual(r.message.original, { src: '2001:db8:1::2', dst: '2001:db8:ffff::10', id: 7, seq: 9 });
  }
});

test('a quote that is not IPv6 + ICMPv6 echo request yields no original', () => {
  const req = buildEcho6Request(7, 9);
  const src = ipToBytes('2001:db8:1::2');
  const body = icmp6ErrorFor(1, 0, req, src, src).subarray(8);
  assert.ok(parseQuotedEcho6(body));
  const udp = Buffer.from(body);
  udp[6] = 17;
  assert.equal(parseQuotedEcho6(udp), null);
  const v4 = Buffer.from(body);
  v4[0] = 0x45;
  assert.equal(parseQuotedEcho6(v4), null);
  const reply = Buffer.from(body);
  reply[40] = 129;
  assert.equal(parseQuotedEcho6(reply), null);
  assert.equal(parseQuotedEcho6(body.subarray(0, 44)), null);
});

test('other ICMPv6 (neighbour solicitation, RA) is "other"', () => {
  for (const type of [133, 134, 135, 136]) {
    const r = parseIcmp6(Buffer.from([type, 0, 0, 0, 0, 0, 0, 0]));
    assert.ok(r.ok && r.message.kind === 'other' && r.message.type === type);
  }
});

test('errno per net/ipv6/icmp.c icmpv6_err_convert', () => {
  assert.equal(icmp6ErrorToErrno(1, 0), 'ENETUNREACH');
  assert.equal(icmp6ErrorToErrno(1, 1), 'EACCES');
  assert.equal(icmp6ErrorToErrno(1, 3), 'EHOSTUNREACH');
  assert.equal(icmp6ErrorToErrno(1, 4), 'ECONNREFUSED');
  assert.equal(icmp6ErrorToErrno(1, 6), 'EACCES');
  assert.equal(icmp6ErrorToErrno(1, 9), 'EPROTO');
  assert.equal(icmp6ErrorToErrno(2, 0), 'EMSGSIZE');
  assert.equal(icmp6ErrorToErrno(3, 0), 'EHOSTUNREACH');
  assert.equal(icmp6ErrorToErrno(4, 0), 'EPROTO');
});

test('profiles: the per-family facts', () => {
  assert.deepEqual(
    [ICMPV4_PROFILE.family, ICMPV4_PROFILE.protocol, ICMPV4_PROFILE.echoRequestType, ICMPV4_PROFILE.echoReplyType, ICMPV4_PROFILE.ipHeaderOnReceive, ICMPV4_PROFILE.kernelChecksum],
    ['inet', 1, 8, 0, true, false],
  );
  assert.deepEqual(
    [ICMPV6_PROFILE.family, ICMPV6_PROFILE.protocol, ICMPV6_PROFILE.echoRequestType, ICMPV6_PROFILE.echoReplyType, ICMPV6_PROFILE.ipHeaderOnReceive, ICMPV6_PROFILE.kernelChecksum],
    ['inet6', 58, 128, 129, false, true],
  );
  assert.equal(icmpProfile('inet6'), ICMPV6_PROFILE);
  assert.equal(icmpProfile('inet'), ICMPV4_PROFILE);
  assert.equal(profileForAddress('2001:db8::1'), ICMPV6_PROFILE);
  assert.equal(profileForAddress('fe80::1%wan0'), ICMPV6_PROFILE);
  assert.equal(profileForAddress('198.51.100.1'), ICMPV4_PROFILE);
  assert.equal(profileForAddress('example.org'), null);
  // Each profile builds what its own parser reads as a request.
  for (const p of [ICMPV4_PROFILE, ICMPV6_PROFILE]) {
    const r = p.parse(p.buildEchoRequest(1, 2));
    assert.ok(r.ok && r.message.kind === 'echo-request' && r.message.type === p.echoRequestType);
  }
  // An ICMPv4 request's checksum is ours and valid; the ICMPv6 one is the kernel's.
  assert.ok(parseIcmp(ICMPV4_PROFILE.buildEchoRequest(1, 2)).ok);
  assert.equal(ICMPV6_PROFILE.buildEchoRequest(1, 2).readUInt16BE(2), 0);
});

test('canonical addresses: RFC 5952 for IPv6, zones dropped, the other family refused', () => {
  assert.equal(ICMPV6_PROFILE.canonicalAddress('2001:DB8:0:0::0:1'), '2001:db8::1');
  assert.equal(ICMPV6_PROFILE.canonicalAddress('fe80::1%wan0'), 'fe80::1');
  assert.equal(ICMPV6_PROFILE.canonicalAddress('198.51.100.1'), null);
  assert.equal(ICMPV4_PROFILE.canonicalAddress('198.51.100.1'), '198.51.100.1');
  assert.equal(ICMPV4_PROFILE.canonicalAddress('2001:db8::1'), null);
});

test('ICMP6_FILTER: a set bit blocks; only the passed types are clear (host byte order)', () => {
  const le = icmp6FilterBlockingAllBut([1, 129], 'LE');
  assert.equal(le.length, 32);
  assert.equal(le.readUInt32LE(0), 0xfffffffd, "type 1 is bit 1 of word 0");
  assert.equal(le.readUInt32LE(16), 0xfffffffd, 'type 129 is bit 1 of word 4');
  for (const w of [1, 2, 3, 5, 6, 7]) assert.equal(le.readUInt32LE(w * 4), 0xffffffff);
  const be = icmp6FilterBlockingAllBut([1, 129], 'BE');
  assert.equal(be.readUInt32BE(16), le.readUInt32LE(16));
});
