// IPv6 gateway discovery from routes (pure), on real kernel messages and small literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayFromRoute, gatewayFromRoutes } from '../../../src/gateway/from-routes.js';
import { GatewayTracker } from '../../../src/facts/gateway-tracker.js';
import { decodeRoute } from '../../../src/netlink/decode.js';
import type { RouteEntry } from '../../../src/netlink/types.js';
import { loadCapture } from '../netlink/fixture.js';

const WAN = 2;
const OWN = 201;
const captured = loadCapture('capture-inet6.json')
  .filter((m) => m.step === 'dump')
  .flatMap((m) => (m.wire.kind === 'route' ? [decodeRoute(m.wire)] : []))
  .filter((r): r is RouteEntry => r !== null);

const route6 = (over: Partial<RouteEntry>): RouteEntry => ({ family: 'inet6', table: 254, dst: null, dstLength: 0, gateway: 'fe80::1',
  oif: WAN, priority: 1024, protocol: 9, scope: 0, type: 1, prefsrc: null, ...over });

test('the kernel\'s RA default route names the IPv6 gateway; our own table-1001 route does not count', () => {
  assert.equal(gatewayFromRoutes(captured, WAN, OWN, 'inet6'), 'fe80::1');
  const onlyOurs = captured.filter((r) => r.protocol === OWN);
  assert.ok(onlyOurs.length > 0);
  assert.equal(gatewayFromRoutes(onlyOurs, WAN, OWN, 'inet6'), null);
});

test('families do not mix: IPv6 routes give no IPv4 gateway and the reverse', () => {
  assert.equal(gatewayFromRoutes(captured, WAN, OWN), null, 'the default family is inet');
  const v4 = route6({ family: 'inet', gateway: '100.64.1.1' });
  assert.equal(gatewayFromRoutes([v4], WAN, OWN, 'inet6'), null);
  assert.equal(gatewayFromRoutes([v4], WAN, OWN, 'inet'), '100.64.1.1');
});

test('the interface travels with the gateway (a link-local next hop needs it)', () => {
  assert.deepEqual(gatewayFromRoute(route6({}), WAN, OWN, 'inet6'), { gateway: 'fe80::1', oif: WAN, isDefault: true });
  assert.equal(gatewayFromRoute(route6({}), WAN + 1, OWN, 'inet6'), null, 'another interface\'s router is not ours');
});

test('IPv6: only default routes count, in any table; a global next hop works too', () => {
  assert.equal(gatewayFromRoutes([route6({ dst: '2001:db8:aa::', dstLength: 48, gateway: 'fe80::9' })], WAN, OWN, 'inet6'), null);
  assert.equal(gatewayFromRoutes([route6({ table: 300, gateway: 'fe80::7' })], WAN, OWN, 'inet6'), 'fe80::7');
  assert.equal(gatewayFromRoutes([route6({ gateway: '2001:db8:1::1', protocol: 4 })], WAN, OWN, 'inet6'), '2001:db8:1::1');
  assert.equal(gatewayFromRoutes([route6({ gateway: null })], WAN, OWN, 'inet6'), null);
});

test('a tracker per family: static gateway6 wins, a learned one is remembered after the route goes', () => {
  const t6 = new GatewayTracker([{ name: 'a', gateway: null }, { name: 'b', gateway: '2001:db8:2::1' }]);
  assert.equal(t6.set('a', 'netlink', 'fe80::1'), true);
  assert.deepEqual(t6.resolve('a'), { gateway: 'fe80::1', source: 'netlink' });
  assert.equal(t6.set('b', 'netlink', 'fe80::1'), false);
  assert.deepEqual(t6.resolve('b'), { gateway: '2001:db8:2::1', source: 'config' });
});
