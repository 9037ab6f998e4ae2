// Root-only: the real daemon on the dual-stack lab (issue 12). Each family has its own health and
// its own default route: IPv6-only loss moves only the IPv6 route, IPv4-only loss only the IPv4
// one, carrier loss both, and neither is ever deleted on the way (netlink events); the standby's
// IPv6 loss is seen while standby; stop removes the IPv6 rules and tables; a restart adopts both
// routes; a switch with `family` over the API moves only that family. Checked on the kernel's
// routes over real netlink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetlinkEvent } from '../../src/netlink/types.js';
import { labConfig, startDaemon, type DaemonHandle } from '../../lab/daemon-runner.js';
import { notRoot, sleep, status, switches, waitFor, withRig, type Rig } from './support.js';

const PROTO = 201;

interface OwnMainEvent { op: 'new' | 'del'; family: 'inet' | 'inet6'; iface: string }

/**
 * Records every netlink event of the daemon's own default route in main (protocol 201), both
 * families, from the agent's monitor socket: a move must be one RTM_NEWROUTE (the replace) and
 * never an RTM_DELROUTE, which would be a moment without a default route of ours.
 */
async function recordOwnMain(rig: Rig): Promise<{ events: OwnMainEvent[]; stop: () => void }> {
  const names = new Map((await rig.agent.dump()).links.map((l) => [l.index, l.name]));
  const events: OwnMainEvent[] = [];
  const stop = await rig.agent.onEvent((e: NetlinkEvent) => {
    if (e.kind === 'link') names.set(e.link.index, e.link.name);
    if (e.kind !== 'route') return;
    const r = e.route;
    if (r.table !== 254 || r.dst !== null || r.protocol !== PROTO) return;
    events.push({ op: e.op, family: r.family, iface: names.get(r.oif ?? -1) ?? `if${r.oif}` });
  });
  return { events, stop };
}

function assertMovedByReplace(events: OwnMainEvent[], family: 'inet' | 'inet6', to: string): void {
  const mine = events.filter((e) => e.family === family);
  assert.deepEqual(mine.filter((e) => e.op === 'del'), [], `no RTM_DELROUTE of our ${family} default route: ${JSON.stringify(mine)}`);
  assert.ok(mine.some((e) => e.op === 'new' && e.iface === to), `our ${family} default route arrived on ${to} as a replace: ${JSON.stringify(mine)}`);
}

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

    const rec = await recordOwnMain(rig);
    await rig.lab.fail(1, 'upstream', { family: 'ipv6' });
    await waitFor('IPv6 on wan2', async () => (await ownDefault(rig, 'inet6')) === 'wan2', 20_000);
    assert.equal(await ownDefault(rig, 'inet'), 'wan1', 'IPv4 stays: its probes still pass');
    await sleep(300); // the monitor socket's last notifications
    rec.stop();
    assertMovedByReplace(rec.events, 'inet6', 'wan2');
    assert.deepEqual(rec.events.filter((e) => e.family === 'inet'), [], 'the IPv4 default route was not touched');
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

    const rec = await recordOwnMain(rig);
    await rig.lab.fail(1, 'carrier');
    await waitFor('both families on wan2', async () => (await ownDefault(rig, 'inet')) === 'wan2' && (await ownDefault(rig, 'inet6')) === 'wan2', 20_000);
    await sleep(300);
    rec.stop();
    assertMovedByReplace(rec.events, 'inet', 'wan2');
    assertMovedByReplace(rec.events, 'inet6', 'wan2');

    await d.stop();
    const snap = await rig.agent.dump();
    assert.ok(!snap.rules.some((r) => r.family === 'inet6' && r.protocol === PROTO), 'no IPv6 rule of ours left');
    assert.ok(!snap.routes.some((r) => r.family === 'inet6' && r.table !== 254 && r.protocol === PROTO), 'no IPv6 table route of ours left');
  }, { ipv6: true });
});

/** POST /api/switch through the agent (inside the router namespace). */
async function postSwitch(rig: Rig, d: DaemonHandle, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await rig.agent.http('POST', '/api/switch', {
    headers: { authorization: `Bearer ${d.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body), port: d.apiPort,
  });
  return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
}

test('dual stack: a switch with family moves only that family\'s route; after kill -9 a restart adopts both routes', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('dsr', async (rig) => {
    // min_secondary_time 120: nothing may pull a family back to wan1 on its own during the checks.
    const cfg = labConfig(rig.lab, { ...dualConfig(rig), min_secondary_time: 120 });
    const first = await startDaemon(rig.lab, cfg);
    try {
      await first.waitForLog((l) => l.msg === 'daemon ready', 20_000);
      await waitFor('both families on wan1', async () => (await ownDefault(rig, 'inet')) === 'wan1' && (await ownDefault(rig, 'inet6')) === 'wan1');

      let rec = await recordOwnMain(rig);
      const v4 = await postSwitch(rig, first, { target: 'wan2', family: 'ipv4' });
      assert.equal(v4.status, 200, JSON.stringify(v4.json));
      assert.deepEqual(v4.json, { success: true, active: 'wan2', active_ipv6: 'wan1' });
      assert.equal(await ownDefault(rig, 'inet'), 'wan2');
      assert.equal(await ownDefault(rig, 'inet6'), 'wan1', 'family ipv4 leaves IPv6 alone');
      await sleep(300);
      rec.stop();
      assertMovedByReplace(rec.events, 'inet', 'wan2');
      assert.deepEqual(rec.events.filter((e) => e.family === 'inet6'), [], 'no IPv6 default-route change');

      rec = await recordOwnMain(rig);
      const v6 = await postSwitch(rig, first, { target: 'wan2', family: 'ipv6' });
      assert.equal(v6.status, 200, JSON.stringify(v6.json));
      assert.deepEqual(v6.json, { success: true, active: 'wan2', active_ipv6: 'wan2', ipv6_result: 'switched' });
      assert.equal(await ownDefault(rig, 'inet6'), 'wan2');
      await sleep(300);
      rec.stop();
      assertMovedByReplace(rec.events, 'inet6', 'wan2');
      assert.deepEqual(rec.events.filter((e) => e.family === 'inet'), [], 'no IPv4 default-route change');
      const st = await status(rig, first);
      assert.deepEqual([st.active_link, st.active_link_ipv6, st.manual_hold, st.manual_hold_ipv6], ['wan2', 'wan2', 'wan2', 'wan2']);

      const bad = await postSwitch(rig, first, { target: 'wan1', family: 'ipv9' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, 'WAN_ERR_BAD_REQUEST');

      // Both families settled on the second preference; kill -9 leaves the routes as they are.
      await first.kill9();
    } finally {
      await first.dispose();
    }
    const second = await rig.start(cfg);
    for (const family of ['ipv4', 'ipv6']) {
      const line = await second.waitForLog((l) => l.msg === 'adopted the current default route' && l.family === family, 5000);
      assert.equal(line.link, 'wan2', `${family} adopted on wan2`);
    }
    await sleep(4000); // several probe rounds with both links healthy in both families
    assert.deepEqual(switches(second), [], 'no switch after the restart');
    assert.equal(await ownDefault(rig, 'inet'), 'wan2');
    assert.equal(await ownDefault(rig, 'inet6'), 'wan2');
    const st = await status(rig, second);
    assert.deepEqual([st.active_link, st.active_link_ipv6, st.switch_count], ['wan2', 'wan2', 0]);
    const snap = await rig.agent.dump();
    for (const family of ['inet', 'inet6'] as const) {
      assert.equal(snap.routes.filter((r) => r.family === family && r.table === 254 && r.dst === null && r.protocol === PROTO).length, 1,
        `one ${family} default route of ours`);
    }
  }, { ipv6: true });
});
