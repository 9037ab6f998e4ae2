// The API key never reaches a log line, whether sent in the header or the query, on any path
// (ok, 401, 404, 405, 400, 500, pre-routing errors); each request logs one redacted line, a
// successful read at debug, the rest at info.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { createLogger } from '../../src/log.js';
import { KEY, makeApp } from './helpers.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l.trim() !== '') };
}

describe('request logging', () => {
  it('never logs the key and logs redacted URLs', async () => {
    const sink = capture();
    const { logger } = createLogger({ level: 'trace', file: null }, sink.stream);
    const { app, engine } = await makeApp({ logger });
    const json = { 'content-type': 'application/json' };
    const bearer = { authorization: `Bearer ${KEY}` };
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/api/status', headers: bearer },
      { method: 'GET', url: '/api/status', headers: { authorization: `bearer ${KEY}` } },
      { method: 'GET', url: `/api/status?api_key=${KEY}` },
      { method: 'GET', url: `/api/health?x=1&api_key=${KEY}&y=2` },
      { method: 'GET', url: `/api/status?api_key=${KEY}x` },
      { method: 'GET', url: '/api/status', headers: { authorization: `Bearer ${KEY}x` } },
      { method: 'GET', url: '/api/status', headers: { authorization: `Basic ${KEY}` } },
      { method: 'GET', url: `/api/nope?api_key=${KEY}` },
      { method: 'GET', url: `/api/switch?api_key=${KEY}` },
      { method: 'GET', url: `/api/%E0%A4%A?api_key=${KEY}` },
      { method: 'POST', url: `/api/switch?api_key=${KEY}`, headers: json, payload: '{bad' },
      { method: 'POST', url: '/api/switch', headers: { ...bearer, ...json }, payload: { target: 'nope' } },
      { method: 'POST', url: `/api/auto?api_key=${KEY}`, headers: json, payload: { enabled: false } },
    ];
    try {
      for (const r of requests) {
        const res = await app.inject(r);
        assert.ok(!res.body.includes(KEY), `key echoed to the client: ${res.body}`);
      }
      engine.failNext = new Error('boom');
      await app.inject({ method: 'POST', url: `/api/switch?api_key=${KEY}`, headers: json, payload: { target: 'primary' } });
    } finally {
      await app.close();
    }

    const lines = sink.lines();
    assert.ok(lines.length > requests.length, `${lines.length} lines`);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const line of lines) {
      assert.ok(!line.includes(KEY), `key leaked: ${line}`);
      assert.ok(!/bearer /i.test(line), `authorization header leaked: ${line}`);
    }
    const requestLines = entries.filter((e) => e['msg'] === 'api request' || e['msg'] === 'api request errored');
    assert.equal(requestLines.length, requests.length + 1, 'one line per request');
    for (const e of requestLines) {
      assert.equal(typeof e['url'], 'string');
      assert.equal(typeof e['statusCode'], 'number');
      assert.equal(typeof e['method'], 'string');
      assert.equal(e['req'], undefined, 'no raw request object');
      assert.equal(e['headers'], undefined, 'no headers');
    }
    const queryLines = requestLines.filter((e) => String(e['url']).includes('api_key='));
    assert.ok(queryLines.length >= 8);
    for (const e of queryLines) assert.match(String(e['url']), /api_key=\[REDACTED\]/);
    assert.deepEqual(
      requestLines.map((e) => e['statusCode']),
      [200, 200, 200, 200, 401, 401, 401, 404, 405, 400, 400, 400, 200, 500],
    );
    assert.ok(entries.some((e) => e['msg'] === 'api request failed' && e['level'] === 'error'), 'the 500 is logged as error');
    // A successful read is debug (Home Assistant polls), so is a 401 (counted per streak: auth-streak.test.ts); the rest info.
    assert.deepEqual(
      requestLines.map((e) => e['level']),
      ['debug', 'debug', 'debug', 'debug', 'debug', 'debug', 'debug', ...Array<string>(7).fill('info')],
    );
    // Commands keep a per-request child logger (its reqId ties their lines together); reads share
    // the server's logger, as a child per poll costs CPU under load.
    for (const e of requestLines) {
      if (e['method'] === 'POST') assert.equal(typeof e['reqId'], 'string', JSON.stringify(e));
      else if (e['statusCode'] === 200) assert.equal(e['reqId'], undefined, JSON.stringify(e));
    }
  });
});
