// Root-only: the dual-stack lab (createLab({ ipv6: true })) itself, without the daemon: IPv6
// addresses usable at once (no DAD), the RA-style default route per WAN, reachability of the IPv6
// targets through each WAN, and faults per family (IPv6 only, IPv4 only, both, carrier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLab, type Lab } from '../../lab/topology.js';
import { runInNs } from '../../lab/exec.js';

const notRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

async function pings(lab: Lab, iface: string, dst: string): Promise<boolean> {
  // One probe, one second at most, twice (a neighbour may need resolving after a heal).
  for (let i = 0; i < 2; i++) {
    const ok = await runInNs(lab.routerNs, 'ping', ['-n', '-q', '-c1', '-W1', '-I', iface, dst], { timeoutMs: 5000 }).then(() => true, () => false);
    if (ok) return true;
  }
  return false;
}

/** [IPv4 target reachable, IPv6 target reachable] through WAN i. */
async function reach(lab: Lab, i: number): Promise<[boolean, boolean]> {
  const iface = lab.links[i - 1]!.iface;
  return [await pings(lab, iface, lab.targets[0]!), await pings(lab, iface, lab.targets6[0]!)];
}

/** IPv4 per-link tables for the test's pings (as in lab-topology.test.ts); IPv6 needs none (oif routes). */
async function addPingRoutes(lab: Lab): Promise<void> {
  for (const l of lab.links) {
    const table = String(50 + l.index);
    await runInNs(lab.routerNs, 'ip', ['route', 'add', 'default', 'via', l.gateway, 'dev', l.iface, 'table', table]);
    await runInNs(lab.routerNs, 'ip', ['rule', 'add', 'oif', l.iface, 'lookup', table, 'priority', '50']);
  }
}

test('dual-stack lab: addresses, RA-style routes, per-family faults', { skip: notRoot, timeout: 120_000 }, async (t) => {
  const lab = await createLab({ prefix: `wf6-${randomBytes(3).toString('hex')}`, ipv6: true });
  try {
    await t.test('IPv6 addresses are usable at once and every WAN has a proto ra default via fe80::1', async () => {
      assert.equal(lab.ipv6, true);
      assert.deepEqual(lab.targets6, ['2001:db8:ff00::1', '2001:db8:ff01::1']);
      const addrs = (await runInNs(lab.routerNs, 'ip', ['-6', 'addr', 'show'])).stdout;
      assert.match(addrs, /inet6 2001:db8:1::2\/64 scope global/);
      assert.doesNotMatch(addrs, /tentative/);
      const routes = (await runInNs(lab.routerNs, 'ip', ['-6', 'route', 'show', 'default'])).stdout;
      assert.match(routes, /default via fe80::1 dev wan1 proto ra metric 1024/);
      assert.match(routes, /default via fe80::1 dev wan2 proto ra metric 1025/);
      assert.deepEqual(lab.links.map((l) => l.ipv6?.raMetric), [1024, 1025]);
      for (const l of lab.links) for (const a of [l.ipv6!.address, l.ipv6!.globalGateway]) assert.match(a, /^2001:db8:/);
      assert.equal(lab.links[0]!.ipv6!.gateway, 'fe80::1');
      // IPv4 is unchanged.
      assert.match((await runInNs(lab.routerNs, 'ip', ['route', 'show', 'default'])).stdout, /default via 100\.64\.1\.1 dev wan1 proto dhcp/);
    });

    await addPingRoutes(lab);

    await t.test('both families reach their targets through each WAN; the ISP link-local gateway answers', async () => {
      assert.deepEqual(await reach(lab, 1), [true, true]);
      assert.deepEqual(await reach(lab, 2), [true, true]);
      assert.equal(await pings(lab, 'wan1', 'fe80::1%wan1'), true);
    });

    await t.test('upstream loss per family: ipv6 only, ipv4 only, both; the other link unaffected', async () => {
      await lab.fail(1, 'upstream', { family: 'ipv6' });
      assert.deepEqual(await reach(lab, 1), [true, false]);
      assert.deepEqual(await reach(lab, 2), [true, true]);
      await lab.fail(1, 'upstream', { family: 'ipv4' });
      assert.deepEqual(await reach(lab, 1), [false, true], 'a new fault replaces the last one');
      await lab.fail(1, 'upstream', { family: 'both' });
      assert.deepEqual(await reach(lab, 1), [false, false]);
      await lab.heal(1);
      assert.deepEqual(await reach(lab, 1), [true, true]);
    });

    await t.test('gateway fault for IPv6 only: the link-local gateway stops answering, IPv4 goes on', async () => {
      await lab.fail(2, 'gateway', { family: 'ipv6' });
      assert.equal(await pings(lab, 'wan2', 'fe80::1%wan2'), false);
      assert.deepEqual(await reach(lab, 2), [true, false]);
      await lab.heal(2);
      assert.equal(await pings(lab, 'wan2', 'fe80::1%wan2'), true);
    });

    await t.test('carrier loss takes both families; a family option is refused for it', async () => {
      await assert.rejects(lab.fail(1, 'carrier', { family: 'ipv6' }), /both families/);
      await lab.fail(1, 'carrier');
      assert.deepEqual(await reach(lab, 1), [false, false]);
      await lab.heal(1);
      let back: [boolean, boolean] = [false, false];
      for (let i = 0; i < 10 && !(back[0] && back[1]); i++) {
        await new Promise((r) => setTimeout(r, 200));
        back = await reach(lab, 1);
      }
      assert.deepEqual(back, [true, true]);
    });
  } finally {
    await lab.destroy();
  }
});
