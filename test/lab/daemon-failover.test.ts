// The real daemon in the namespace lab, checked on the real routing table through real netlink:
// failover on upstream loss, recovery hysteresis, carrier loss, standby faults, no route gaps,
// both links down, stop clean-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetlinkEvent } from '../../src/netlink/types.js';
import { activeIface, notRoot, sleep, status, switchedTo, switches, waitFor, withRig } from './support.js';

test('upstream loss on the primary moves the default route to the secondary, with no route gap on netlink', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('up', async (rig) => {
    const seen: NetlinkEvent[] = [];
    await rig.agent.onEvent((e) => seen.push(e));
    const d = await rig.start();
    assert.equal(await activeIface(rig), 'wan1');
    await rig.lab.fail(1, 'upstream');
    await waitFor('default route on wan2', async () => (await activeIface(rig)) === 'wan2');
    const st = await status(rig, d);
    assert.equal(st.active_link, 'wan2');
    assert.equal(st.primary.healthy, false);
    assert.equal(st.primary.gateway_reachable, true, 'upstream loss: the gateway still answers');
    assert.equal(st.secondary.healthy, true);
    const deletions = seen.filter((e) => e.kind === 'route' && e.op === 'del' && e.route.table === 254 && e.route.dst === null);
    assert.deepEqual(deletions, [], 'no RTM_DELROUTE of the main default route during the switch');
    const main = (await rig.agent.defaultRoutes(254));
    assert.equal(main.length, 1, 'exactly one default route in main');
    assert.equal(main[0]!.gateway, rig.lab.links[1]!.gateway);
  });
});

test('recovery honours recovery_threshold and min_secondary_time', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('rec', async (rig) => {
    const d = await rig.start({ recovery_threshold: 3, min_secondary_time: 8 });
    await rig.lab.fail(1, 'upstream');
    await waitFor('failover', async () => (await activeIface(rig)) === 'wan2');
    const away = await switchedTo(d, 'wan2');
    await rig.lab.heal(1);
    await waitFor('return to wan1', async () => (await activeIface(rig)) === 'wan1', 45_000);
    const back = await switchedTo(d, 'wan1');
    assert.match(String(back.reason), /recovered and stable/);
    const onSecondaryMs = Date.parse(String(back.time)) - Date.parse(String(away.time));
    assert.ok(onSecondaryMs >= 8000, `stayed on the secondary at least min_secondary_time (was ${onSecondaryMs} ms)`);
    const st = await status(rig, d);
    assert.ok(st.primary.consecutive_successes >= 3, 'recovery_threshold successes before the return');
  });
});

test('carrier loss switches without waiting for probes', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('car', async (rig) => {
    // With a failure threshold no probe run can reach, only the carrier event can move the route.
    const d = await rig.start({ failure_threshold: 1000, check_interval: 5, ping_timeout: 1 });
    await rig.lab.fail(1, 'carrier');
    await waitFor('failover on carrier loss', async () => (await activeIface(rig)) === 'wan2', 20_000);
    const st = await status(rig, d);
    assert.equal(st.primary.carrier, false);
    assert.equal(st.primary.state, 'down');
    assert.ok(st.recent_events.some((e: { type: string }) => e.type === 'carrier'));
  });
});

test('the standby link is probed through itself: its upstream loss is seen while it is standby', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('stb', async (rig) => {
    const d = await rig.start();
    await waitFor('standby judged healthy', async () => (await status(rig, d)).secondary.healthy === true);
    await rig.lab.fail(2, 'upstream');
    await waitFor('standby reported unhealthy', async () => (await status(rig, d)).secondary.healthy === false);
    const st = await status(rig, d);
    assert.equal(st.secondary.gateway_reachable, true);
    assert.equal(st.active_link, 'wan1');
    assert.equal(switches(d).length, 0, 'no switch for a standby fault');
    assert.equal(await activeIface(rig), 'wan1');
  });
});

test('both links down: the route stays, one line on entering that state, no flapping', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('both', async (rig) => {
    const d = await rig.start();
    await rig.lab.fail(1, 'upstream');
    await rig.lab.fail(2, 'upstream');
    await waitFor('all links down logged', async () => d.logs.some((l) => String(l.msg).startsWith('All links are down')));
    await sleep(6000); // several more cycles in the all-down state
    assert.ok(switches(d).length <= 1, `at most the one switch before the second link died (saw ${switches(d).length})`);
    assert.equal(d.logs.filter((l) => String(l.msg).startsWith('All links are down')).length, 1);
    assert.equal((await rig.agent.defaultRoutes(254)).length, 1, 'a default route is still there');
  });
});

test('stop removes its rules and per-link tables and leaves the default route', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('stop', async (rig) => {
    const d = await rig.start();
    const before = await rig.agent.dump();
    assert.ok(before.rules.some((r) => r.protocol === 201), 'the daemon installed its rules');
    assert.ok(before.routes.some((r) => r.table === 1000 || r.table === 1001));
    assert.equal(await d.stop('SIGTERM', 15_000), 0);
    const after = await rig.agent.dump();
    assert.deepEqual(after.rules.filter((r) => r.protocol === 201), []);
    assert.deepEqual(after.routes.filter((r) => r.table === 1000 || r.table === 1001), []);
    assert.equal(await activeIface(rig), 'wan1');
  });
});
