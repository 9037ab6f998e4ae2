// The pure decoders against real IPv6 kernel messages (fixtures/netlink/capture-inet6.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddress, decodeEvent, decodeRoute, decodeRule } from '../../../src/netlink/decode.js';
import type { RouteEntry, RuleEntry } from '../../../src/netlink/types.js';
import { loadCapture } from './fixture.js';

const all = loadCapture('capture-inet6.json');
const dumped = all.filter((m) => m.step === 'dump');
const routes = dumped.flatMap((m) => (m.wire.kind === 'route' ? [decodeRoute(m.wire)] : [])).filter((r): r is RouteEntry => r !== null);
const rules = dumped.flatMap((m) => (m.wire.kind === 'rule' ? [decodeRule(m.wire)] : [])).filter((r): r is RuleEntry => r !== null);
const WAN = 2;

test('IPv6 addresses: global and link-local with prefix length and scope', () => {
  const addrs = dumped.flatMap((m) => (m.wire.kind === 'address' ? [decodeAddress(m.wire)] : []));
  const six = addrs.filter((a) => a?.family === 'inet6' && a.index === WAN);
  assert.ok(six.some((a) => a?.address === '2001:db8:1::2' && a.prefixLength === 64 && a.scope === 0));
  assert.ok(six.some((a) => a?.address.startsWith('fe80::') && a.scope === 253), 'link-local, scope link');
});

test('the RA default route: ::/0 via the link-local router, proto ra (9), metric 1024, in main', () => {
  const ra = routes.filter((r) => r.family === 'inet6' && r.protocol === 9 && r.dst === null);
  assert.equal(ra.length, 1);
  assert.deepEqual(
    [ra[0].table, ra[0].dstLength, ra[0].gateway, ra[0].oif, ra[0].priority, ra[0].type],
    [254, 0, 'fe80::1', WAN, 1024, 1],
  );
});

test('our IPv6 default in table 1001 (only in RTA_TABLE) and IPv4 routes sit in one snapshot', () => {
  const ours = routes.filter((r) => r.family === 'inet6' && r.table === 1001);
  assert.equal(ours.length, 1);
  assert.deepEqual([ours[0].gateway, ours[0].protocol, ours[0].priority], ['fe80::1', 201, 1]);
  assert.ok(routes.some((r) => r.family === 'inet'), 'the IPv4 dump is in the same capture');
  assert.ok(routes.some((r) => r.family === 'inet6' && r.dst === '2001:db8:1::' && r.dstLength === 64 && r.gateway === null));
});

test('IPv6 rules: our oif rule in family inet6 with protocol, beside the kernel defaults', () => {
  const ours = rules.filter((r) => r.family === 'inet6' && r.oifname === 'wan0');
  assert.equal(ours.length, 1);
  assert.deepEqual([ours[0].priority, ours[0].table, ours[0].protocol, ours[0].action], [1000, 1001, 201, 1]);
  assert.ok(rules.some((r) => r.family === 'inet6' && r.priority === 32766 && r.table === 254));
  assert.ok(rules.some((r) => r.family === 'inet' && r.priority === 32766));
});

test('a rule message becomes a rule event (new/del) for a monitor subscribed to rules', () => {
  const msg = dumped.find((m) => m.wire.kind === 'rule' && decodeRule(m.wire)?.oifname === 'wan0')!;
  const added = decodeEvent(32, msg.wire);
  assert.ok(added?.kind === 'rule' && added.op === 'new');
  assert.deepEqual([added.rule.family, added.rule.priority, added.rule.table, added.rule.protocol], ['inet6', 1000, 1001, 201]);
  const removed = decodeEvent(33, msg.wire);
  assert.ok(removed?.kind === 'rule' && removed.op === 'del');
  assert.equal(decodeEvent(34, msg.wire), null, 'RTM_GETRULE is a request, not a notification');
});

test('notifications: address add, our replace/delete at metric 512, an RA route coming and going', () => {
  const events = all.filter((m) => m.source === 'event').map((m) => ({ step: m.step, e: decodeEvent(m.type, m.wire) }));
  const addr = events.find((x) => x.step === 'addr-add' && x.e?.kind === 'address')?.e;
  assert.ok(addr?.kind === 'address' && addr.op === 'new' && addr.address.address === '2001:db8:1::3' && addr.address.family === 'inet6');
  const repl = events.filter((x) => x.step === 'replace-default6').map((x) => x.e);
  assert.equal(repl.length, 1);
  assert.ok(repl[0]?.kind === 'route' && repl[0].op === 'new');
  assert.deepEqual([repl[0].route.family, repl[0].route.gateway, repl[0].route.priority, repl[0].route.protocol, repl[0].route.oif],
    ['inet6', 'fe80::1', 512, 201, WAN]);
  const del = events.find((x) => x.step === 'delete-default6')?.e;
  assert.ok(del?.kind === 'route' && del.op === 'del' && del.route.priority === 512);
  const raAdd = events.find((x) => x.step === 'ra-route-add')?.e;
  const raDel = events.find((x) => x.step === 'ra-route-del')?.e;
  assert.ok(raAdd?.kind === 'route' && raAdd.op === 'new' && raAdd.route.protocol === 9 && raAdd.route.gateway === 'fe80::2');
  assert.ok(raDel?.kind === 'route' && raDel.op === 'del' && raDel.route.gateway === 'fe80::2');
});
