// Issue 19 defects 1 and 2 on the daemon with an in-memory kernel: a restart with another
// route_metric, route_table_base and rule_priority leaves only the new objects of our protocol,
// adopts the link our route uses, and never leaves the kernel without our default route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import { adoptableLink } from '../../../src/engine/adopt.js';
import { FakeClock } from '../fake-clock.js';
import { defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';

const PROTO = 201;

test('restart with route_metric, tables and rule_priority changed: only the new objects of ours remain', async () => {
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  // What a run with the defaults left (a clean stop keeps the main route; kill -9 keeps everything).
  nl.routes = [defaultRoute(12, '100.64.2.1', PROTO, 254, 0), defaultRoute(11, '100.64.1.1', PROTO, 1000, 0),
    defaultRoute(12, '100.64.2.1', PROTO, 1001, 0), defaultRoute(11, '100.64.1.1', 16, 254, 300)];
  for (const [table, oifname] of [[1000, 'wan1'], [1001, 'wan2']] as const) {
    nl.rules.push({ family: 'inet', priority: 1000, table, oifname, iifname: null, src: null, srcLength: 0, dst: null, dstLength: 0,
      fwmark: null, protocol: PROTO, action: 1 });
  }
  const base = testConfig({ routeProtocol: PROTO, routeMetric: 100, rulePriority: 2000 });
  const config = { ...base, links: base.links.map((l, i) => ({ ...l, table: 3000 + i })) };
  const log = new MemoryLog();
  const daemon = new Daemon({ config, netlink: nl, newProber: new ScriptedProbers().factory, clock: new FakeClock(), log,
    host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  await daemon.start();
  const ours = nl.routes.filter((r) => r.protocol === PROTO).map((r) => `${r.table}/${r.priority}/${r.oif}`).sort();
  assert.deepEqual(ours, ['254/100/12', '3000/0/11', '3001/0/12']);
  assert.deepEqual(nl.rules.map((r) => `${r.priority}/${r.table}/${r.oifname}`).sort(), ['2000/3000/wan1', '2000/3001/wan2']);
  assert.equal(daemon.status().active, 'secondary', 'the link our old route used is adopted: no flap');
  const added = nl.ops.findIndex((o) => o.op === 'replace' && o.spec.table === 254);
  const removed = nl.ops.findIndex((o) => o.op === 'deleteRoute' && o.key.table === 254);
  assert.notEqual(added, -1, 'the new main route was installed');
  assert.ok(removed > added, 'the old main route goes only after the new one is in');
  assert.ok(nl.routes.some((r) => r.protocol === 16), 'the foreign default route stays');
  await daemon.stop();
});

test('adoption prefers our route at the configured metric, then ours at any metric, then (IPv4) a foreign one', () => {
  const links = [{ cfg: { name: 'a' }, ifindex: 11 }, { cfg: { name: 'b' }, ifindex: 12 }];
  const old = defaultRoute(11, '100.64.1.1', PROTO, 254, 0);
  const current = defaultRoute(12, '100.64.2.1', PROTO, 254, 100);
  assert.equal(adoptableLink([old, current], links, PROTO, 'inet', 100)?.link, 'b');
  assert.equal(adoptableLink([old, current], links, PROTO, 'inet', 50)?.link, 'a', 'none at 50: the lowest of ours, as the kernel routes');
  assert.equal(adoptableLink([defaultRoute(12, '100.64.2.1', 16, 254, 0)], links, PROTO, 'inet', 100)?.link, 'b');
});
