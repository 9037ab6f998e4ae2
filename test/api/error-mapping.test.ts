// mapError (pure): WanErrors keep code/status/message and `valid`; fastify 4xx map by code or status;
// anything else is a generic 500 that hides its message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapError } from '../../src/api/error-handler.js';
import { WanError } from '../../src/errors.js';
import { auth, jsonAuth, makeApp } from './helpers.js';

describe('mapError', () => {
  it('WanError keeps code, status, message and valid', () => {
    const m = mapError(new WanError('WAN_ERR_UNKNOWN_LINK', 'unknown link "x"', { valid: ['a', 'b'] }));
    assert.deepEqual(m, {
      status: 400,
      body: { success: false, error: 'unknown link "x"', code: 'WAN_ERR_UNKNOWN_LINK', valid: ['a', 'b'] },
      internal: false,
    });
  });
  it('a malformed details.valid is left out', () => {
    const m = mapError(new WanError('WAN_ERR_UNKNOWN_LINK', undefined, { valid: [1, 2] }));
    assert.equal(m.body.valid, undefined);
  });
  it('WAN_ERR_SWITCH_FAILED is internal (logged) but keeps its message', () => {
    const m = mapError(new WanError('WAN_ERR_SWITCH_FAILED', 'EPERM'));
    assert.equal(m.status, 500);
    assert.equal(m.internal, true);
    assert.equal(m.body.error, 'EPERM');
  });
  it('fastify codes map to ours', () => {
    assert.equal(mapError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413, message: 'x' }).body.code, 'WAN_ERR_TOO_LARGE');
    assert.equal(mapError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).status, 415);
    assert.equal(mapError({ code: 'FST_ERR_BAD_URL', statusCode: 400, message: "'/x?api_key=k' is bad" }).body.error, 'malformed URL');
  });
  it('unknown 4xx map by status', () => {
    assert.equal(mapError({ statusCode: 404 }).body.code, 'WAN_ERR_NOT_FOUND');
    assert.deepEqual(mapError({ statusCode: 418, message: 'teapot' }).body, {
      success: false, error: 'teapot', code: 'WAN_ERR_BAD_REQUEST',
    });
  });
  for (const thrown of [new Error('at /secret/path.js:1:2'), 'a string', null, undefined, 42, { statusCode: 503, message: 'x' }]) {
    it(`${String(thrown)} -> generic 500`, () => {
      assert.deepEqual(mapError(thrown), {
        status: 500, body: { success: false, error: 'internal error', code: 'WAN_ERR_INTERNAL' }, internal: true,
      });
    });
  }
});

describe('bodyLimit option', () => {
  it('a smaller limit is honoured', async () => {
    const { app } = await makeApp({ bodyLimit: 64 });
    try {
      const big = await app.inject({
        method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary', pad: 'x'.repeat(100) },
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().code, 'WAN_ERR_TOO_LARGE');
      assert.equal((await app.inject({ method: 'GET', url: '/api/health', headers: auth })).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
