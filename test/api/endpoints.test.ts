// Every endpoint through app.inject over a FakeEngine: bodies, status codes and engine calls.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { WanError } from '../../src/errors.js';
import type { FakeEngine } from './fake-engine.js';
import { auth, jsonAuth, makeApp } from './helpers.js';

let app: FastifyInstance;
let engine: FakeEngine;

beforeEach(async () => {
  ({ app, engine } = await makeApp());
});
afterEach(async () => {
  await app.close();
});

function makeSecondarySwitchable(): void {
  engine.current = {
    ...engine.current,
    links: engine.current.links.map((l) =>
      l.name === 'secondary' ? { ...l, state: 'up', healthy: true, gateway: '203.0.113.1' } : l,
    ),
  };
}

describe('GET /api/status and /api/health', () => {
  it('status answers 200 JSON with the active link', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json();
    assert.equal(body.active_link, 'primary');
    assert.equal(body.active_display_name, 'Telekom');
  });

  it('health answers {status: "ok"}', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health', headers: auth });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', active_link: 'primary', all_down: false, uptime_seconds: 123 });
  });

  it('HEAD on a GET endpoint works', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/api/health', headers: auth });
    assert.equal(res.statusCode, 200);
  });

  it('openapi.json describes every endpoint', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: auth });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/api/auto', '/api/health', '/api/openapi.json', '/api/status', '/api/switch',
    ]);
    assert.equal(doc.paths['/api/switch'].post.requestBody.content['application/json'].schema.required[0], 'target');
  });
});

describe('POST /api/switch', () => {
  it('switches and answers {success, active}', async () => {
    makeSecondarySwitchable();
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { success: true, active: 'secondary' });
    assert.deepEqual(engine.switchCalls, [{ target: 'secondary', force: false }]);
  });

  it('already active -> 200 with the seed message', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'primary' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { success: true, message: 'Already on Telekom', active: 'primary' });
  });

  it('unknown target -> 400 naming the valid links', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'tertiary' } });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.success, false);
    assert.equal(body.code, 'WAN_ERR_UNKNOWN_LINK');
    assert.deepEqual(body.valid, ['primary', 'secondary']);
    assert.equal(typeof body.error, 'string');
  });

  it('link down -> 409 unless force', async () => {
    engine.current = {
      ...engine.current,
      links: engine.current.links.map((l) => (l.name === 'secondary' ? { ...l, gateway: '203.0.113.1' } : l)),
    };
    const down = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary' } });
    assert.equal(down.statusCode, 409);
    assert.equal(down.json().code, 'WAN_ERR_LINK_DOWN');
    const forced = await app.inject({
      method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary', force: true },
    });
    assert.equal(forced.statusCode, 200);
    assert.deepEqual(forced.json(), { success: true, active: 'secondary' });
    assert.deepEqual(engine.switchCalls.map((c) => c.force), [false, true]);
  });

  it('no gateway -> 409 WAN_ERR_NO_GATEWAY', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary', force: true },
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'WAN_ERR_NO_GATEWAY');
  });

  it('switch failure -> 500 WAN_ERR_SWITCH_FAILED with its message', async () => {
    engine.failNext = new WanError('WAN_ERR_SWITCH_FAILED', 'route replace failed: EPERM');
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary' } });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { success: false, error: 'route replace failed: EPERM', code: 'WAN_ERR_SWITCH_FAILED' });
  });

  it('an unexpected engine error -> 500 WAN_ERR_INTERNAL without message or stack', async () => {
    engine.failNext = new Error('secret internals at /opt/x.js:1');
    const res = await app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: { target: 'secondary' } });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { success: false, error: 'internal error', code: 'WAN_ERR_INTERNAL' });
    assert.doesNotMatch(res.body, /internals|\.js:|at /);
  });
});

describe('POST /api/auto', () => {
  for (const enabled of [false, true]) {
    it(`enabled=${enabled} -> {success, auto_enabled}`, async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auto', headers: jsonAuth, payload: { enabled } });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { success: true, auto_enabled: enabled });
      assert.deepEqual(engine.autoCalls, [enabled]);
      assert.equal(engine.status().autoEnabled, enabled);
    });
  }

  for (const enabled of ['true', 'false', 1, 0, null, 'yes', [true], {}]) {
    it(`non-boolean enabled ${JSON.stringify(enabled)} -> 400, engine untouched`, async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auto', headers: jsonAuth, payload: { enabled } });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'WAN_ERR_BAD_REQUEST');
      assert.deepEqual(engine.autoCalls, []);
    });
  }

  it('missing enabled -> 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auto', headers: jsonAuth, payload: {} });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'WAN_ERR_BAD_REQUEST');
    assert.deepEqual(engine.autoCalls, []);
  });
});
