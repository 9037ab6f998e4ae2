// The reconciler against an in-memory kernel: it removes what the plan dropped and, from a dump,
// every object of our protocol nothing desired claims (an earlier run's routes of any metric in
// any table, rules of any priority), the main default route only once its successor is in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reconciler } from '../../../src/routes/reconciler.js';
import { planKernel, type PlannedLink } from '../../../src/routes/desired.js';
import type { RuleEntry } from '../../../src/netlink/types.js';
import { FakeClock } from '../fake-clock.js';
import { defaultRoute, MemoryLog, MemoryNetlink } from '../engine/fakes.js';

const PROTO = 201;
const links: PlannedLink[] = [
  { name: 'a', iface: 'wan1', ifindex: 11, table: 2000, gateways: { ipv4: '100.64.1.1', ipv6: null } },
  { name: 'b', iface: 'wan2', ifindex: 12, table: 2001, gateways: { ipv4: '100.64.2.1', ipv6: null } },
];
const cfg = { routeMetric: 100, routeProtocol: PROTO, rulePriority: 3000 };

function rule(priority: number, table: number, oifname: string, protocol = PROTO): RuleEntry {
  return { family: 'inet', priority, table, oifname, iifname: null, src: null, srcLength: 0, dst: null, dstLength: 0, fwmark: null, protocol, action: 1 };
}

function setup() {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  const log = new MemoryLog();
  const r = new Reconciler(nl, clock, log, { applied: () => undefined, failed: () => undefined });
  return { clock, nl, log, r };
}

test('start-up sweep: an earlier config\'s main route (other metric), tables and rules go; foreign objects stay', async () => {
  const { nl, r } = setup();
  nl.routes = [
    defaultRoute(11, '100.64.1.1', PROTO, 254, 0), // the old run's main route at metric 0
    defaultRoute(11, '100.64.1.1', PROTO, 1000, 0), // its per-link tables
    defaultRoute(12, '100.64.2.1', PROTO, 1001, 0),
    { ...defaultRoute(11, '100.64.1.1', PROTO, 1000, 7), dst: '198.18.0.0', dstLength: 15 }, // any prefix of ours
    defaultRoute(12, '100.64.2.1', 16, 254, 50), // dhcp: not ours
  ];
  nl.rules = [rule(1000, 1000, 'wan1'), rule(1000, 1001, 'wan2'), rule(500, 77, 'wan1', 4)];
  r.verify(await nl.dump(), PROTO);
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, links, cfg), ['ipv4']);
  await r.idle();
  const ours = nl.routes.filter((x) => x.protocol === PROTO).map((x) => `${x.table}/${x.dst ?? 'default'}/${x.priority}`).sort();
  assert.deepEqual(ours, ['2000/default/0', '2001/default/0', '254/default/100']);
  assert.ok(nl.routes.some((x) => x.protocol === 16), 'the foreign route stays');
  assert.deepEqual(nl.rules.map((x) => `${x.priority}/${x.table}/${x.oifname}/${x.protocol}`).sort(),
    ['3000/2000/wan1/201', '3000/2001/wan2/201', '500/77/wan1/4']);
  // The old main route went after the new one was in: never a moment without a default route of ours.
  const newMain = nl.ops.findIndex((o) => o.op === 'replace' && o.spec.table === 254);
  const oldMain = nl.ops.findIndex((o) => o.op === 'deleteRoute' && o.key.table === 254);
  assert.notEqual(newMain, -1, `the new main route was installed: ${JSON.stringify(nl.ops)}`);
  assert.notEqual(oldMain, -1, `the old main route was removed: ${JSON.stringify(nl.ops)}`);
  assert.ok(oldMain > newMain, `the old main route goes after the new one is in: ${JSON.stringify(nl.ops)}`);
  // Rules before tables.
  const firstRuleDel = nl.ops.findIndex((o) => o.op === 'delRule');
  const firstTableDel = nl.ops.findIndex((o) => o.op === 'deleteRoute' && o.key.table !== 254);
  assert.notEqual(firstRuleDel, -1, 'a stale rule was removed');
  assert.notEqual(firstTableDel, -1, 'a stale table route was removed');
  assert.ok(firstRuleDel < firstTableDel, 'rules go before the tables they look up');
});

test('an old main route stays while its successor cannot be installed (no link carries yet)', async () => {
  const { nl, r } = setup();
  nl.routes = [defaultRoute(11, '100.64.1.1', PROTO, 254, 0)];
  r.verify(await nl.dump(), PROTO);
  r.setDesired(planKernel({ ipv4: [], ipv6: [] }, links, cfg), ['ipv4']);
  await r.idle();
  assert.ok(nl.routes.some((x) => x.table === 254 && x.protocol === PROTO && x.priority === 0), 'kept: it still carries traffic');
});

test('an own main route of a family the config no longer manages goes', async () => {
  const { nl, r } = setup();
  nl.routes = [defaultRoute(11, 'fe80::1', PROTO, 254, 512, 'inet6')];
  r.verify(await nl.dump(), PROTO);
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, links, cfg), ['ipv4']);
  await r.idle();
  assert.ok(!nl.routes.some((x) => x.family === 'inet6'));
});

test('what the plan drops is removed: a link that lost its gateway loses its table and rule', async () => {
  const { nl, r } = setup();
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, links, cfg), ['ipv4']);
  await r.idle();
  assert.ok(nl.routes.some((x) => x.table === 2001));
  const gone = [links[0]!, { ...links[1]!, gateways: { ipv4: null, ipv6: null } }];
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, gone, cfg), ['ipv4']);
  await r.idle();
  assert.ok(!nl.routes.some((x) => x.table === 2001), 'table route removed');
  assert.ok(!nl.rules.some((x) => x.table === 2001), 'rule removed');
  assert.ok(nl.routes.some((x) => x.table === 254 && x.oif === 11), 'the main route is untouched');
});

test('a main route the plan no longer names (the active link lost its gateway) stays where it is', async () => {
  const { nl, r } = setup();
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, links, cfg), ['ipv4']);
  await r.idle();
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, [{ ...links[0]!, gateways: { ipv4: null, ipv6: null } }, links[1]!], cfg), ['ipv4']);
  await r.idle();
  assert.ok(nl.routes.some((x) => x.table === 254 && x.oif === 11 && x.protocol === PROTO));
});

test('a refused removal is retried with backoff and logged once', async () => {
  const { nl, r, log, clock } = setup();
  nl.rules = [rule(1000, 1000, 'wan1')];
  let refusals = 0;
  const del = nl.deleteRule.bind(nl);
  nl.deleteRule = async (k) => { if (refusals++ < 3) throw new Error('EBUSY'); return del(k); };
  r.verify(await nl.dump(), PROTO);
  r.setDesired([], ['ipv4']);
  await r.idle();
  assert.equal(nl.rules.length, 1);
  for (let i = 0; i < 10 && nl.rules.length > 0; i++) { await clock.advanceAsync(1000); await r.idle(); }
  assert.equal(nl.rules.length, 0);
  assert.equal(log.lines.filter((l) => l.msg.startsWith('could not remove a kernel object of ours')).length, 1);
});

test('nothing is removed before the first plan', async () => {
  const { nl, r } = setup();
  nl.rules = [rule(1000, 1000, 'wan1')];
  r.verify(await nl.dump(), PROTO);
  await r.idle();
  assert.equal(nl.rules.length, 1);
});

test('removeOwned at stop takes every object of ours but the main default route, earlier runs\' too', async () => {
  const { nl, r } = setup();
  nl.rules = [rule(1000, 1000, 'wan1')];
  nl.routes = [defaultRoute(11, '100.64.1.1', PROTO, 1000, 0)];
  r.verify(await nl.dump(), PROTO);
  r.setDesired(planKernel({ ipv4: [{ link: 'a', weight: 1 }], ipv6: [] }, links, cfg), ['ipv4']);
  r.stop();
  await r.removeOwned();
  assert.deepEqual(nl.rules, []);
  assert.deepEqual(nl.routes.filter((x) => x.table !== 254), []);
});

test('balancing: a group the kernel holds exactly is adopted at the first plan only; later plans apply against our own changes', async () => {
  const { nl, r } = setup();
  const bal = { buckets: 128, idleTimerS: 120, unbalancedTimerS: 0 };
  const three = [...links, { name: 'c', iface: 'wan3', ifindex: 13, table: 2002, gateways: { ipv4: '100.64.3.1', ipv6: null } }];
  const all = { ipv4: three.map((l) => ({ link: l.name, weight: 1 })), ipv6: [] };
  // What an earlier run left: the same nexthops and group.
  for (const o of planKernel(all, three, cfg, ['ipv4'], bal)) {
    if (o.kind === 'nexthop') await nl.replaceNexthop(o.spec);
    if (o.kind === 'group') await nl.replaceGroup(o.spec);
  }
  nl.ops = [];
  r.verify(await nl.dump(), PROTO);
  r.setDesired(planKernel(all, three, cfg, ['ipv4'], bal), ['ipv4']);
  await r.idle();
  assert.deepEqual(nl.ops.filter((o) => o.op === 'group' || o.op === 'nexthop'), [], 'adopted: nothing replaced');
  // c loses its gateway: its nexthop leaves the plan and is removed; it comes back.
  const noC = three.map((l) => (l.name === 'c' ? { ...l, gateways: { ipv4: null, ipv6: null } } : l));
  r.setDesired(planKernel({ ipv4: all.ipv4.slice(0, 2), ipv6: [] }, noC, cfg, ['ipv4'], bal), ['ipv4']);
  await r.idle();
  assert.ok(nl.ops.some((o) => o.op === 'delNexthop'), 'c\'s nexthop removed');
  r.setDesired(planKernel(all, three, cfg, ['ipv4'], bal), ['ipv4']);
  await r.idle();
  assert.ok(nl.ops.some((o) => o.op === 'nexthop' && o.spec.gateway === '100.64.3.1'), 'c\'s nexthop is applied again, not taken from the start-up dump');
  assert.equal(nl.nexthops.find((n) => n.group !== null)?.group?.length, 3);
});
