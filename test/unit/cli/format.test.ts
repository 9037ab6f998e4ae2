// Unit tests of the pure netlink formatting used by `wanctl dump` and `wanctl monitor`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dumpJson, eventLine, ifnameMap, renderDump, routeRows, ruleAction, ruleRows, ruleSelector, sortRoutes, trackIfnames,
  type DumpContext,
} from '../../../src/cli/format.js';
import { makePainter } from '../../../src/cli/io.js';
import type { LinkState, NetlinkSnapshot, RouteEntry, RuleEntry } from '../../../src/netlink/types.js';

const plain = makePainter(false);

const link = (index: number, name: string, carrier = true): LinkState => ({
  index, name, adminUp: true, carrier, operstate: carrier ? 'up' : 'lowerlayerdown', mac: '02:00:00:00:00:0' + index,
  mtu: 1500, stats: { rxBytes: 10, txBytes: 20, rxPackets: 1, txPackets: 2, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 },
});

const route = (over: Partial<RouteEntry>): RouteEntry => ({
  family: 'inet', table: 254, dst: null, dstLength: 0, gateway: null, oif: 2, priority: null, protocol: 4,
  scope: 0, type: 1, prefsrc: null, ...over,
});

const rule = (over: Partial<RuleEntry>): RuleEntry => ({
  family: 'inet', priority: 1000, table: 1000, oifname: 'wan0', iifname: null, src: null, srcLength: 0,
  dst: null, dstLength: 0, fwmark: null, protocol: 201, action: 1, ...over,
});

const snap: NetlinkSnapshot = {
  links: [link(1, 'lo'), link(2, 'wan0'), link(3, 'wan1', false)],
  addresses: [{ index: 2, family: 'inet', address: '198.51.100.2', prefixLength: 24, label: 'wan0', scope: 0 }],
  routes: [
    route({ table: 255, dst: '198.51.100.2', dstLength: 32, type: 2, scope: 254, protocol: 2 }),
    route({ table: 1001, gateway: '203.0.113.1', oif: 3, protocol: 201 }),
    route({ gateway: '198.51.100.1', priority: 0, protocol: 201 }),
    route({ dst: '198.51.100.0', dstLength: 24, scope: 253, protocol: 2 }),
  ],
  rules: [rule({}), rule({ priority: 32766, table: 254, oifname: null, protocol: 2 })],
};

const ctx: DumpContext = { routeProtocol: 201, ifnames: ifnameMap(snap.links) };

test('routes: main first, custom tables next, local last; kernel order kept within a table', () => {
  assert.deepEqual(sortRoutes(snap.routes).map((r) => [r.table, r.dst]), [
    [254, null], [254, '198.51.100.0'], [1001, null], [255, '198.51.100.2'],
  ]);
});

test('the daemon\'s routes are marked by protocol and named wan-failover', () => {
  const { rows } = routeRows(snap.routes, ctx, plain);
  const text = rows.map((r) => r.map((c) => (typeof c === 'string' ? c : c.text)));
  assert.deepEqual(text[0], ['main', 'inet', 'default', '198.51.100.1', 'wan0', '0', 'wan-failover', 'global', 'unicast', '', '*']);
  assert.equal(text[1][10], '');
  assert.equal(text[1][6], 'kernel');
  assert.equal(text[2][4], 'wan1');
});

test('another route_protocol moves the mark', () => {
  const { rows } = routeRows(snap.routes, { ...ctx, routeProtocol: 2 }, plain);
  const ours = rows.map((r) => r[10]);
  assert.deepEqual(ours, ['', '*', '', '*']);
});

test('rules read like ip rule', () => {
  assert.equal(ruleSelector(snap.rules[0]), 'from all oif wan0');
  assert.equal(ruleAction(snap.rules[0]), 'lookup 1000');
  assert.equal(ruleAction(snap.rules[1]), 'lookup main');
  assert.equal(ruleSelector(rule({ src: '198.51.100.0', srcLength: 24, oifname: null, iifname: 'lan0', fwmark: 16 })),
    'from 198.51.100.0/24 fwmark 0x10 iif lan0');
  assert.equal(ruleAction(rule({ action: 6 })), 'blackhole');
});

test('dumpJson has only the asked sections, names resolved, ours marked', () => {
  const j = dumpJson(snap, ['routes', 'rules'], ctx);
  assert.deepEqual(Object.keys(j).sort(), ['routeProtocol', 'routes', 'rules']);
  const routes = j.routes as Array<Record<string, unknown>>;
  assert.equal(routes[0].ours, true);
  assert.equal(routes[0].dev, 'wan0');
  assert.equal(routes[0].tableName, 'main');
  assert.equal(routes[0].protocolName, 'wan-failover');
  assert.equal((j.rules as Array<Record<string, unknown>>)[1].ours, false);
  // Survives a JSON round trip: scripts get plain data.
  assert.deepEqual(JSON.parse(JSON.stringify(j)), j);
});

test('renderDump titles sections only when several are shown', () => {
  const one = renderDump(snap, ['addrs'], ctx, plain);
  assert.equal(one[0].startsWith('DEV'), true);
  assert.ok(one[1].includes('198.51.100.2/24'));
  const all = renderDump(snap, ['links', 'addrs', 'routes', 'rules'], ctx, plain);
  for (const t of ['Links:', 'Addresses:', 'Routes:', 'Rules:']) assert.ok(all.includes(t), t);
  assert.ok(all.some((l) => /^\s+3\s+wan1\s+up\s+LOWERLAYERDOWN\s+no\s/.test(l)));
});

test('event lines name devices and mark our routes', () => {
  assert.equal(eventLine({ kind: 'route', op: 'new', route: snap.routes[2] }, ctx),
    'route new default via 198.51.100.1 dev wan0 table main proto wan-failover metric 0 (ours)');
  assert.equal(eventLine({ kind: 'link', op: 'new', link: link(3, 'wan1', false) }, ctx),
    'link new 3: wan1 up state LOWERLAYERDOWN carrier off mtu 1500 mac 02:00:00:00:00:03');
  assert.match(eventLine({ kind: 'resync', reason: 'ENOBUFS' }, ctx), /^resync: .*ENOBUFS/);
  assert.equal(eventLine({ kind: 'address', op: 'del', address: snap.addresses[0] }, ctx),
    'addr del wan0 inet 198.51.100.2/24 scope global');
});

test('trackIfnames learns new links from events', () => {
  const names = new Map<number, string>();
  trackIfnames({ kind: 'link', op: 'new', link: link(7, 'wan7') }, names);
  assert.equal(names.get(7), 'wan7');
});

test('both families: the routes table has a FAMILY column; IPv6 route events say inet6', () => {
  const ra = { ...snap.routes[2]!, family: 'inet6' as const, gateway: 'fe80::1', protocol: 9, priority: 1024 };
  assert.equal(eventLine({ kind: 'route', op: 'new', route: ra }, ctx), 'route new inet6 default via fe80::1 dev wan0 table main proto ra metric 1024');
  const t = routeRows([snap.routes[2]!, ra], ctx, plain);
  assert.equal(t.columns[1]!.header, 'FAMILY');
  assert.deepEqual(t.rows.map((r) => r[1]), ['inet', 'inet6']);
});

test('IPv6 in dump and monitor: our inet6 default route, table route and oif rule are marked like the IPv4 ones', () => {
  const ours6 = route({ family: 'inet6', gateway: 'fe80::1', priority: 512, protocol: 201 });
  const table6 = route({ family: 'inet6', table: 1001, gateway: 'fe80::2', oif: 3, protocol: 201 });
  const rule6 = rule({ family: 'inet6', table: 1001, oifname: 'wan1' });
  const s6: NetlinkSnapshot = { ...snap, routes: [...snap.routes, ours6, table6], rules: [...snap.rules, rule6] };
  const routes = routeRows(s6.routes, ctx, plain).rows.map((r) => r.map((c) => (typeof c === 'string' ? c : c.text)));
  assert.ok(routes.some((r) => r.join('|') === 'main|inet6|default|fe80::1|wan0|512|wan-failover|global|unicast||*'), JSON.stringify(routes));
  assert.ok(routes.some((r) => r.join('|') === '1001|inet6|default|fe80::2|wan1||wan-failover|global|unicast||*'));
  const rules = ruleRows(s6.rules, ctx, plain).rows.map((r) => r.map((c) => (typeof c === 'string' ? c : c.text)));
  assert.deepEqual(rules.at(-1), ['1000', 'inet6', 'from all oif wan1', 'lookup 1001', 'wan-failover', '*']);
  const j = dumpJson(s6, ['routes', 'rules'], ctx);
  assert.equal((j.rules as Array<Record<string, unknown>>).filter((r) => r.family === 'inet6' && r.ours === true).length, 1);
  assert.equal((j.routes as Array<Record<string, unknown>>).filter((r) => r.family === 'inet6' && r.ours === true).length, 2);
  assert.equal(eventLine({ kind: 'route', op: 'new', route: ours6 }, ctx), 'route new inet6 default via fe80::1 dev wan0 table main proto wan-failover metric 512 (ours)');
  assert.equal(eventLine({ kind: 'route', op: 'del', route: table6 }, ctx), 'route del inet6 default via fe80::2 dev wan1 table 1001 proto wan-failover (ours)');
  assert.equal(eventLine({ kind: 'rule', op: 'new', rule: rule6 }, ctx), 'rule new inet6 1000: from all oif wan1 lookup 1001 proto wan-failover (ours)');
  assert.equal(eventLine({ kind: 'rule', op: 'del', rule: snap.rules[1]! }, ctx), 'rule del 32766: from all lookup main proto kernel');
});
