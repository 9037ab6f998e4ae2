// Pure checks of the fuzz driver's parts (no root): the seeded generator replays, no generated body
// is a valid command, the response parser and JSON judge are right, and the tally counts correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRng, randomBody } from '../../lab/fuzz-bodies.js';
import { makeCase } from '../../lab/fuzz-cases.js';
import { judgeBody, parseResponse } from '../../lab/fuzz-response.js';
import { emptySummary, tally } from '../../lab/fuzz-summary.js';
import { parseFuzzArgs } from '../../lab/fuzz.js';

test('the same seed generates the same cases', () => {
  const a = makeRng(42);
  const b = makeRng(42);
  for (let i = 0; i < 200; i++) assert.deepEqual(makeCase(a, 'k'), makeCase(b, 'k'));
});

test('no generated body is a valid switch or auto command', () => {
  const rng = makeRng(7);
  for (let i = 0; i < 5000; i++) {
    const body = randomBody(rng).bytes.toString('utf8');
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch {
      continue;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    const o = v as Record<string, unknown>;
    assert.ok(typeof o.enabled !== 'boolean', `valid auto body generated: ${body}`);
    assert.ok(!(typeof o.target === 'string' && /^wan[0-9]$/.test(o.target)), `valid switch body generated: ${body}`);
  }
});

test('parseResponse: content-length, 100 Continue, chunked, HEAD, partial', () => {
  const r = parseResponse(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}'), false);
  assert.equal(r?.status, 400);
  assert.equal(r?.complete, true);
  assert.equal(judgeBody(r!), 'json');
  const chunked = parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n'), false);
  assert.equal(chunked?.body.toString(), '[]');
  assert.equal(chunked?.complete, true);
  const head = parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n'), true);
  assert.equal(head?.complete, true);
  assert.equal(judgeBody(head!), 'empty');
  const cut = parseResponse(Buffer.from('HTTP/1.1 413 X\r\ncontent-length: 10\r\n\r\n{"a"'), false);
  assert.equal(cut?.complete, false);
  assert.equal(parseResponse(Buffer.from('garbage'), false), null);
  assert.equal(judgeBody({ status: 400, headers: {}, body: Buffer.from('Bad Request'), complete: true }), 'non-json');
  assert.equal(judgeBody({ status: 200, headers: {}, body: Buffer.from('"str"'), complete: true }), 'non-json');
  // The status page's assets are HTML/CSS/JS by design; an error in HTML is still not JSON.
  assert.equal(judgeBody({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from('<!doctype html>'), complete: true }), 'page');
  assert.equal(judgeBody({ status: 404, headers: { 'content-type': 'text/html' }, body: Buffer.from('<p>no</p>'), complete: true }), 'non-json');
});

test('tally: answers, 5xx, non-JSON and closes are counted apart', () => {
  const s = emptySummary(1, 3);
  const c = makeCase(makeRng(1), 'k');
  tally(s, c, { ending: 'answered', status: 500, verdict: 'non-json', incomplete: false, errCode: null, midWrite: false, received: '' });
  tally(s, c, { ending: 'closed', status: null, verdict: null, incomplete: false, errCode: null, midWrite: false, received: '' });
  tally(s, c, { ending: 'answered', status: 401, verdict: 'json', incomplete: false, errCode: null, midWrite: false, received: '' });
  assert.equal(s.sent, 3);
  assert.equal(s.answered, 2);
  assert.equal(s.serverErrors, 1);
  assert.equal(s.nonJson, 1);
  assert.equal(s.closedWithoutAnswer, 1);
  assert.deepEqual(s.byStatus, { 500: 1, 401: 1 });
});

test('parseFuzzArgs: required flags and numbers', () => {
  const o = parseFuzzArgs(['--port', '8780', '--key', 'abc', '--count', '10', '--seed', '3']);
  assert.equal(o.port, 8780);
  assert.equal(o.count, 10);
  assert.throws(() => parseFuzzArgs(['--port', 'x']));
  assert.throws(() => parseFuzzArgs(['--port', '1']));
  assert.throws(() => parseFuzzArgs(['--bogus', '1']));
});
