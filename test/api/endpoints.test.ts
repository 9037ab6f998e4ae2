// Every endpoint through app.inject over a FakeEngine: bodies, status codes and engine calls.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { WanError } from '../../src/errors.js';
import type { LinkFamilyStatus } from '../../src/engine/types.js';
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
      '/api/auto', '/api/events', '/api/health', '/api/history', '/api/openapi.json', '/api/status', '/api/stream', '/api/switch',
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

// ---- POST /api/switch with `family` (issue 12): validation of the field, the engine call it becomes,
// and the additive reply keys; a request without family keeps the seed's exact answers.

const v6 = (over: Partial<LinkFamilyStatus> = {}): LinkFamilyStatus => ({
  gateway: 'fe80::1', gatewaySource: 'netlink', healthy: true, state: 'up', gatewayReachable: true, active: false,
  rttMs: 3, lossPct: 0, targets: [], ...over,
});

/** Both links switchable for IPv4; IPv6 managed, active on primary; `secondary6` shapes wan2's IPv6. */
function dualStack(secondary6: Partial<LinkFamilyStatus> = {}): void {
  engine.current = {
    ...engine.current,
    activeIpv6: 'primary',
    links: engine.current.links.map((l) => (l.name === 'secondary'
      ? { ...l, state: 'up', healthy: true, gateway: '203.0.113.1', ipv6: v6({ gateway: 'fe80::2', ...secondary6 }) }
      : { ...l, ipv6: v6({ active: true }) })),
  };
}

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/switch', headers: jsonAuth, payload: payload as object });

describe('POST /api/switch family validation', () => {
  for (const family of ['ipv7', 'IPv6', '', 6, null, true, ['ipv6'], {}]) {
    it(`family ${JSON.stringify(family)} -> 400 with a JSON error, engine untouched`, async () => {
      const res = await post({ target: 'secondary', family });
      assert.equal(res.statusCode, 400);
      const body = res.json();
      assert.equal(body.success, false);
      assert.equal(body.code, 'WAN_ERR_BAD_REQUEST');
      assert.match(body.error, /family/);
      assert.deepEqual(engine.switchCalls, []);
    });
  }

  it('family ipv6 on an IPv4-only daemon -> 409 naming why', async () => {
    const res = await post({ target: 'secondary', family: 'ipv6' });
    assert.equal(res.statusCode, 409);
    const body = res.json();
    assert.equal(body.code, 'WAN_ERR_FAMILY_NOT_MANAGED');
    assert.match(body.error, /IPv6 is not managed.*ping_targets/);
  });

  it('an IPv4-only status has no IPv6 keys', async () => {
    const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json();
    assert.deepEqual(Object.keys(body).filter((k) => k.includes('ipv6')), []);
  });

  it('no family: the engine gets none and the reply is the seed\'s', async () => {
    engine.current = { ...engine.current, links: engine.current.links.map((l) => ({ ...l, state: 'up' as const, gateway: '203.0.113.1' })) };
    const res = await post({ target: 'secondary' });
    assert.deepEqual(res.json(), { success: true, active: 'secondary' });
    assert.deepEqual(engine.switchCalls, [{ target: 'secondary', force: false }]);
    const again = await post({ target: 'secondary' });
    assert.deepEqual(again.json(), { success: true, message: 'Already on Digi', active: 'secondary' });
  });

  it('the OpenAPI document lists the family values and the additive reply keys', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json', headers: auth })).json();
    const op = doc.paths['/api/switch'].post;
    assert.deepEqual(op.requestBody.content['application/json'].schema.properties.family.enum, ['ipv4', 'ipv6', 'both']);
    const reply = op.responses['200'].content['application/json'].schema.properties;
    assert.ok(reply.active_ipv6 && reply.ipv6_result && reply.ipv6_reason);
    assert.ok(op.responses['409'], 'the 409 (family not managed, link down, no gateway) is documented');
  });
});

describe('POST /api/switch family on a dual-stack daemon', () => {
  it('ipv6: active and active_ipv6 are the IPv6 link, IPv4 untouched', async () => {
    dualStack();
    const res = await post({ target: 'secondary', family: 'ipv6' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { success: true, active: 'secondary', active_ipv6: 'secondary', ipv6_result: 'switched' });
    assert.deepEqual(engine.switchCalls, [{ target: 'secondary', force: false, family: 'ipv6' }]);
    assert.equal(engine.status().active, 'primary');
    const again = await post({ target: 'secondary', family: 'ipv6' });
    assert.deepEqual(again.json(), {
      success: true, message: 'Already on Digi (IPv6)', active: 'secondary', active_ipv6: 'secondary', ipv6_result: 'already_active',
    });
  });

  it('status: the IPv6 active link, interface and manual hold go out beside the IPv4 ones', async () => {
    dualStack();
    engine.current = { ...engine.current, manualHoldIpv6: 'primary' };
    const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json();
    assert.deepEqual([body.active_link, body.manual_hold, body.active_link_ipv6, body.active_interface_ipv6, body.manual_hold_ipv6],
      ['primary', null, 'primary', 'eth0', 'primary']);
  });

  it('ipv4: only IPv4 moves; active_ipv6 says where IPv6 stays, no ipv6_result', async () => {
    dualStack();
    const res = await post({ target: 'secondary', family: 'ipv4' });
    assert.deepEqual(res.json(), { success: true, active: 'secondary', active_ipv6: 'primary' });
    assert.equal(engine.status().activeIpv6, 'primary');
  });

  it('both without an IPv6 gateway on the target: 200, IPv4 switched, IPv6 not moved with the reason', async () => {
    dualStack({ gateway: null });
    const res = await post({ target: 'secondary' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual({ ...body, ipv6_reason: typeof body.ipv6_reason },
      { success: true, active: 'secondary', active_ipv6: 'primary', ipv6_result: 'not_moved', ipv6_reason: 'string' });
  });

  it('ipv6 to a link whose IPv6 is down -> 409 unless force', async () => {
    dualStack({ state: 'down', healthy: false });
    const res = await post({ target: 'secondary', family: 'ipv6' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'WAN_ERR_LINK_DOWN');
    const forced = await post({ target: 'secondary', family: 'ipv6', force: true });
    assert.equal(forced.json().active_ipv6, 'secondary');
  });
});
