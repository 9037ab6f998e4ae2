// Root-only: the real daemon on the dual-stack lab (issue 12). Each family has its own health and
// its own default route: IPv6-only loss moves only the IPv6 route, IPv4-only loss only the IPv4
// one, carrier loss both; the standby's IPv6 loss is seen while standby; stop removes the IPv6
// rules and tables. Checked on the kernel's routes over real netlink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notRoot, status, waitFor, withRig, type Rig } from './support.js';

const PROTO = 201;

/** The interface of the daemon's own default route of a family in main, or null. */
async function ownDefault(rig: Rig, family: 'inet' | 'inet6'): Promise<string | null> {
  const snap = await rig.agent.dump();
  const r = snap.routes.find((x) => x.family === family && x.table === 254 && x.dst === null && x.protocol === PROTO);
  return r ? snap.links.find((l) => l.index === r.oif)?.name ?? null : null;
}

const dualConfig = (rig: Rig): Record<string, unknown> => ({ ping_targets: [...rig.lab.targets, ...rig.lab.targets6] });

test('dual stack: IPv6-only loss moves only the IPv6 default route; IPv4-only loss only the IPv4 one', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('ds', async (rig) => {
    const d = await rig.start(dualConfig(rig));
    await waitFor('both families on wan1', async () => (await ownDefault(rig, 'inet')) === 'wan1' && (await ownDefault(rig, 'inet6')) === 'wan1');
    const st0 = await status(rig, d);
    assert.equal(st0.active_link_ipv6, 'wan1');
    assert.equal(st0.links[0].ipv6.gateway, 'fe80::1');

    await rig.lab.fail(1, 'upstream', { family: 'ipv6' });
    await waitFor('IPv6 on wan2', async () => (await ownDefault(rig, 'inet6')) === 'wan2', 20_000);
    assert.equal(await ownDefault(rig, 'inet'), 'wan1', 'IPv4 stays: its probes still pass');
    const st1 = await status(rig, d);
    assert.equal(st1.active_link, 'wan1');
    assert.equal(st1.active_link_ipv6, 'wan2');
    assert.equal(st1.links[0].healthy, true);
    assert.equal(st1.links[0].ipv6.healthy, false);

    await rig.lab.heal(1);
    await rig.lab.fail(1, 'upstream', { family: 'ipv4' });
    await waitFor('IPv4 on wan2', async () => (await ownDefault(rig, 'inet')) === 'wan2', 20_000);
    await rig.lab.heal(1);
  }, { ipv6: true });
});

test('dual stack: carrier loss moves both families at once; the standby\'s IPv6 loss is seen while standby; stop removes IPv6 tables and rules', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('dsc', async (rig) => {
    const d = await rig.start(dualConfig(rig));
    await waitFor('both families on wan1', async () => (await ownDefault(rig, 'inet')) === 'wan1' && (await ownDefault(rig, 'inet6')) === 'wan1');
    await rig.lab.fail(2, 'upstream', { family: 'ipv6' });
    await waitFor('wan2 IPv6 down while standby', async () => (await status(rig, d)).links[1].ipv6.state === 'down', 20_000);
    assert.equal(await ownDefault(rig, 'inet6'), 'wan1');
    await rig.lab.heal(2);
    await waitFor('wan2 IPv6 up again', async () => (await status(rig, d)).links[1].ipv6.state === 'up', 20_000);

    await rig.lab.fail(1, 'carrier');
    await waitFor('both families on wan2', async () => (await ownDefault(rig, 'inet')) === 'wan2' && (await ownDefault(rig, 'inet6')) === 'wan2', 20_000);

    await d.stop();
    const snap = await rig.agent.dump();
    assert.ok(!snap.rules.some((r) => r.family === 'inet6' && r.protocol === PROTO), 'no IPv6 rule of ours left');
    assert.ok(!snap.routes.some((r) => r.family === 'inet6' && r.table !== 254 && r.protocol === PROTO), 'no IPv6 table route of ours left');
  }, { ipv6: true });
});
