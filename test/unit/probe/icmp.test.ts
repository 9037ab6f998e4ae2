// ICMP codec: checksum against known vectors, echo request round trip, error-quote extraction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildEchoRequest,
  checksumValid,
  icmpErrorToErrno,
  internetChecksum,
  ipv4HeaderLength,
  parseIcmp,
  parseQuotedEcho,
} from '../../../src/probe/icmp.js';
import { echoReplyFor, icmpErrorFor } from './fake-probe-socket.js';

describe('internetChecksum', () => {
  it('matches the RFC 1071 worked example', () => {
    // RFC 1071 section 3: the one's complement sum of these bytes is 0xddf2.
    const buf = Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    assert.equal(internetChecksum(buf), ~0xddf2 & 0xffff);
  });

  it('pads an odd trailing byte with zero', () => {
    assert.equal(internetChecksum(Buffer.from([0x01])), 0xfeff);
    assert.equal(internetChecksum(Buffer.alloc(0)), 0xffff);
  });

  it('validates a captured echo request (raw-socket README vector, checksum 0x4352)', () => {
    const hex = '080043520001' + '0a09' + '6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869';
    const buf = Buffer.from(hex, 'hex');
    assert.equal(checksumValid(buf), true);
    buf[2] = 0;
    buf[3] = 0;
    assert.equal(internetChecksum(buf), 0x4352);
  });
});

describe('buildEchoRequest / parseIcmp', () => {
  it('builds type 8 code 0 with id, seq, payload and a valid checksum', () => {
    const buf = buildEchoRequest(0x1234, 0xbeef, Buffer.from('abc'));
    assert.equal(buf[0], 8);
    assert.equal(buf[1], 0);
    assert.equal(buf.readUInt16BE(4), 0x1234);
    assert.equal(buf.readUInt16BE(6), 0xbeef);
    assert.equal(buf.subarray(8).toString(), 'abc');
    assert.equal(checksumValid(buf), true);
  });

  it('round-trips a request and its reply', () => {
    const req = buildEchoRequest(7, 65535);
    const parsedReq = parseIcmp(req);
    assert.ok(parsedReq.ok);
    assert.equal(parsedReq.message.kind, 'echo-request');
    const reply = parseIcmp(echoReplyFor(req));
    assert.ok(reply.ok);
    assert.deepEqual(
      reply.ok && reply.message.kind === 'echo-reply' ? [reply.message.id, reply.message.seq] : null,
      [7, 65535],
    );
  });

  it('rejects out-of-range id and seq', () => {
    assert.throws(() => buildEchoRequest(65536, 0), RangeError);
    assert.throws(() => buildEchoRequest(0, -1), RangeError);
  });

  it('rejects short messages and bad checksums', () => {
    assert.deepEqual(parseIcmp(Buffer.alloc(4)), { ok: false, reason: 'short' });
    const reply = echoReplyFor(buildEchoRequest(1, 2));
    reply[9] = reply[9]! ^ 0xff;
    assert.deepEqual(parseIcmp(reply), { ok: false, reason: 'checksum' });
  });

  it('reports other types as "other"', () => {
    const buf = Buffer.from([13, 0, 0, 0, 0, 0, 0, 0]);
    buf.writeUInt16BE(internetChecksum(buf), 2);
    assert.deepEqual(parseIcmp(buf), { ok: true, message: { kind: 'other', type: 13, code: 0 } });
  });
});

describe('ICMP error messages', () => {
  const req = buildEchoRequest(0x4242, 17);

  it('extracts the quoted id, seq and addresses from destination unreachable', () => {
    const parsed = parseIcmp(icmpErrorFor(3, 1, req, '198.51.100.1', '203.0.113.9'));
    assert.deepEqual(parsed, {
      ok: true,
      message: {
        kind: 'error',
        type: 3,
        code: 1,
        original: { src: '198.51.100.1', dst: '203.0.113.9', id: 0x4242, seq: 17 },
      },
    });
  });

  it('extracts the quote from time exceeded', () => {
    const parsed = parseIcmp(icmpErrorFor(11, 0, req, '198.51.100.1', '203.0.113.9'));
    assert.ok(parsed.ok && parsed.message.kind === 'error');
    assert.equal(parsed.message.original?.seq, 17);
  });

  it('gives no quote when the original was not an ICMP echo request', () => {
    const notEcho = Buffer.from(req);
    notEcho[0] = 0;
    const parsed = parseIcmp(icmpErrorFor(3, 3, notEcho, '198.51.100.1', '203.0.113.9'));
    assert.ok(parsed.ok && parsed.message.kind === 'error');
    assert.equal(parsed.message.original, null);
    assert.equal(parseQuotedEcho(Buffer.alloc(10)), null);
    const udpQuote = icmpErrorFor(3, 3, req, '198.51.100.1', '203.0.113.9').subarray(8);
    udpQuote[9] = 17;
    assert.equal(parseQuotedEcho(udpQuote), null);
  });

  it('maps errors to the errno the kernel would use', () => {
    assert.equal(icmpErrorToErrno(3, 0), 'ENETUNREACH');
    assert.equal(icmpErrorToErrno(3, 1), 'EHOSTUNREACH');
    assert.equal(icmpErrorToErrno(3, 13), 'EHOSTUNREACH');
    assert.equal(icmpErrorToErrno(11, 0), 'EHOSTUNREACH');
  });
});

describe('ipv4HeaderLength', () => {
  it('reads IHL and refuses what is not IPv4', () => {
    const h = Buffer.alloc(28);
    h[0] = 0x46;
    assert.equal(ipv4HeaderLength(h), 24);
    h[0] = 0x45;
    assert.equal(ipv4HeaderLength(h), 20);
    h[0] = 0x65;
    assert.equal(ipv4HeaderLength(h), null);
    assert.equal(ipv4HeaderLength(Buffer.alloc(8)), null);
  });
});
