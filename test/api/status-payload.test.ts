// toStatusPayload (pure) and the served /api/status: every seed field with its name and JSON type,
// the additions, ISO times, the 20-event window, and that serialisation drops nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECENT_EVENTS_LIMIT, toHealthPayload, toStatusPayload } from '../../src/api/status-payload.js';
import { T0, fakeLink, fakeStatus } from './fake-engine.js';
import { auth, makeApp } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const SEED_LINK_KEYS = [
  'name', 'display_name', 'interface', 'gateway', 'gateway_ip', 'healthy', 'gateway_reachable',
  'consecutive_failures', 'consecutive_successes', 'last_check', 'traffic',
];
const NEW_LINK_KEYS = ['carrier', 'state', 'active', 'rtt_ms', 'loss_pct', 'gateway_source', 'targets', 'gateway_stats', 'jitter_ms', 'state_reason', 'quality'];
const SEED_TOP_KEYS = [
  'active_link', 'active_display_name', 'active_interface', 'active_gateway', 'auto_enabled', 'primary',
  'secondary', 'switch_count', 'last_switch', 'uptime_seconds', 'recent_events',
];

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

describe('toStatusPayload', () => {
  const p = toStatusPayload(fakeStatus());

  it('has every seed top-level field plus manual_hold, all_down, links', () => {
    assert.deepEqual(Object.keys(p).sort(), [...SEED_TOP_KEYS, 'manual_hold', 'all_down', 'links'].sort());
    assert.equal(p.active_link, 'primary');
    assert.equal(p.active_display_name, 'Telekom');
    assert.equal(p.active_interface, 'eth0');
    assert.equal(p.active_gateway, '198.51.100.1');
    assert.equal(p.auto_enabled, true);
    assert.equal(p.manual_hold, null);
    assert.equal(p.all_down, false);
    assert.equal(p.switch_count, 2);
    assert.equal(p.last_switch, new Date(T0 + 30_000).toISOString());
    assert.equal(p.uptime_seconds, 123, 'whole seconds');
  });

  it('primary and secondary are links[0] and links[1], same shape as links[]', () => {
    assert.deepEqual(p.primary, p.links[0]);
    assert.deepEqual(p.secondary, p.links[1]);
    for (const link of p.links) {
      assert.deepEqual(Object.keys(link).sort(), [...SEED_LINK_KEYS, ...NEW_LINK_KEYS].sort());
    }
  });

  it('per-link seed fields keep their types', () => {
    const primary = p.primary!;
    assert.equal(primary.name, 'primary');
    assert.equal(primary.display_name, 'Telekom');
    assert.equal(primary.interface, 'eth0');
    assert.equal(primary.gateway, '198.51.100.1');
    assert.equal(primary.gateway_ip, primary.gateway);
    assert.equal(primary.healthy, true);
    assert.equal(primary.gateway_reachable, true);
    assert.equal(primary.consecutive_failures, 0);
    assert.equal(primary.consecutive_successes, 12);
    assert.match(primary.last_check!, ISO);
    assert.deepEqual(primary.traffic, { rx_mbps: 10.13, tx_mbps: 1.5, rx_mbps_avg: 8.25, tx_mbps_avg: 1.25 });
  });

  it('per-link additions', () => {
    const [primary, secondary] = p.links;
    assert.equal(primary!.carrier, true);
    assert.equal(primary!.state, 'up');
    assert.equal(primary!.active, true);
    assert.equal(primary!.rtt_ms, 12.35);
    assert.equal(primary!.loss_pct, 0);
    assert.equal(primary!.gateway_source, 'netlink');
    assert.deepEqual(primary!.targets[0], { target: '203.0.113.10', up: true, rtt_ms: 11.11, loss_pct: 0 });
    assert.deepEqual(primary!.gateway_stats, { target: '198.51.100.1', up: true, rtt_ms: 1.2, loss_pct: 0 });
    assert.equal(secondary!.state, 'down');
    assert.equal(secondary!.active, false);
    assert.equal(secondary!.gateway, null);
    assert.equal(secondary!.gateway_ip, null);
    assert.equal(secondary!.gateway_source, null);
    assert.equal(secondary!.last_check, null);
    assert.equal(secondary!.rtt_ms, null);
    assert.equal(secondary!.gateway_stats, null);
  });

  it(`recent_events: the last ${RECENT_EVENTS_LIMIT}, oldest first, ISO times`, () => {
    assert.equal(p.recent_events.length, RECENT_EVENTS_LIMIT);
    assert.equal(p.recent_events[0]!.message, 'event 5');
    assert.equal(p.recent_events[19]!.message, 'event 24');
    for (const e of p.recent_events) {
      assert.match(e.time, ISO);
      assert.equal(typeof e.type, 'string');
      assert.equal(typeof e.message, 'string');
    }
  });

  it('no active link: active_* are null', () => {
    const q = toStatusPayload({ ...fakeStatus(), active: null });
    assert.equal(q.active_link, null);
    assert.equal(q.active_display_name, null);
    assert.equal(q.active_interface, null);
    assert.equal(q.active_gateway, null);
  });

  it('non-finite numbers never reach the JSON', () => {
    const s = fakeStatus();
    s.links[0] = fakeLink({
      name: 'primary',
      rttMs: Number.NaN,
      lossPct: Number.POSITIVE_INFINITY,
      traffic: { rxMbps: Number.NaN, txMbps: Number.POSITIVE_INFINITY, rxMbpsAvg: -0, txMbpsAvg: 3 },
    });
    const q = toStatusPayload({ ...s, uptimeSeconds: Number.NaN, lastSwitchMs: null });
    assert.equal(q.primary!.rtt_ms, null);
    assert.equal(q.primary!.loss_pct, null);
    assert.deepEqual(q.primary!.traffic, { rx_mbps: 0, tx_mbps: 0, rx_mbps_avg: 0, tx_mbps_avg: 3 });
    assert.equal(q.uptime_seconds, 0);
    assert.equal(q.last_switch, null);
  });

  it('is pure: the same input gives the same output and the input is untouched', () => {
    const s = fakeStatus();
    const before = structuredClone(s);
    assert.deepEqual(toStatusPayload(s), toStatusPayload(s));
    assert.deepEqual(s, before);
  });

  it('health payload', () => {
    assert.deepEqual(toHealthPayload(fakeStatus()), { status: 'ok', active_link: 'primary', all_down: false, uptime_seconds: 123 });
  });
});

describe('served /api/status', () => {
  it('equals the pure mapping: the response schema drops no field', async () => {
    const { app, engine } = await makeApp();
    try {
      const res = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), JSON.parse(JSON.stringify(toStatusPayload(engine.status()))));
    } finally {
      await app.close();
    }
  });

  it('JSON types of the seed fields', async () => {
    const { app } = await makeApp();
    try {
      const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json();
      const expect: Record<string, string> = {
        active_link: 'string', active_display_name: 'string', active_interface: 'string', active_gateway: 'string',
        auto_enabled: 'boolean', switch_count: 'number', last_switch: 'string', uptime_seconds: 'number',
        recent_events: 'array', primary: 'object', secondary: 'object', links: 'array', manual_hold: 'null',
        all_down: 'boolean',
      };
      for (const [k, t] of Object.entries(expect)) assert.equal(typeOf(body[k]), t, k);
      assert.ok(Number.isInteger(body.uptime_seconds));
      const linkTypes: Record<string, string> = {
        name: 'string', display_name: 'string', interface: 'string', gateway: 'string', gateway_ip: 'string',
        healthy: 'boolean', gateway_reachable: 'boolean', consecutive_failures: 'number',
        consecutive_successes: 'number', last_check: 'string', traffic: 'object', carrier: 'boolean',
        state: 'string', active: 'boolean', rtt_ms: 'number', loss_pct: 'number', gateway_source: 'string',
        targets: 'array', gateway_stats: 'object',
      };
      for (const [k, t] of Object.entries(linkTypes)) assert.equal(typeOf(body.primary[k]), t, `primary.${k}`);
      for (const k of ['rx_mbps', 'tx_mbps', 'rx_mbps_avg', 'tx_mbps_avg']) {
        assert.equal(typeOf(body.primary.traffic[k]), 'number', k);
      }
    } finally {
      await app.close();
    }
  });

  it('reads the engine on every request (no caching)', async () => {
    const { app, engine } = await makeApp();
    try {
      engine.current = { ...engine.current, switchCount: 41 };
      const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json();
      assert.equal(body.switch_count, 41);
    } finally {
      await app.close();
    }
  });
});
