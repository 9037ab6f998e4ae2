// Root-only (issue 9): the two bugs of a route the kernel refuses, reproduced with the real kernel.
// wan2's address is flushed (DHCP lease lost) while wan1 loses carrier: the default route via
// wan2 would fail with ENETUNREACH. The daemon must not retry in a hot loop (a handful of log
// lines), and when wan2's address comes back its table route is restored and the default route
// reaches wan2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeIface, notRoot, sleep, waitFor, withRig } from './support.js';

test('address flushed on the standby while the active link loses carrier: no hot loop, and recovery when the address returns', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('addr', async (rig) => {
    const d = await rig.start();
    await waitFor('route on wan1', async () => (await activeIface(rig)) === 'wan1');
    const wan2 = rig.lab.links[1]!;
    const before = d.logs.length;
    await rig.lab.exec(rig.lab.routerNs, 'ip', ['addr', 'flush', 'dev', wan2.iface]); // throws on failure
    await rig.lab.fail(1, 'carrier');
    await sleep(6_000);
    const lines = d.logs.slice(before);
    assert.ok(lines.length <= 30, `a handful of log lines in 6 s, not a flood: ${lines.length}`);
    assert.ok(!lines.some((l) => l.msg === 'default route switched' && l.to === 'wan2'), 'no switch to a link without an address');
    // The address comes back (lease renewed): the daemon reaches wan2 by itself.
    await rig.lab.exec(rig.lab.routerNs, 'ip', ['addr', 'add', `${wan2.address}/24`, 'dev', wan2.iface]);
    await waitFor('route on wan2', async () => (await activeIface(rig)) === 'wan2', 20_000);
    const snap = await rig.agent.dump();
    assert.ok(snap.routes.some((r) => r.family === 'inet' && r.table === 1001 && r.dst === null && r.protocol === 201),
      'wan2\'s per-link table route is back');
    await rig.lab.heal(1);
  });
});
