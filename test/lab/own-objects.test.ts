// Root-only (issue 19, "the daemon owns everything it tags"): the real daemon is restarted with
// every table, priority and metric knob changed, after kill -9 and after a clean stop, and the
// kernel then holds only the new config's objects of our protocol (routes in any table at any
// metric, rules of any priority, both families). Checked on the kernel over real netlink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetlinkSnapshot } from '../../src/netlink/types.js';
import { labConfig, startDaemon, type DaemonHandle } from '../../lab/daemon-runner.js';
import { notRoot, withRig, type Rig } from './support.js';

const PROTO = 201;

interface Knobs { route_metric: number; route_metric6: number; route_table_base: number; rule_priority: number }

/** Our objects as short strings: `route <family> <table> <metric>`, `rule <family> <priority> <table> <oif>`. */
function ours(snap: NetlinkSnapshot): string[] {
  const name = new Map(snap.links.map((l) => [l.index, l.name]));
  return [
    ...snap.routes.filter((r) => r.protocol === PROTO).map((r) => `route ${r.family} ${r.table} ${r.priority ?? 0} ${name.get(r.oif ?? -1) ?? '?'}`),
    ...snap.rules.filter((r) => r.protocol === PROTO).map((r) => `rule ${r.family} ${r.priority} ${r.table} ${r.oifname}`),
  ].sort();
}

/** What a config with these knobs wants while wan1 carries both families. */
function expected(k: Knobs): string[] {
  const out: string[] = [];
  for (const family of ['inet', 'inet6'] as const) {
    out.push(`route ${family} 254 ${family === 'inet' ? k.route_metric : k.route_metric6} wan1`);
    for (const [i, iface] of ['wan1', 'wan2'].entries()) {
      out.push(`route ${family} ${k.route_table_base + i} ${family === 'inet' ? 0 : 1} ${iface}`);
      out.push(`rule ${family} ${k.rule_priority} ${k.route_table_base + i} ${iface}`);
      // reply_routing (default on, issue 22): `from <the link's global address> lookup <its table>`.
      out.push(`rule ${family} ${k.rule_priority} ${k.route_table_base + i} null`);
    }
  }
  return out.sort();
}

async function run(rig: Rig, k: Knobs): Promise<DaemonHandle> {
  const cfg = labConfig(rig.lab, { ping_targets: [...rig.lab.targets, ...rig.lab.targets6], ...k });
  const d = await startDaemon(rig.lab, cfg);
  await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
  return d;
}

test('restart with every table/priority/metric knob changed (after kill -9, after a clean stop): only the new objects remain', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('own', async (rig) => {
    const k1: Knobs = { route_metric: 0, route_metric6: 512, route_table_base: 1000, rule_priority: 1000 };
    const k2: Knobs = { route_metric: 100, route_metric6: 600, route_table_base: 3000, rule_priority: 2000 };
    const k3: Knobs = { route_metric: 50, route_metric6: 700, route_table_base: 4000, rule_priority: 2500 };
    const daemons: DaemonHandle[] = [];
    try {
      const first = await run(rig, k1);
      daemons.push(first);
      assert.deepEqual(ours(await rig.agent.dump()), expected(k1));
      await first.kill9();

      const second = await run(rig, k2);
      daemons.push(second);
      assert.deepEqual(ours(await rig.agent.dump()), expected(k2), 'after kill -9: only the new config\'s objects');
      assert.equal(await second.stop('SIGTERM'), 0);
      // A clean stop keeps only the main default routes.
      assert.deepEqual(ours(await rig.agent.dump()), expected(k2).filter((x) => x.startsWith('route') && x.split(' ')[2] === '254'));

      const third = await run(rig, k3);
      daemons.push(third);
      assert.deepEqual(ours(await rig.agent.dump()), expected(k3), 'after a clean stop: only the new config\'s objects');
      assert.equal(await third.stop('SIGTERM'), 0);
    } finally {
      for (const d of daemons) await d.dispose().catch(() => undefined);
    }
  }, { ipv6: true });
});
