// The DNS probe's one query and what an answer means (RFC 1035 4.1), byte by byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsResponse } from '../../../lab/dns-answer.js';
import { buildDnsQuery, judgeDnsAnswer } from '../../../src/probe/dns-message.js';

test('the query: id, RD, one question of QNAME labels, type and class IN', () => {
  const q = buildDnsQuery(0xbeef, 'example.com', 28);
  assert.equal(q.toString('hex'), 'beef01000001000000000000' + '076578616d706c6503636f6d00' + '001c0001');
});

test('answers: ours by id and QR; NOERROR with a record of the type, or why not', () => {
  const q = buildDnsQuery(7, 'example.com', 1);
  assert.deepEqual(judgeDnsAnswer(q, 7, 1, 'A'), { kind: 'not-ours' }, 'a query (QR clear) is not an answer');
  assert.deepEqual(judgeDnsAnswer(dnsResponse(q, 0, 1), 8, 1, 'A'), { kind: 'not-ours' }, 'another id');
  assert.deepEqual(judgeDnsAnswer(dnsResponse(q, 0, 2), 7, 1, 'A'), { kind: 'answer', ok: true, error: null });
  assert.deepEqual(judgeDnsAnswer(dnsResponse(q, 2, 0), 7, 1, 'A'), { kind: 'answer', ok: false, error: 'SERVFAIL' });
  assert.deepEqual(judgeDnsAnswer(dnsResponse(q, 0, 0), 7, 1, 'A'), { kind: 'answer', ok: false, error: 'no A answer' });
  const truncated = dnsResponse(q, 0, 1);
  truncated.writeUInt16BE(truncated.readUInt16BE(2) | 0x0200, 2);
  assert.deepEqual(judgeDnsAnswer(truncated, 7, 1, 'A'), { kind: 'answer', ok: false, error: 'truncated answer' });
  const cut = dnsResponse(q, 0, 1).subarray(0, q.length + 6);
  assert.deepEqual(judgeDnsAnswer(cut, 7, 1, 'A'), { kind: 'answer', ok: false, error: 'malformed answer' });
});
