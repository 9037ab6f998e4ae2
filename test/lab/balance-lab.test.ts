// Root-only (issue 21): the real daemon balancing over three tier-1 links, both families, on the
// real kernel. One nexthop per link and family and one resilient group per family (weights 5:3:2),
// the main routes by nhid; L4 multipath hashing set; an upstream fault on link 3 leaves the group
// by a replace (our main routes never deleted, never a moment without them); the heal brings it
// back after the hysteresis; kill -9 and a restart adopt the groups without replacing them; a
// clean stop leaves a plain default route on the lead and no nexthop object of ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetlinkEvent, NetlinkSnapshot, NexthopEntry } from '../../src/netlink/types.js';
import { labConfig, startDaemon } from '../../lab/daemon-runner.js';
import { notRoot, sleep, status, waitFor, withRig, type Rig } from './support.js';

const PROTO = 201;

const ownMain = (snap: NetlinkSnapshot, family: 'inet' | 'inet6') =>
  snap.routes.filter((r) => r.family === family && r.table === 254 && r.dst === null && r.protocol === PROTO);

/** The members (interface names, weights) of the group our main route of a family points at, or null. */
function carriedBy(snap: NetlinkSnapshot, family: 'inet' | 'inet6'): string[] | null {
  const main = ownMain(snap, family);
  if (main.length !== 1 || !main[0]!.nhid) return null;
  const g = snap.nexthops?.find((n) => n.id === main[0]!.nhid);
  if (!g?.group) return null;
  const name = (id: number): string => {
    const nh = snap.nexthops?.find((n) => n.id === id) as NexthopEntry | undefined;
    return snap.links.find((l) => l.index === nh?.oif)?.name ?? `nh${id}`;
  };
  return g.group.map((m) => `${name(m.id)}:${m.weight}`);
}

const config = (rig: Rig): Record<string, unknown> => ({
  ping_targets: [...rig.lab.targets, ...rig.lab.targets6],
  links: rig.lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, tier: 1, weight: [5, 3, 2][i] })),
  balance: { buckets: 64, idle_timer: 5 },
  recovery_threshold: 2, min_secondary_time: 3,
});

test('three tier-1 links, both families: groups by weight, a failed link (upstream, carrier) leaves by replace and rejoins, restart adopts, stop flattens', { skip: notRoot, timeout: 180_000 }, async () => {
  await withRig('bal', async (rig) => {
    const cfg = labConfig(rig.lab, config(rig));
    const first = await startDaemon(rig.lab, cfg);
    try {
      await first.waitForLog((l) => l.msg === 'daemon ready', 20_000);
      const all = ['wan1:5', 'wan2:3', 'wan3:2'];
      await waitFor('both families balance over three links', async () => {
        const snap = await rig.agent.dump();
        return JSON.stringify(carriedBy(snap, 'inet')) === JSON.stringify(all) && JSON.stringify(carriedBy(snap, 'inet6')) === JSON.stringify(all);
      }, 30_000);
      const snap0 = await rig.agent.dump();
      const g4 = snap0.nexthops!.find((n) => n.id === ownMain(snap0, 'inet')[0]!.nhid)!;
      assert.deepEqual([g4.groupType, g4.resilient?.buckets, g4.resilient?.idleTimerS], [1, 64, 5]);
      // The status share is the fraction of the group's 64 buckets the kernel gave each link (read over netlink).
      const st0 = await status(rig, first);
      const share = st0.links.map((l: { share: number }) => l.share);
      assert.ok(Math.abs(share[0] - 0.5) <= 0.03 && Math.abs(share[1] - 0.3) <= 0.03 && Math.abs(share[2] - 0.2) <= 0.03, JSON.stringify(share));
      assert.deepEqual(st0.links.map((l: { carrying: boolean; tier: number; weight: number }) => [l.carrying, l.tier, l.weight]), [[true, 1, 5], [true, 1, 3], [true, 1, 2]]);
      assert.ok(st0.links.every((l: { ipv6: { carrying: boolean } }) => l.ipv6.carrying));
      const hash = await rig.lab.exec(rig.lab.routerNs, 'sysctl', ['-n', 'net.ipv4.fib_multipath_hash_policy', 'net.ipv6.fib_multipath_hash_policy']);
      assert.deepEqual(hash.stdout.trim().split(/\s+/), ['1', '1']);

      // Our main routes must never be deleted on the way (a delete would be a moment without one).
      const dels: string[] = [];
      const stop = await rig.agent.onEvent((e: NetlinkEvent) => {
        if (e.kind === 'route' && e.op === 'del' && e.route.table === 254 && e.route.dst === null && e.route.protocol === PROTO) dels.push(e.route.family);
      });
      await rig.lab.fail(3, 'upstream', { family: 'both' });
      await waitFor('wan3 left both groups', async () => {
        const snap = await rig.agent.dump();
        return JSON.stringify(carriedBy(snap, 'inet')) === '["wan1:5","wan2:3"]' && JSON.stringify(carriedBy(snap, 'inet6')) === '["wan1:5","wan2:3"]';
      }, 30_000);
      const st = await status(rig, first);
      assert.equal(st.active_link, 'wan1');
      await rig.lab.heal(3);
      await waitFor('wan3 rejoined', async () => JSON.stringify(carriedBy(await rig.agent.dump(), 'inet')) === JSON.stringify(all), 40_000);
      // Carrier loss: the link leaves both families' groups at once, without waiting for probes.
      await rig.lab.fail(2, 'carrier');
      await waitFor('wan2 left both groups on carrier loss', async () => {
        const snap = await rig.agent.dump();
        return JSON.stringify(carriedBy(snap, 'inet')) === '["wan1:5","wan3:2"]' && JSON.stringify(carriedBy(snap, 'inet6')) === '["wan1:5","wan3:2"]';
      }, 20_000);
      await rig.lab.heal(2);
      await waitFor('wan2 rejoined', async () => JSON.stringify(carriedBy(await rig.agent.dump(), 'inet')) === JSON.stringify(all), 40_000);
      await sleep(300);
      stop();
      assert.deepEqual(dels, [], 'no RTM_DELROUTE of our main default routes');
      await first.kill9();
    } finally {
      await first.dispose();
    }

    const second = await rig.start(cfg);
    for (const family of ['ipv4', 'ipv6']) {
      await second.waitForLog((l) => l.msg === 'adopted the current nexthop group' && l.family === family, 5000);
    }
    await sleep(3000);
    assert.ok(!second.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('carrying links change')), 'nothing changed after the restart');
    assert.equal(await second.stop('SIGTERM'), 0);
    const snap = await rig.agent.dump();
    assert.deepEqual(snap.nexthops?.filter((n) => n.protocol === PROTO), [], 'no nexthop object of ours after stop');
    for (const family of ['inet', 'inet6'] as const) {
      const main = ownMain(snap, family);
      assert.equal(main.length, 1, `one plain ${family} default route of ours`);
      assert.equal(main[0]!.nhid ?? null, null);
      assert.equal(snap.links.find((l) => l.index === main[0]!.oif)?.name, 'wan1', 'on the lead');
    }
  }, { links: 3, ipv6: true });
});
