// The daemon balancing over three tier-1 links with an in-memory kernel (issue 21): one nexthop per
// link, one resilient group, the main route by nhid; a failed link leaves by one group replace
// (never a route delete); `carrying` says who stopped; stop leaves a plain route on the lead and
// removes the nexthop objects; a restart adopts the group without replacing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import type { Config } from '../../../src/config/types.js';
import type { EventOf } from '../../../src/bus/events.js';
import { FakeClock } from '../fake-clock.js';
import { address, defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';

const PROTO = 201;

function config(): Config {
  const base = testConfig({ routeProtocol: PROTO });
  return { ...base, links: [
    { name: 'a', interface: 'wan1', displayName: 'A', gateway: null, table: 1000, tier: 1, weight: 5 },
    { name: 'b', interface: 'wan2', displayName: 'B', gateway: null, table: 1001, tier: 1, weight: 3 },
    { name: 'c', interface: 'wan3', displayName: 'C', gateway: null, table: 1002, tier: 1, weight: 2 },
  ] };
}

async function setup(nl = new MemoryNetlink()) {
  const clock = new FakeClock();
  if (nl.links.length === 0) {
    nl.links = [link(11, 'wan1'), link(12, 'wan2'), link(13, 'wan3')];
    nl.addresses = [address(11, '100.64.1.2'), address(12, '100.64.2.2'), address(13, '100.64.3.2')];
    nl.routes = [defaultRoute(11, '100.64.1.1', 16, 254, 0), defaultRoute(12, '100.64.2.1', 16, 254, 100), defaultRoute(13, '100.64.3.1', 16, 254, 200)];
  }
  const probers = new ScriptedProbers();
  const log = new MemoryLog();
  const daemon = new Daemon({ config: config(), netlink: nl, newProber: probers.factory, clock, log,
    host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  const carrying: EventOf<'carrying'>[] = [];
  daemon.bus.onKind('carrying', (e) => carrying.push(e));
  await daemon.start();
  await clock.advanceAsync(1000);
  return { clock, nl, probers, log, daemon, carrying };
}

const groupOf = (nl: MemoryNetlink) => nl.nexthops.find((n) => n.group !== null);
const ownMain = (nl: MemoryNetlink) => nl.routes.filter((r) => r.table === 254 && r.protocol === PROTO);

test('three tier-1 links: nexthops, a resilient group with the weights, the main route by nhid', async () => {
  const { nl, daemon } = await setup();
  assert.deepEqual(groupOf(nl)?.group?.map((m) => m.weight), [5, 3, 2]);
  assert.equal(groupOf(nl)?.resilient?.buckets, 128);
  assert.equal(ownMain(nl).length, 1);
  assert.equal(ownMain(nl)[0]!.nhid, groupOf(nl)!.id);
  assert.equal(nl.nexthops.filter((n) => n.group === null).length, 3);
  assert.equal(daemon.status().active, 'a', 'the largest share');
  await daemon.stop();
});

test('a failed link leaves by one group replace; the route is never deleted; carrying says who stopped', async () => {
  const { nl, daemon, probers, clock, carrying } = await setup();
  const before = nl.ops.length;
  probers.healthy.set('c', false);
  await clock.advanceAsync(3000);
  const ops = nl.ops.slice(before);
  assert.deepEqual(ops.map((o) => o.op), ['group'], JSON.stringify(ops));
  assert.deepEqual(groupOf(nl)?.group?.map((m) => m.weight), [5, 3]);
  const last = carrying.at(-1)!;
  assert.deepEqual([last.stopped.map((e) => e.link), last.started.map((e) => e.link)], [['c'], []]);
  assert.deepEqual(last.shares, { a: 5 / 8, b: 3 / 8 });
  await daemon.stop();
});

test('stop leaves a plain default route on the lead, then removes the group and nexthops', async () => {
  const { nl, daemon } = await setup();
  await daemon.stop();
  assert.deepEqual(nl.nexthops, []);
  const main = ownMain(nl);
  assert.equal(main.length, 1);
  assert.equal(main[0]!.nhid ?? null, null);
  assert.equal(main[0]!.oif, 11);
  const plain = nl.ops.findIndex((o) => o.op === 'replace' && o.spec.table === 254 && o.spec.nhid === undefined && nl.ops.indexOf(o) > 0);
  const delGroup = nl.ops.findIndex((o) => o.op === 'delNexthop');
  assert.notEqual(plain, -1, 'a plain main route was installed');
  assert.ok(delGroup > plain, 'the route is plain before the group goes');
});

test('restart adopts the group: nothing replaced, no carrying change published', async () => {
  const first = await setup();
  const nl = first.nl;
  // kill -9: the kernel keeps everything.
  const second = new MemoryNetlink();
  Object.assign(second, { links: nl.links, addresses: nl.addresses, routes: [...nl.routes], rules: [...nl.rules], nexthops: [...nl.nexthops] });
  const r = await setup(second);
  assert.deepEqual(r.nl.ops.filter((o) => o.op === 'group' || o.op === 'nexthop' || o.op === 'delNexthop'), []);
  assert.deepEqual(r.carrying, []);
  assert.ok(r.log.lines.some((l) => l.msg === 'adopted the current nexthop group'));
  assert.equal(r.daemon.status().active, 'a');
  await r.daemon.stop();
});

test('status: tier, weight, carrying and share per link; the API payload carries them', async () => {
  const { daemon, probers, clock } = await setup();
  const { toStatusPayload } = await import('../../../src/api/status-payload.js');
  let links = daemon.status().links;
  assert.deepEqual(links.map((l) => [l.name, l.tier, l.weight, l.carrying, l.share]),
    [['a', 1, 5, true, 0.5], ['b', 1, 3, true, 0.3], ['c', 1, 2, true, 0.2]]);
  probers.healthy.set('c', false);
  await clock.advanceAsync(3000);
  links = daemon.status().links;
  assert.deepEqual(links.map((l) => [l.carrying, l.share]), [[true, 0.625], [true, 0.375], [false, 0]]);
  const p = toStatusPayload(daemon.status());
  assert.deepEqual(p.links.map((l) => [l.tier, l.weight, l.carrying, l.share]), [[1, 5, true, 0.625], [1, 3, true, 0.375], [1, 2, false, 0]]);
  assert.equal(p.active_link, 'a', 'the largest share');
  await daemon.stop();
});

test('manual switch pins all traffic to one link (a group of one); auto on returns to balancing', async () => {
  const { nl, daemon, clock } = await setup();
  assert.deepEqual(await daemon.switchTo('b', { force: false }), { result: 'switched', link: 'b' });
  assert.deepEqual(groupOf(nl)?.group?.map((m) => m.weight), [3]);
  assert.deepEqual(daemon.status().links.map((l) => l.share), [0, 1, 0]);
  await daemon.setAuto(true);
  await clock.advanceAsync(1000);
  assert.deepEqual(groupOf(nl)?.group?.map((m) => m.weight), [5, 3, 2], 'never-held links rejoin at once');
  await daemon.stop();
});

test('SIGHUP applies new weights and tiers in place: one group replace, no restart needed', async () => {
  const { nl, daemon } = await setup();
  const next = config();
  next.links = next.links.map((l) => (l.name === 'c' ? { ...l, weight: 10 } : l.name === 'b' ? { ...l, tier: 2 } : l));
  const before = nl.ops.length;
  assert.deepEqual(daemon.reload(next).needRestart, [], 'tiers and weights apply in place');
  await new Promise((r) => setImmediate(r));
  await daemon.setAuto(true);
  assert.deepEqual(groupOf(nl)?.group?.map((m) => m.weight), [5, 10], 'b went to tier 2, c weighs 10');
  assert.deepEqual(nl.ops.slice(before).map((o) => o.op), ['group']);
  assert.equal(daemon.status().active, 'c', 'the largest share leads');
  await daemon.stop();
});

test('share is the fraction of the group\'s buckets as read from the kernel (a returning link takes buckets only as they fall idle)', async () => {
  const { nl, daemon, clock } = await setup();
  const g = groupOf(nl)!;
  const [a, b, c] = g.group!.map((m) => m.id);
  // 10 buckets: a 6, b 4, c none yet (it rejoined; its buckets were busy).
  nl.buckets.set(g.id, [a, a, a, a, a, a, b, b, b, b].map((x) => x!));
  await clock.advanceAsync(16_000); // a kernel check reads the buckets
  assert.deepEqual(daemon.status().links.map((l) => [l.carrying, l.share]), [[true, 0.6], [true, 0.4], [true, 0]]);
  nl.buckets.set(g.id, [a, a, a, a, a, b, b, b, c, c].map((x) => x!));
  await clock.advanceAsync(15_000);
  assert.deepEqual(daemon.status().links.map((l) => l.share), [0.5, 0.3, 0.2]);
  await daemon.stop();
});
