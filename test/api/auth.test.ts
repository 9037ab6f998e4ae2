// Every authentication path: Bearer header, ?api_key=, wrong/missing/malformed keys, other lengths.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { keyChecker } from '../../src/api/key-compare.js';
import { KEY, makeApp } from './helpers.js';

let app: FastifyInstance;
before(async () => {
  ({ app } = await makeApp());
});
after(async () => {
  await app.close();
});

function get(url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, headers });
}

function assertUnauthorized(res: { statusCode: number; json(): unknown; headers: Record<string, unknown>; body: string }): void {
  assert.equal(res.statusCode, 401);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body['success'], false);
  assert.equal(body['code'], 'WAN_ERR_UNAUTHORIZED');
  assert.equal(typeof body['error'], 'string');
  assert.equal(res.headers['www-authenticate'], 'Bearer');
  assert.ok(!res.body.includes(KEY), 'the key is never echoed');
}

describe('accepted', () => {
  it('Authorization: Bearer KEY', async () => {
    assert.equal((await get('/api/status', { authorization: `Bearer ${KEY}` })).statusCode, 200);
  });
  it('scheme is case-insensitive (RFC 7235)', async () => {
    assert.equal((await get('/api/status', { authorization: `bearer ${KEY}` })).statusCode, 200);
  });
  it('?api_key=KEY (seed compatibility)', async () => {
    assert.equal((await get(`/api/status?api_key=${KEY}`)).statusCode, 200);
  });
  it('?api_key=KEY on a POST', async () => {
    const res = await app.inject({
      method: 'POST', url: `/api/auto?api_key=${KEY}`, headers: { 'content-type': 'application/json' },
      payload: { enabled: true },
    });
    assert.equal(res.statusCode, 200);
  });
  it('the header wins over a wrong query key', async () => {
    assert.equal((await get('/api/health?api_key=wrong', { authorization: `Bearer ${KEY}` })).statusCode, 200);
  });
});

describe('rejected with 401 JSON', () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ['missing key', '/api/status', {}],
    ['wrong key in header', '/api/status', { authorization: `Bearer ${'x'.repeat(KEY.length)}` }],
    ['wrong key in query', `/api/status?api_key=${'x'.repeat(KEY.length)}`, {}],
    ['shorter key (prefix)', '/api/status', { authorization: `Bearer ${KEY.slice(0, -1)}` }],
    ['longer key', '/api/status', { authorization: `Bearer ${KEY}0` }],
    ['shorter key in query', `/api/status?api_key=${KEY.slice(0, 8)}`, {}],
    ['empty query key', '/api/status?api_key=', {}],
    ['repeated query key', `/api/status?api_key=${KEY}&api_key=${KEY}`, {}],
    ['Basic scheme', '/api/status', { authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` }],
    ['Bearer without key', '/api/status', { authorization: 'Bearer' }],
    ['Bearer with blank key', '/api/status', { authorization: 'Bearer    ' }],
    ['bare key without scheme', '/api/status', { authorization: KEY }],
    ['header wrong even if query right', `/api/status?api_key=${KEY}`, { authorization: 'Bearer nope' }],
    ['unknown path without key (no route discovery)', '/api/nope', {}],
    ['openapi without key', '/api/openapi.json', {}],
  ];
  for (const [name, url, headers] of cases) {
    it(name, async () => assertUnauthorized(await get(url, headers)));
  }

  it('a POST without key is refused before its body is read', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/switch', headers: { 'content-type': 'application/json' }, payload: '{not json',
    });
    assertUnauthorized(res);
  });
});

describe('keyChecker', () => {
  it('compares by content, any lengths', () => {
    const isKey = keyChecker(KEY);
    assert.equal(isKey(KEY), true);
    assert.equal(isKey(`${KEY}x`), false);
    assert.equal(isKey(''), false);
    assert.equal(isKey(KEY.slice(1)), false);
    assert.equal(keyChecker('a')('b'), false);
  });
});
