// splitDatagram: framing of multi-message datagrams, 4-byte padding, and malformed lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitDatagram } from '../../../src/netlink/split-datagram.js';

/** One nlmsghdr-led message, padded to 4 bytes like the kernel does. */
function msg(type: number, body: number[], opts: { flags?: number; seq?: number; pid?: number; len?: number } = {}): Buffer {
  const len = opts.len ?? 16 + body.length;
  const b = Buffer.alloc((16 + body.length + 3) & ~3);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(opts.flags ?? 0, 6);
  b.writeUInt32LE(opts.seq ?? 0, 8);
  b.writeUInt32LE(opts.pid ?? 0, 12);
  Buffer.from(body).copy(b, 16);
  return b;
}

test('one message: header fields and body', () => {
  const r = splitDatagram(msg(24, [1, 2, 3, 4], { flags: 0x600, seq: 7, pid: 0 }));
  assert.equal(r.malformed, false);
  assert.equal(r.messages.length, 1);
  const m = r.messages[0];
  assert.deepEqual([m.type, m.flags, m.seq, m.pid], [24, 0x600, 7, 0]);
  assert.deepEqual([...m.payload], [1, 2, 3, 4]);
});

test('several messages with padding between them', () => {
  const r = splitDatagram(Buffer.concat([msg(16, [9, 9, 9]), msg(20, []), msg(25, [5, 6, 7, 8, 9])]));
  assert.equal(r.malformed, false);
  assert.deepEqual(r.messages.map((m) => m.type), [16, 20, 25]);
  assert.deepEqual(r.messages.map((m) => m.payload.length), [3, 0, 5], 'padding is not part of the body');
  assert.deepEqual([...r.messages[0].payload], [9, 9, 9]);
});

test('an empty datagram has no messages and is not malformed', () => {
  assert.deepEqual(splitDatagram(Buffer.alloc(0)), { messages: [], malformed: false });
});

test('a truncated header after a good message keeps the good one and flags the rest', () => {
  const r = splitDatagram(Buffer.concat([msg(24, [1, 2, 3, 4]), Buffer.alloc(8)]));
  assert.equal(r.messages.length, 1);
  assert.equal(r.malformed, true);
});

test('nlmsg_len beyond the datagram or below the header size is malformed', () => {
  assert.equal(splitDatagram(msg(24, [1, 2, 3, 4], { len: 64 })).malformed, true);
  const tooShort = splitDatagram(msg(24, [1, 2, 3, 4], { len: 8 }));
  assert.equal(tooShort.malformed, true);
  assert.equal(tooShort.messages.length, 0);
});
