// Lab test of the real rtnetlink adapter for IPv6, in throw-away `wfm-` namespaces (2001:db8::/32
// only): dumps and notifications of both families, the RA-style default route the kernel leaves
// (`proto ra metric 1024` via a link-local router), the daemon's IPv6 default route swapped in one
// RTM_NEWROUTE between interfaces without touching the RA route, IPv6 tables and `oif` rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetlinkEvent, NetlinkSnapshot, RouteEntry } from '../../src/netlink/types.js';
import { DriverClient } from './netlink-driver-client.js';
import { addNetns, addVethPair, deleteNetns, ip, isRoot } from './netlink-netns.js';

const skip = isRoot() ? false : 'needs root (network namespaces)';
const PROTO = 201;
const METRIC = 512;
const EVENT_WAIT_MS = 5000;
const namespaces: string[] = [];
let nsA = '';
let drv: DriverClient | null = null;
let wan0 = 0;
let wan1 = 0;

const isMainDefault6 = (r: RouteEntry): boolean => r.family === 'inet6' && r.table === 254 && r.dst === null && r.dstLength === 0;
const ours = (r: RouteEntry): boolean => isMainDefault6(r) && r.protocol === PROTO && r.priority === METRIC;
const isOursEvent = (op: 'new' | 'del', oif?: number) => (e: NetlinkEvent): boolean =>
  e.kind === 'route' && e.op === op && ours(e.route) && (oif === undefined || e.route.oif === oif);
const d = (): DriverClient => drv!;
const dump = (): Promise<NetlinkSnapshot> => d().call<NetlinkSnapshot>('dump');

before(async () => {
  if (skip) return;
  nsA = addNetns('lab6');
  namespaces.push(nsA);
  const peers = [addNetns('isp6a'), addNetns('isp6b')];
  namespaces.push(...peers);
  ['wan0', 'wan1'].forEach((wan, i) => {
    const peer = peers[i]!;
    addVethPair(nsA, wan, peer, 'peer0');
    ip(['-n', nsA, '-6', 'addr', 'add', `2001:db8:${i + 1}::2/64`, 'dev', wan, 'nodad']);
    ip(['-n', nsA, 'link', 'set', wan, 'up']);
    ip(['-n', peer, '-6', 'addr', 'add', `2001:db8:${i + 1}::1/64`, 'dev', 'peer0', 'nodad']);
    ip(['-n', peer, '-6', 'addr', 'add', 'fe80::1/64', 'dev', 'peer0', 'nodad']);
    ip(['-n', peer, 'link', 'set', 'peer0', 'up']);
  });
  drv = new DriverClient(nsA);
  await d().call('start');
});

after(async () => {
  try {
    await drv?.close();
  } finally {
    deleteNetns(namespaces);
  }
});

test('dump holds IPv6 addresses, routes and rules beside IPv4', { skip }, async () => {
  const snap = await dump();
  wan0 = snap.links.find((l) => l.name === 'wan0')!.index;
  wan1 = snap.links.find((l) => l.name === 'wan1')!.index;
  assert.ok(snap.addresses.some((a) => a.family === 'inet6' && a.index === wan0 && a.address === '2001:db8:1::2' && a.prefixLength === 64));
  assert.ok(snap.routes.some((r) => r.family === 'inet6' && r.table === 254 && r.dst === '2001:db8:2::' && r.oif === wan1));
  assert.ok(snap.routes.some((r) => r.family === 'inet' && r.table === 255), 'IPv4 local routes still dumped');
  assert.ok(snap.rules.some((r) => r.family === 'inet6' && r.priority === 32766 && r.table === 254));
  assert.ok(snap.rules.some((r) => r.family === 'inet' && r.priority === 32766 && r.table === 254));
});

test('an RA-style default route (proto ra, link-local next hop) is dumped and notified', { skip }, async () => {
  ip(['-n', nsA, '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'wan0', 'proto', 'ra', 'metric', '1024', 'expires', '1800']);
  const ev = await d().waitForEvent((e) => e.kind === 'route' && e.op === 'new' && isMainDefault6(e.route) && e.route.protocol === 9, EVENT_WAIT_MS);
  assert.ok(ev?.kind === 'route', 'monitor saw the RA route');
  assert.deepEqual([ev.route.gateway, ev.route.oif, ev.route.priority], ['fe80::1', wan0, 1024]);
  const ra = (await dump()).routes.filter((r) => isMainDefault6(r) && r.protocol === 9);
  assert.equal(ra.length, 1);
  assert.deepEqual([ra[0]!.gateway, ra[0]!.oif, ra[0]!.priority], ['fe80::1', wan0, 1024]);
});

test('our IPv6 default route is swapped between interfaces in one RTM_NEWROUTE; the RA route stays', { skip }, async () => {
  await d().call('replaceDefaultRoute', { family: 'inet6', table: 254, gateway: 'fe80::1', oif: wan0, metric: METRIC, protocol: PROTO });
  let mine = (await dump()).routes.filter(ours);
  assert.equal(mine.length, 1);
  assert.deepEqual([mine[0]!.gateway, mine[0]!.oif], ['fe80::1', wan0]);
  assert.ok(await d().waitForEvent(isOursEvent('new', wan0), EVENT_WAIT_MS));

  // Both ISPs use fe80::1: only the interface tells them apart, as with real RA routers.
  await d().call('replaceDefaultRoute', { family: 'inet6', table: 254, gateway: 'fe80::1', oif: wan1, metric: METRIC, protocol: PROTO });
  const snap = await dump();
  mine = snap.routes.filter(ours);
  assert.equal(mine.length, 1, 'exactly one of our IPv6 default routes');
  assert.equal(mine[0]!.oif, wan1);
  assert.ok(await d().waitForEvent(isOursEvent('new', wan1), EVENT_WAIT_MS), 'monitor saw the swap');
  assert.equal(d().events.filter(isOursEvent('del')).length, 0, 'no RTM_DELROUTE for our route: never a gap');
  const ra = snap.routes.filter((r) => isMainDefault6(r) && r.protocol === 9);
  assert.deepEqual(ra.map((r) => [r.oif, r.priority]), [[wan0, 1024]], 'the RA route is left alone');
});

test('a global gateway works too, and deleting our route leaves the RA one', { skip }, async () => {
  await d().call('replaceDefaultRoute', { family: 'inet6', table: 254, gateway: '2001:db8:2::1', oif: wan1, metric: METRIC, protocol: PROTO });
  assert.equal((await dump()).routes.filter(ours)[0]?.gateway, '2001:db8:2::1');
  await d().call('deleteDefaultRoute', { family: 'inet6', table: 254, metric: METRIC, protocol: PROTO });
  await d().call('deleteDefaultRoute', { family: 'inet6', table: 254, metric: METRIC, protocol: PROTO });
  const snap = await dump();
  assert.equal(snap.routes.filter(ours).length, 0);
  assert.equal(snap.routes.filter((r) => isMainDefault6(r) && r.protocol === 9).length, 1, 'RA route still there');
  assert.ok(await d().waitForEvent(isOursEvent('del'), EVENT_WAIT_MS), 'monitor saw the delete');
});

test('a per-link IPv6 table above 255 (RTA_TABLE): replace, then delete by protocol at any metric', { skip }, async () => {
  await d().call('replaceDefaultRoute', { family: 'inet6', table: 1001, gateway: 'fe80::1', oif: wan0, metric: 1, protocol: PROTO });
  await d().call('replaceDefaultRoute', { family: 'inet6', table: 1001, gateway: 'fe80::1', oif: wan0, metric: 1, protocol: PROTO });
  let t = (await dump()).routes.filter((r) => r.table === 1001 && r.dst === null);
  assert.equal(t.length, 1);
  assert.deepEqual([t[0]!.family, t[0]!.gateway, t[0]!.oif, t[0]!.priority, t[0]!.protocol], ['inet6', 'fe80::1', wan0, 1, PROTO]);
  await d().call('deleteDefaultRoute', { family: 'inet6', table: 1001, metric: 0, protocol: PROTO });
  t = (await dump()).routes.filter((r) => r.table === 1001);
  assert.equal(t.length, 0);
});

test('IPv6 oif rules: add/delete round trip, idempotent, independent of the IPv4 rule', { skip }, async () => {
  const spec = { priority: 1000, oifname: 'wan0', table: 1001, protocol: PROTO };
  await d().call('addRule', { ...spec, family: 'inet6' });
  await d().call('addRule', { ...spec, family: 'inet6' });
  await d().call('addRule', spec);
  let rules = (await dump()).rules.filter((r) => r.oifname === 'wan0');
  assert.deepEqual(rules.map((r) => r.family).sort(), ['inet', 'inet6'], 'one rule per family, no duplicate');
  const six = rules.find((r) => r.family === 'inet6')!;
  assert.deepEqual([six.priority, six.table, six.protocol], [1000, 1001, PROTO]);
  await d().call('deleteRule', { ...spec, family: 'inet6' });
  await d().call('deleteRule', { ...spec, family: 'inet6' });
  rules = (await dump()).rules.filter((r) => r.oifname === 'wan0');
  assert.deepEqual(rules.map((r) => r.family), ['inet'], 'the IPv4 rule is untouched');
  await d().call('deleteRule', spec);
});

test('IPv6 address notifications arrive', { skip }, async () => {
  ip(['-n', nsA, '-6', 'addr', 'add', '2001:db8:1::5/64', 'dev', 'wan0', 'nodad']);
  const ev = await d().waitForEvent((e) => e.kind === 'address' && e.op === 'new' && e.address.address === '2001:db8:1::5', EVENT_WAIT_MS);
  assert.ok(ev?.kind === 'address' && ev.address.family === 'inet6' && ev.address.index === wan0);
  ip(['-n', nsA, '-6', 'addr', 'del', '2001:db8:1::5/64', 'dev', 'wan0']);
  assert.ok(await d().waitForEvent((e) => e.kind === 'address' && e.op === 'del' && e.address.address === '2001:db8:1::5', EVENT_WAIT_MS));
});

test('refused requests: metric 0 (EINVAL, ours) and an off-link global gateway (the kernel\'s errno)', { skip }, async () => {
  await assert.rejects(
    d().call('replaceDefaultRoute', { family: 'inet6', table: 254, gateway: 'fe80::1', oif: wan0, metric: 0, protocol: PROTO }),
    (e: { code?: string; details?: Record<string, unknown> }) => e.code === 'WAN_ERR_NETLINK' && e.details?.errno === 'EINVAL',
  );
  await assert.rejects(
    d().call('replaceDefaultRoute', { family: 'inet6', table: 254, gateway: '2001:db8:99::1', oif: wan0, metric: METRIC, protocol: PROTO }),
    (e: { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'WAN_ERR_NETLINK');
      assert.equal(typeof e.details?.errno, 'string');
      assert.notEqual(e.details?.errno, 'EINVAL');
      return true;
    },
  );
  assert.equal((await dump()).routes.filter(ours).length, 0);
});
