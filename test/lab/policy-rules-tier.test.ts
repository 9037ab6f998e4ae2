// Root-only (issue 22): a policy rule whose `links` is a tier (`{tier: 2}`) on the real kernel. Three
// links: wan1 alone in tier 1 carries the main route, wan2 and wan3 (weights 3:1) form tier 2. The rule's
// table then routes by a resilient nexthop group of its own whose members are the links' nexthop
// objects; a member failing upstream leaves the rule with a plain route via the survivor (one replace
// in the rule's table, the main route untouched); the heal brings the group back; a clean stop removes
// the rule's group, table and rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetlinkSnapshot, NexthopEntry } from '../../src/netlink/types.js';
import { notRoot, status, waitFor, withRig } from './support.js';

const PROTO = 201;
const TABLE = 2000;

/** What the rule's table routes by: `group:<member:weight,...>`, `via:<iface>`, `blackhole`, or `none`. */
function ruleTable(snap: NetlinkSnapshot): string {
  const routes = snap.routes.filter((r) => r.family === 'inet' && r.table === TABLE && r.dst === null && r.protocol === PROTO);
  if (routes.length === 0) return 'none';
  if (routes.length > 1) return `several:${routes.length}`;
  const r = routes[0]!;
  if (r.type === 6) return 'blackhole';
  const ifname = (index: number | null | undefined): string => snap.links.find((l) => l.index === index)?.name ?? `if${index}`;
  if (r.nhid) {
    const g = snap.nexthops?.find((n) => n.id === r.nhid);
    if (!g?.group) return `nhid:${r.nhid}`;
    const members = g.group.map((m) => {
      const nh = snap.nexthops?.find((n) => n.id === m.id) as NexthopEntry | undefined;
      return `${ifname(nh?.oif)}:${m.weight}`;
    });
    return `group:${g.groupType === 1 ? 'resilient' : 'mpath'}:${members.join(',')}`;
  }
  return `via:${ifname(r.oif)}`;
}

/** The links the main table's default route of ours leaves by (a group's members, or its one interface). */
function mainRoute(snap: NetlinkSnapshot): string {
  const r = snap.routes.find((x) => x.family === 'inet' && x.table === 254 && x.dst === null && x.protocol === PROTO);
  if (!r) return 'none';
  const ifname = (index: number | null | undefined): string => snap.links.find((l) => l.index === index)?.name ?? `if${index}`;
  if (!r.nhid) return ifname(r.oif);
  const g = snap.nexthops?.find((n) => n.id === r.nhid);
  return (g?.group ?? []).map((m) => ifname(snap.nexthops?.find((n) => n.id === m.id)?.oif)).join(',') || `nhid:${r.nhid}`;
}

test('a tier rule: its own resilient group over the tier\'s links by weight, a failed member leaves it, the heal restores it, stop removes it', { skip: notRoot, timeout: 180_000 }, async () => {
  await withRig('rtr', async (rig) => {
    const d = await rig.start({
      links: rig.lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, tier: [1, 2, 2][i], weight: [1, 3, 1][i] })),
      rules: [{ name: 'bulk', match: { dst: '198.18.200.0/24' }, links: { tier: 2 } }],
      balance: { buckets: 32, idle_timer: 5 },
      recovery_threshold: 2, min_secondary_time: 2,
    });
    try {
      let last = '';
      const settle = async (what: string, want: string, timeoutMs = 30_000): Promise<void> => {
        try {
          await waitFor(what, async () => (last = ruleTable(await rig.agent.dump())) === want, timeoutMs, 300);
        } catch (e) {
          assert.equal(last, want, `${what}: ${String(e)}`);
        }
      };
      await settle('the rule routes by its own group over tier 2', 'group:resilient:wan2:3,wan3:1');
      const snap = await rig.agent.dump();
      assert.equal(mainRoute(snap), 'wan1', 'the main route stays on tier 1');
      const rule = snap.rules.filter((r) => r.protocol === PROTO && r.priority === TABLE);
      assert.equal(rule.length, 1, 'one FIB rule of ours at the policy priority');
      assert.deepEqual([rule[0]!.dst, rule[0]!.dstLength, rule[0]!.table], ['198.18.200.0', 24, TABLE]);
      const group = snap.nexthops!.find((n) => n.id === snap.routes.find((r) => r.table === TABLE && r.protocol === PROTO)!.nhid)!;
      assert.equal(group.resilient?.buckets, 32, 'the rule\'s group has the configured buckets');
      // The kernel's own answer for the rule's traffic leaves by a member of the tier, never by wan1.
      for (const host of ['198.18.200.1', '198.18.200.2', '198.18.200.3', '198.18.200.4']) {
        const r = await rig.lab.exec(rig.lab.routerNs, 'ip', ['-4', 'route', 'get', host]);
        const dev = /\bdev (\S+)/.exec(r.stdout)?.[1];
        assert.ok(dev === 'wan2' || dev === 'wan3', `${host} resolves to a tier-2 link (${r.stdout.trim()})`);
      }
      const st = await status(rig, d);
      assert.deepEqual(st.rules.map((r: { name: string; link: string | null; state: string }) => `${r.name}:${r.link}:${r.state}`), ['bulk:wan2:preferred']);

      await rig.lab.fail(3, 'upstream');
      await settle('wan3 failed: a plain route via wan2', 'via:wan2');
      assert.equal(mainRoute(await rig.agent.dump()), 'wan1', 'the main route did not move');
      await rig.lab.heal(3);
      await settle('wan3 healed: the group again', 'group:resilient:wan2:3,wan3:1', 40_000);

      assert.equal(await d.stop('SIGTERM'), 0);
      const after = await rig.agent.dump();
      assert.equal(ruleTable(after), 'none', 'stop empties the rule\'s table');
      assert.deepEqual(after.rules.filter((r) => r.protocol === PROTO && r.priority === TABLE), [], 'and removes its rule');
      assert.deepEqual(after.nexthops?.filter((n) => n.protocol === PROTO) ?? [], [], 'and every nexthop object of ours');
    } finally {
      await d.dispose();
    }
  }, { links: 3 });
});
