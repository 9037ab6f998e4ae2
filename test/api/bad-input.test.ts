// Malformed requests: each gets the right status and the JSON error shape, never a crash or a stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { FakeEngine } from './fake-engine.js';
import { auth, jsonAuth, makeApp } from './helpers.js';

let app: FastifyInstance;
let engine: FakeEngine;
before(async () => {
  ({ app, engine } = await makeApp());
});
after(async () => {
  await app.close();
});

interface Res {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json(): unknown;
}

function assertError(res: Res, status: number, code: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body['success'], false);
  assert.equal(body['code'], code);
  assert.equal(typeof body['error'], 'string');
  assert.doesNotMatch(res.body, /\bat .+:\d+:\d+|stack/i, 'no stack trace');
}

describe('bodies', () => {
  it('invalid JSON -> 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: '{"target": ' });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  it('empty JSON body -> 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auto', headers: jsonAuth, payload: '' });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  it('JSON that is not an object -> 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: '"secondary"' });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  it('no body at all -> 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: auth });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  it('text/plain -> 415', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/switch', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'secondary',
    });
    assertError(res, 415, 'WAN_ERR_MEDIA_TYPE');
  });
  it('form encoding -> 415', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/auto',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'enabled=true',
    });
    assertError(res, 415, 'WAN_ERR_MEDIA_TYPE');
  });
  it('a body without content-type -> 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auto', headers: auth, payload: Buffer.from('{"enabled":true}') });
    assertError(res, 415, 'WAN_ERR_MEDIA_TYPE');
  });
  it('application/json; charset=utf-8 is accepted', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/auto', headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
      payload: '{"enabled": true}',
    });
    assert.equal(res.statusCode, 200);
  });
  it('body over 64 KiB -> 413', async () => {
    const payload = JSON.stringify({ target: 'secondary', pad: 'x'.repeat(64 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload });
    assertError(res, 413, 'WAN_ERR_TOO_LARGE');
  });
  it('missing target -> 400, engine untouched', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { force: true } });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  for (const target of [7, true, null, '', ['primary'], { name: 'primary' }]) {
    it(`target ${JSON.stringify(target)} -> 400`, async () => {
      const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target } });
      assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
    });
  }
  it('non-boolean force -> 400', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary', force: 'yes' },
    });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  it('prototype pollution attempt -> 400', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/auto', headers: jsonAuth, payload: '{"enabled": true, "__proto__": {"x": 1}}',
    });
    assertError(res, 400, 'WAN_ERR_BAD_REQUEST');
  });
  it('none of the rejected commands reached the engine', () => {
    assert.deepEqual(engine.switchCalls, []);
  });
});

describe('paths and methods', () => {
  it('unknown path -> 404', async () => {
    assertError(await app.inject({ method: 'GET', url: '/api/nope', headers: auth }), 404, 'WAN_ERR_NOT_FOUND');
    assertError(await app.inject({ method: 'GET', url: '/', headers: auth }), 404, 'WAN_ERR_NOT_FOUND');
  });
  it('the 404 message does not echo the query string', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nope?x=secret-ish', headers: auth });
    assertError(res, 404, 'WAN_ERR_NOT_FOUND');
    assert.ok(!res.body.includes('secret-ish'));
  });
  it('wrong method on a known path -> 405 with Allow', async () => {
    const post = await app.inject({ method: 'POST', url: '/api/status', headers: jsonAuth, payload: {} });
    assertError(post, 405, 'WAN_ERR_METHOD');
    assert.match(String(post.headers['allow']), /GET/);
    const get = await app.inject({ method: 'GET', url: '/api/switch', headers: auth });
    assertError(get, 405, 'WAN_ERR_METHOD');
    assert.equal(get.headers['allow'], 'POST');
    assertError(await app.inject({ method: 'DELETE', url: '/api/auto', headers: auth }), 405, 'WAN_ERR_METHOD');
  });
  it('malformed percent-encoding -> 400 JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/%E0%A4%A', headers: auth });
    assert.ok(res.statusCode === 400 || res.statusCode === 404, res.body);
    const body = res.json() as Record<string, unknown>;
    assert.equal(body['success'], false);
  });
  it('the app still answers after all of the above', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/api/health', headers: auth })).statusCode, 200);
  });
});
