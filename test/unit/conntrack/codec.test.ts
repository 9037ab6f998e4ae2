import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeEntry, encodeAttr, encodeDeleteRequest, encodeDumpRequest, encodeNest, parseAttrs,
} from '../../../src/conntrack/ctnetlink-codec.js';
import { CTA, CTA_FILTER, CTA_IP, CTA_TUPLE, IPS_SRC_NAT, NLA_F_NESTED } from '../../../src/conntrack/ctnetlink-constants.js';
import { capturedEntries, entryOf, loadCapture } from './fixture.js';

const cap = loadCapture();
const entries = capturedEntries(cap);
const [wan1, wan2] = cap.lab.wans;

test('every captured kernel entry decodes, one per labelled flow', () => {
  assert.equal(entries.length, cap.flows.length);
  for (const f of cap.flows) {
    const e = entryOf(entries, f.sport);
    assert.equal(e.family, f.family, f.what);
    assert.equal(e.orig.proto, 17, f.what);
    assert.equal(e.orig.dstPort, 7000, f.what);
    assert.equal(e.reply.srcPort, 7000, f.what);
    assert.notEqual(e.id, null, f.what);
    assert.equal(e.zone, null, f.what);
    assert.equal((e.status & IPS_SRC_NAT) !== 0, f.natTo !== null, `${f.what}: IPS_SRC_NAT`);
  }
});

test('tuples of a SNATed IPv4 flow: original from the LAN client, reply back to the WAN address', () => {
  const e = entryOf(entries, 41001);
  assert.deepEqual(e.orig, { src: cap.lab.client4, dst: wan1.server4, proto: 17, srcPort: 41001, dstPort: 7000 });
  assert.deepEqual(e.reply, { src: wan1.server4, dst: wan1.v4, proto: 17, srcPort: 7000, dstPort: 41001 });
});

test('tuples of a SNATed IPv6 flow decode to RFC 5952 text', () => {
  const e = entryOf(entries, 41004);
  assert.equal(e.orig.src, cap.lab.client6);
  assert.equal(e.orig.dst, wan2.server6);
  assert.equal(e.reply.dst, wan2.v6);
});

test('a LAN-internal entry replies to the LAN client, a router socket to its own address', () => {
  assert.equal(entryOf(entries, 41005).reply.dst, cap.lab.client4);
  const own = entryOf(entries, 41007);
  assert.equal(own.orig.src, wan1.v4);
  assert.equal(own.reply.dst, wan1.v4);
});

test('the filtered IPv4 dump request is byte-identical to the one the kernel accepted', () => {
  assert.equal(encodeDumpRequest('ipv4', { replyDst: wan1.v4, srcNatOnly: true }).toString('hex'), cap.requests.dumpIpv4Filtered);
  assert.equal(encodeDumpRequest('ipv6', { srcNatOnly: true }).toString('hex'), cap.requests.dumpIpv6);
});

test('dump request layout: nfgenmsg family, nested reply tuple with the address, filter flags, status mask', () => {
  const body = encodeDumpRequest('ipv4', { replyDst: '203.0.113.1', srcNatOnly: true });
  assert.deepEqual([...body.subarray(0, 4)], [2, 0, 0, 0]);
  const attrs = parseAttrs(body.subarray(4))!;
  assert.deepEqual(attrs.map((a) => a.type), [CTA.TUPLE_REPLY, CTA.FILTER, CTA.STATUS, CTA.STATUS_MASK]);
  assert.ok(attrs[0]!.whole.readUInt16LE(2) & NLA_F_NESTED, 'the reply tuple is marked nested');
  const tuple = parseAttrs(attrs[0]!.value)!;
  assert.equal(tuple[0]!.type, CTA_TUPLE.IP);
  const ip = parseAttrs(tuple[0]!.value)!;
  assert.equal(ip[0]!.type, CTA_IP.V4_DST);
  assert.deepEqual([...ip[0]!.value], [203, 0, 113, 1]);
  const filter = parseAttrs(attrs[1]!.value)!;
  assert.deepEqual(filter.map((a) => [a.type, a.value.readUInt32LE(0)]), [[CTA_FILTER.ORIG_FLAGS, 0], [CTA_FILTER.REPLY_FLAGS, 2]]);
  assert.equal(attrs[2]!.value.readUInt32BE(0), IPS_SRC_NAT);
  assert.equal(attrs[3]!.value.readUInt32BE(0), IPS_SRC_NAT);
});

test('a plain dump request is the nfgenmsg alone; an address of the other family is refused', () => {
  assert.deepEqual([...encodeDumpRequest('ipv6')], [10, 0, 0, 0]);
  assert.throws(() => encodeDumpRequest('ipv4', { replyDst: '2001:db8::1' }), TypeError);
  assert.throws(() => encodeDumpRequest('ipv6', { replyDst: '198.51.100.1' }), TypeError);
});

test('a delete request carries the original tuple verbatim and the entry id', () => {
  const e = entryOf(entries, 41002);
  const body = encodeDeleteRequest(e);
  assert.equal(body.readUInt8(0), 10);
  const attrs = parseAttrs(body.subarray(4))!;
  assert.deepEqual(attrs.map((a) => a.type), [CTA.TUPLE_ORIG, CTA.ID]);
  assert.deepEqual(attrs[0]!.whole, e.origAttr);
  assert.equal(attrs[1]!.value.readUInt32BE(0), e.id);
});

test('a delete request names the zone when the entry has one', () => {
  const e = { ...entryOf(entries, 41001), zone: 7, id: null };
  const attrs = parseAttrs(encodeDeleteRequest(e).subarray(4))!;
  assert.deepEqual(attrs.map((a) => a.type), [CTA.TUPLE_ORIG, CTA.ZONE]);
  assert.equal(attrs[1]!.value.readUInt16BE(0), 7);
});

test('malformed bodies decode to null, never throw', () => {
  const good = Buffer.from(cap.entries[0]!.hex, 'hex');
  assert.equal(decodeEntry(good.subarray(0, 3)), null, 'shorter than nfgenmsg');
  assert.equal(decodeEntry(good.subarray(0, 40)), null, 'truncated inside an attribute');
  const lying = Buffer.from(good);
  lying.writeUInt16LE(0xfff0, 4);
  assert.equal(decodeEntry(lying), null, 'attribute length past the end');
  const other = Buffer.from(good);
  other.writeUInt8(7, 0);
  assert.equal(decodeEntry(other), null, 'unknown family');
  const noReply = Buffer.concat([Buffer.from([2, 0, 0, 0]), encodeNest(CTA.TUPLE_ORIG, [])]);
  assert.equal(decodeEntry(noReply), null, 'no reply tuple');
  for (let cut = 4; cut < good.length; cut += 7) assert.doesNotThrow(() => decodeEntry(good.subarray(0, cut)));
});

test('attributes: 4-byte padding, nested flag masked off the type', () => {
  const a = encodeAttr(3, Buffer.from([1, 2, 3, 4, 5]));
  assert.equal(a.length, 12);
  assert.equal(a.readUInt16LE(0), 9);
  const n = encodeNest(2, [a]);
  const parsed = parseAttrs(Buffer.concat([n, a]))!;
  assert.deepEqual(parsed.map((p) => p.type), [2, 3]);
  assert.deepEqual([...parsed[1]!.value], [1, 2, 3, 4, 5]);
  assert.equal(parseAttrs(Buffer.from([2, 0, 1, 0])), null, 'length below the header');
});
