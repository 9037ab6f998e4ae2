// Gateway source arbitration and discovery from routes and state files (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayTracker } from '../../../src/facts/gateway-tracker.js';
import { gatewayFromRoutes } from '../../../src/gateway/from-routes.js';
import { parseStateFile } from '../../../src/gateway/state-file.js';
import type { RouteEntry } from '../../../src/netlink/types.js';

test('a static gateway from the config always wins', () => {
  const t = new GatewayTracker([{ name: 'a', gateway: '198.51.100.1' }]);
  assert.equal(t.set('a', 'netlink', '198.51.100.9'), false);
  assert.deepEqual(t.resolve('a'), { gateway: '198.51.100.1', source: 'config' });
});

test('the newest news wins between netlink and the state file; a source going quiet keeps the memory', () => {
  const t = new GatewayTracker([{ name: 'a', gateway: null }]);
  assert.equal(t.set('a', 'netlink', '100.64.1.1'), true);
  assert.equal(t.set('a', 'state_file', '100.64.1.1'), false);
  assert.equal(t.set('a', 'state_file', '100.64.1.254'), true, 'a renewal only the state file saw');
  assert.deepEqual(t.resolve('a'), { gateway: '100.64.1.254', source: 'state_file' });
  assert.equal(t.set('a', 'state_file', '100.64.1.254'), false, 'the same file read again changes nothing');
  assert.equal(t.set('a', 'netlink', '100.64.1.7'), true);
  assert.deepEqual(t.resolve('a'), { gateway: '100.64.1.7', source: 'netlink' });
  assert.equal(t.set('a', 'netlink', null), true, 'netlink forgot: the file is what is left');
  assert.deepEqual(t.resolve('a'), { gateway: '100.64.1.254', source: 'state_file' });
});

test('unknown links and no sources resolve to null', () => {
  const t = new GatewayTracker([{ name: 'a', gateway: null }]);
  assert.deepEqual(t.resolve('a'), { gateway: null, source: null });
  assert.deepEqual(t.resolve('zz'), { gateway: null, source: null });
  assert.equal(t.set('zz', 'netlink', '100.64.1.1'), false);
});

const route = (over: Partial<RouteEntry>): RouteEntry => ({ family: 'inet', table: 254, dst: null, dstLength: 0, gateway: '100.64.1.1',
  oif: 3, priority: 0, protocol: 16, scope: 0, type: 1, prefsrc: null, ...over });

test('gatewayFromRoutes prefers a default route, ignores our own protocol and other interfaces', () => {
  assert.equal(gatewayFromRoutes([route({ dst: '198.18.0.0', dstLength: 15, gateway: '100.64.1.5' }), route({})], 3, 201), '100.64.1.1');
  assert.equal(gatewayFromRoutes([route({ dst: '198.18.0.0', dstLength: 15, gateway: '100.64.1.5' })], 3, 201), '100.64.1.5');
  assert.equal(gatewayFromRoutes([route({ protocol: 201 })], 3, 201), null);
  assert.equal(gatewayFromRoutes([route({ oif: 4 })], 3, 201), null);
  assert.equal(gatewayFromRoutes([route({ gateway: null })], 3, 201), null);
});

test('parseStateFile reads the dhclient hook format and rejects anything else', () => {
  assert.equal(parseStateFile('{"gateway": "100.64.1.1", "dhcp_server": "100.64.1.1", "timestamp": "2026-01-01T00:00:00Z"}'), '100.64.1.1');
  assert.equal(parseStateFile('{"gateway": "not-an-ip"}'), null);
  assert.equal(parseStateFile('{"gateway": 5}'), null);
  assert.equal(parseStateFile('[]'), null);
  assert.equal(parseStateFile('{trunc'), null);
  assert.equal(parseStateFile('null'), null);
});
