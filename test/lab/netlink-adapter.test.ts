// Lab test of the real rtnetlink adapter: runs it inside throw-away `wfm-` namespaces joined by
// a veth pair and checks dumps, atomic default-route replace, rules, carrier events and resync.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetlinkEvent, NetlinkSnapshot, RouteEntry } from '../../src/netlink/types.js';
import { DriverClient } from './netlink-driver-client.js';
import { addNetns, addVethPair, deleteNetns, ip, isRoot } from './netlink-netns.js';

const skip = isRoot() ? false : 'needs root (network namespaces)';
const PROTO = 201;
const EVENT_WAIT_MS = 5000;
const namespaces: string[] = [];
const drivers: DriverClient[] = [];
let nsA = '';
let nsB = '';
let drv: DriverClient;
let wanIndex = 0;

const isMainDefault = (r: RouteEntry): boolean => r.family === 'inet' && r.table === 254 && r.dst === null && r.dstLength === 0;
const isOurDefaultEvent = (op: 'new' | 'del', gw?: string) => (e: NetlinkEvent): boolean =>
  e.kind === 'route' && e.op === op && isMainDefault(e.route) && e.route.priority === 100 && (gw === undefined || e.route.gateway === gw);

before(async () => {
  if (skip) return;
  nsA = addNetns('lab');
  namespaces.push(nsA);
  nsB = addNetns('peer');
  namespaces.push(nsB);
  addVethPair(nsA, 'wan0', nsB, 'peer0');
  ip(['-n', nsA, 'addr', 'add', '198.51.100.2/24', 'dev', 'wan0']);
  ip(['-n', nsA, 'link', 'set', 'wan0', 'up']);
  ip(['-n', nsB, 'addr', 'add', '198.51.100.1/24', 'dev', 'peer0']);
  ip(['-n', nsB, 'link', 'set', 'peer0', 'up']);
  drv = new DriverClient(nsA);
  drivers.push(drv);
  await drv.call('start');
});

after(async () => {
  try {
    for (const d of drivers) await d.close();
  } finally {
    deleteNetns(namespaces);
  }
});

test('dump sees the veth with carrier, its address and the connected route', { skip }, async () => {
  const snap = await drv.call<NetlinkSnapshot>('dump');
  const wan = snap.links.find((l) => l.name === 'wan0');
  assert.ok(wan, 'wan0 in link dump');
  assert.equal(wan.carrier, true);
  assert.equal(wan.adminUp, true);
  assert.ok(wan.stats, 'stats64 present');
  wanIndex = wan.index;
  assert.ok(snap.addresses.some((a) => a.index === wan.index && a.address === '198.51.100.2' && a.prefixLength === 24));
  assert.ok(snap.routes.some((r) => r.table === 254 && r.dst === '198.51.100.0' && r.oif === wan.index));
  assert.ok(snap.rules.some((r) => r.table === 254 && r.priority === 32766));
});

test('replaceDefaultRoute installs, then swaps the gateway without a delete', { skip }, async () => {
  await drv.call('replaceDefaultRoute', { table: 254, gateway: '198.51.100.1', oif: wanIndex, metric: 100, protocol: PROTO });
  let defaults = (await drv.call<NetlinkSnapshot>('dump')).routes.filter(isMainDefault);
  assert.equal(defaults.length, 1);
  assert.deepEqual([defaults[0].gateway, defaults[0].priority, defaults[0].protocol, defaults[0].oif], ['198.51.100.1', 100, PROTO, wanIndex]);

  await drv.call('replaceDefaultRoute', { table: 254, gateway: '198.51.100.3', oif: wanIndex, metric: 100, protocol: PROTO });
  defaults = (await drv.call<NetlinkSnapshot>('dump')).routes.filter(isMainDefault);
  assert.equal(defaults.length, 1, 'exactly one default route at metric 100');
  assert.equal(defaults[0].gateway, '198.51.100.3');
  assert.ok(await drv.waitForEvent(isOurDefaultEvent('new', '198.51.100.3'), EVENT_WAIT_MS), 'monitor saw the new route');
  assert.equal(drv.events.filter(isOurDefaultEvent('del')).length, 0, 'no RTM_DELROUTE for the default route');
});

test('replaceDefaultRoute in a table above 255 uses RTA_TABLE', { skip }, async () => {
  await drv.call('replaceDefaultRoute', { table: 1000, gateway: '198.51.100.1', oif: wanIndex, metric: 10, protocol: PROTO });
  const routes = (await drv.call<NetlinkSnapshot>('dump')).routes.filter((r) => r.table === 1000 && r.dst === null);
  assert.equal(routes.length, 1);
  assert.equal(routes[0].priority, 10);
  await drv.call('deleteDefaultRoute', { table: 1000, metric: 10, protocol: PROTO });
  assert.equal((await drv.call<NetlinkSnapshot>('dump')).routes.filter((r) => r.table === 1000).length, 0);
});

test('deleteDefaultRoute is idempotent', { skip }, async () => {
  await drv.call('deleteDefaultRoute', { table: 254, metric: 100, protocol: PROTO });
  await drv.call('deleteDefaultRoute', { table: 254, metric: 100, protocol: PROTO });
  const defaults = (await drv.call<NetlinkSnapshot>('dump')).routes.filter(isMainDefault);
  assert.equal(defaults.length, 0);
  assert.ok(await drv.waitForEvent(isOurDefaultEvent('del'), EVENT_WAIT_MS), 'monitor saw the delete');
});

test('addRule/deleteRule round trip, both idempotent', { skip }, async () => {
  const spec = { priority: 1000, oifname: 'wan0', table: 1000, protocol: PROTO };
  await drv.call('addRule', spec);
  await drv.call('addRule', spec);
  let ours = (await drv.call<NetlinkSnapshot>('dump')).rules.filter((r) => r.oifname === 'wan0');
  assert.equal(ours.length, 1, 'EEXIST tolerated, no duplicate');
  assert.deepEqual([ours[0].priority, ours[0].table, ours[0].protocol], [1000, 1000, PROTO]);
  await drv.call('deleteRule', spec);
  await drv.call('deleteRule', spec);
  ours = (await drv.call<NetlinkSnapshot>('dump')).rules.filter((r) => r.oifname === 'wan0');
  assert.equal(ours.length, 0);
});

test('kernel errors come back as WAN_ERR_NETLINK with the errno name', { skip }, async () => {
  await assert.rejects(
    // An off-link gateway: fib_check_nh refuses it with ENETUNREACH.
    drv.call('replaceDefaultRoute', { table: 254, gateway: '203.0.113.9', oif: wanIndex, metric: 100, protocol: PROTO }),
    (e: { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'WAN_ERR_NETLINK');
      assert.equal(e.details?.errno, 'ENETUNREACH');
      assert.equal(e.details?.op, 'replaceDefaultRoute');
      return true;
    },
  );
});

test('peer down produces a link event with carrier false', { skip }, async () => {
  ip(['-n', nsB, 'link', 'set', 'peer0', 'down']);
  const ev = await drv.waitForEvent((e) => e.kind === 'link' && e.link.name === 'wan0' && !e.link.carrier, EVENT_WAIT_MS);
  assert.ok(ev && ev.kind === 'link');
  assert.equal(ev.link.adminUp, true);
  ip(['-n', nsB, 'link', 'set', 'peer0', 'up']);
  assert.ok(await drv.waitForEvent((e) => e.kind === 'link' && e.link.name === 'wan0' && e.link.carrier, EVENT_WAIT_MS));
});

// netlink@0.3.0's own notification socket aborted the process here (POLLERR -> an error built with a
// NULL syscall -> terminate); the adapter now listens on the project addon's monitor socket instead.
test('a tiny receive buffer and a burst of 2000 routes yields resync, then events flow again', { skip }, async () => {
  const tiny = new DriverClient(nsA, ['--recv-buf', '4096']);
  drivers.push(tiny);
  await tiny.call('start');
  const dir = mkdtempSync(join(tmpdir(), 'wfm-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(`route add 198.18.${Math.floor(i / 250)}.${(i % 250) + 1}/32 dev wan0 table 2000`);
    writeFileSync(join(dir, 'burst'), `${lines.join('\n')}\n`);
    // Freeze our own driver so it cannot drain the socket while the kernel queues 2000 notifications.
    tiny.suspend();
    try {
      ip(['-n', nsA, '-batch', join(dir, 'burst')]);
    } finally {
      tiny.resume();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const resync = await tiny.waitForEvent((e) => e.kind === 'resync', EVENT_WAIT_MS);
  assert.ok(resync && resync.kind === 'resync', `a resync event arrived; stderr: ${tiny.stderr}`);
  assert.equal(resync.reason, 'ENOBUFS');
  assert.ok(tiny.alive, 'the driver process survived the overflow');
  assert.doesNotMatch(tiny.stderr, /terminate called|Abort/i);
  assert.equal(tiny.events.filter((e) => e.kind === 'resync').length, 1, 'the burst was coalesced into one resync');
  ip(['-n', nsA, 'route', 'add', '198.18.100.1/32', 'dev', 'wan0', 'table', '2001']);
  const after = await tiny.waitForEvent((e) => e.kind === 'route' && e.route.table === 2001, EVENT_WAIT_MS);
  assert.ok(after, 'still listening after ENOBUFS');
  assert.ok(tiny.alive);
  // The request socket still works too: a dump after the overflow sees the burst.
  const snap = await tiny.call<NetlinkSnapshot>('dump');
  assert.equal(snap.routes.filter((r) => r.table === 2000).length, 2000, 'the burst is in the routing table');
});
