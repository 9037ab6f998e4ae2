import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddress, decodeEvent, decodeLink, decodeRoute, decodeRule } from '../../../src/netlink/decode.js';
import type { AddressEntry, LinkState, RouteEntry, RuleEntry } from '../../../src/netlink/types.js';
import { loadCapture } from './fixture.js';

const all = loadCapture();
const dumped = all.filter((m) => m.step === 'dump');
const links: LinkState[] = dumped.flatMap((m) => (m.wire.kind === 'link' ? [decodeLink(m.wire)] : []));
const addrs: AddressEntry[] = dumped.flatMap((m) => (m.wire.kind === 'address' ? [decodeAddress(m.wire)].filter((x): x is AddressEntry => x !== null) : []));
const routes: RouteEntry[] = dumped.flatMap((m) => (m.wire.kind === 'route' ? [decodeRoute(m.wire)].filter((x): x is RouteEntry => x !== null) : []));
const rules: RuleEntry[] = dumped.flatMap((m) => (m.wire.kind === 'rule' ? [decodeRule(m.wire)].filter((x): x is RuleEntry => x !== null) : []));

test('link dump: loopback and the veth with carrier, mac, mtu and stats64', () => {
  const lo = links.find((l) => l.name === 'lo');
  assert.ok(lo);
  assert.equal(lo.index, 1);
  assert.equal(lo.mac, '00:00:00:00:00:00');
  const wan = links.find((l) => l.name === 'wan0');
  assert.ok(wan);
  assert.equal(wan.adminUp, true);
  assert.equal(wan.carrier, true);
  assert.equal(wan.operstate, 'up');
  assert.equal(wan.mtu, 1500);
  assert.match(wan.mac ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  // The counters the kernel had in the captured message (IFLA_STATS64, struct rtnl_link_stats64):
  // a field read at the wrong offset or swapped (packets vs bytes, rx vs tx) changes them.
  assert.deepEqual(wan.stats, { rxBytes: 266, txBytes: 596, rxPackets: 3, txPackets: 6, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 });
});

test('link events: peer down clears carrier (admin still up), peer up restores it', () => {
  const down = all.find((m) => m.step === 'peer-down' && m.wire.kind === 'link');
  const up = all.find((m) => m.step === 'peer-up' && m.wire.kind === 'link');
  assert.ok(down && up);
  const d = decodeEvent(down.type, down.wire);
  assert.ok(d && d.kind === 'link');
  assert.equal(d.op, 'new');
  assert.equal(d.link.name, 'wan0');
  assert.equal(d.link.adminUp, true);
  assert.equal(d.link.carrier, false);
  // veth reports IF_OPER_DOWN (not LOWERLAYERDOWN) when its peer goes down.
  assert.equal(d.link.operstate, 'down');
  const u = decodeEvent(up.type, up.wire);
  assert.ok(u && u.kind === 'link');
  assert.equal(u.link.carrier, true);
});

test('address dump: IPv4 with label and IPv6, prefix lengths and scope', () => {
  const v4 = addrs.find((a) => a.address === '198.51.100.2');
  assert.deepEqual(v4 && { ...v4, index: 0 }, { index: 0, family: 'inet', address: '198.51.100.2', prefixLength: 24, label: 'wan0', scope: 0 });
  const v6 = addrs.find((a) => a.address === '2001:db8:1::2');
  assert.ok(v6);
  assert.equal(v6.family, 'inet6');
  assert.equal(v6.prefixLength, 64);
  assert.equal(v6.label, null);
  assert.ok(addrs.some((a) => a.address === '127.0.0.1' && a.scope === 254));
});

test('route dump: default via gateway in main with protocol dhcp and metric', () => {
  const wan = links.find((l) => l.name === 'wan0');
  const def = routes.find((r) => r.table === 254 && r.dst === null);
  assert.deepEqual(def, {
    family: 'inet', table: 254, dst: null, dstLength: 0, gateway: '198.51.100.1', oif: wan?.index ?? -1,
    priority: 50, protocol: 16, scope: 0, type: 1, prefsrc: null,
  });
  const connected = routes.find((r) => r.table === 254 && r.dst === '198.51.100.0');
  assert.ok(connected);
  assert.equal(connected.dstLength, 24);
  assert.equal(connected.protocol, 2);
  assert.equal(connected.scope, 253);
  assert.equal(connected.prefsrc, '198.51.100.2');
  assert.ok(routes.some((r) => r.table === 255 && r.type === 2), 'local table routes keep their table and type');
});

test('route dump: a table id above 255 comes from RTA_TABLE', () => {
  const t = routes.find((r) => r.table === 1000);
  assert.ok(t);
  assert.equal(t.dst, null);
  assert.equal(t.gateway, '198.51.100.1');
  assert.equal(t.protocol, 201);
  assert.equal(t.priority, null);
});

test('rule dump: oif rule with table, priority and protocol, plus the kernel defaults', () => {
  const ours = rules.find((r) => r.oifname === 'wan0');
  assert.deepEqual(ours, {
    family: 'inet', priority: 1000, table: 1000, oifname: 'wan0', iifname: null, src: null, srcLength: 0,
    dst: null, dstLength: 0, fwmark: null, protocol: 201, action: 1,
  });
  const main = rules.find((r) => r.table === 254);
  assert.ok(main);
  assert.equal(main.priority, 32766);
  assert.ok(rules.some((r) => r.table === 255 && (r.priority === null || r.priority === 0)));
});

test('route events: replace is RTM_NEWROUTE, delete is RTM_DELROUTE, both decoded', () => {
  const add = all.find((m) => m.step === 'replace-default');
  const del = all.find((m) => m.step === 'delete-default');
  assert.ok(add && del);
  const a = decodeEvent(add.type, add.wire);
  const d = decodeEvent(del.type, del.wire);
  assert.ok(a && a.kind === 'route' && d && d.kind === 'route');
  assert.equal(a.op, 'new');
  assert.equal(d.op, 'del');
  assert.equal(a.route.priority, 100);
  assert.equal(a.route.protocol, 201);
  assert.equal(a.route.gateway, '198.51.100.1');
});

test('decodeEvent ignores unknown kinds and rule requests; rule notifications are events (monitors subscribed to rules)', () => {
  const rule = dumped.find((m) => m.wire.kind === 'rule');
  assert.ok(rule);
  assert.equal(decodeEvent(34, rule.wire), null, 'RTM_GETRULE');
  assert.equal(decodeEvent(32, rule.wire)?.kind, 'rule');
  assert.equal(decodeEvent(28, { kind: 'other' }), null);
});

test('decodeRoute maps library enum names back to kernel numbers', () => {
  const r = decodeRoute({
    kind: 'route',
    data: { family: 2, dstLen: 0, table: 254, protocol: 'STATIC', scope: 'LINK', type: 'BLACKHOLE' },
    attrs: {},
  });
  assert.ok(r);
  assert.equal(r.protocol, 4);
  assert.equal(r.scope, 253);
  assert.equal(r.type, 6);
  assert.equal(decodeRoute({ kind: 'route', data: { family: 7 }, attrs: {} }), null);
});
