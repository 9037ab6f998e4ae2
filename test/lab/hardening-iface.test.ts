// Hardening: a WAN interface that vanishes and comes back under a new ifindex (USB modem, PPP).
// Deletion must fail over at once; the re-created link must be probed again and, once stable,
// win the route back, with its per-link table pointing at the NEW ifindex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteWan, ifindexOf, recreateWan } from '../../lab/iface-churn.js';
import { activeIface, notRoot, status, switchedTo, switchTimes, waitFor, withHardRig } from './hardening-support.js';

test('wan1 deleted and re-created with a new ifindex: fail over at once, return once stable, table 1000 on the new ifindex', { skip: notRoot, timeout: 90_000 }, async () => {
  await withHardRig('ifc', async (rig) => {
    // Thresholds no probe run can reach in this test: only the link deletion can move the route.
    const d = await rig.start({ failure_threshold: 1000, recovery_threshold: 2, min_secondary_time: 3 });
    const oldIndex = await ifindexOf(rig.lab.routerNs, 'wan1');
    assert.equal((await rig.agent.defaultRoutes(1000))[0]?.oif, oldIndex);

    await deleteWan(rig.lab, 1);
    await waitFor('default route on wan2 after wan1 vanished', async () => (await activeIface(rig)) === 'wan2', 15_000);
    // The switch's log line trails the kernel's route through stdout: wait for it before reading it.
    await switchedTo(d, 'wan2');
    const away = switchTimes(d).at(-1)!;
    assert.equal(away.to, 'wan2');
    const down = await status(rig, d);
    assert.equal(down.active_link, 'wan2');
    assert.equal(down.primary.healthy, false);

    const newIndex = await recreateWan(rig.lab, 1);
    assert.notEqual(newIndex, oldIndex, 'the kernel gave the re-created wan1 a new ifindex');
    await waitFor('route back on wan1 once the new link probes well', async () => (await activeIface(rig)) === 'wan1', 45_000);
    await switchedTo(d, 'wan1');
    const back = switchTimes(d).at(-1)!;
    assert.equal(back.to, 'wan1');
    assert.equal(switchTimes(d).length, 2, 'exactly one switch away and one back');

    await waitFor('table 1000 on the new ifindex', async () => (await rig.agent.defaultRoutes(1000))[0]?.oif === newIndex, 10_000);
    const table = await rig.agent.defaultRoutes(1000);
    assert.equal(table.length, 1);
    assert.equal(table[0]!.gateway, rig.lab.links[0]!.gateway);
    const main = await rig.agent.defaultRoutes(254);
    assert.equal(main[0]?.oif, newIndex, 'the main default route uses the new ifindex');
    const snap = await rig.agent.dump();
    assert.ok(snap.rules.some((r) => r.protocol === 201 && r.table === 1000), 'the daemon\'s rule for table 1000 is in place');
    const up = await status(rig, d);
    assert.equal(up.primary.healthy, true);
    assert.equal(up.active_link, 'wan1');
    console.log(`iface churn: wan1 ifindex ${oldIndex} -> ${newIndex}; on wan2 for ${back.atMs - away.atMs} ms`);
  });
});
