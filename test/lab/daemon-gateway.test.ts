// Gateway discovery and restarts with the real daemon in the lab: a new gateway arriving as a
// netlink route and as a dhclient state file reaches the routes; a restart (clean or kill -9)
// adopts the current default route without switching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeGatewayState } from '../../lab/daemon-config.js';
import { startDaemon, labConfig } from '../../lab/daemon-runner.js';
import { activeIface, notRoot, sleep, status, switches, waitFor, withRig } from './support.js';

test('a gateway change that arrives as a route updates the per-link table and the active default route', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('gwr', async (rig) => {
    const d = await rig.start();
    await rig.lab.changeGateway(1, '100.64.1.254');
    // What a DHCP client does on a new lease: a route via the new gateway on that interface.
    await rig.lab.exec(rig.lab.routerNs, 'ip', ['route', 'replace', 'default', 'via', '100.64.1.254', 'dev', 'wan1', 'proto', 'dhcp', 'metric', '100']);
    await waitFor('main default via the new gateway', async () =>
      (await rig.agent.defaultRoutes(254))[0]?.gateway === '100.64.1.254');
    const table = await rig.agent.defaultRoutes(1000);
    assert.equal(table[0]?.gateway, '100.64.1.254');
    const st = await status(rig, d);
    assert.equal(st.primary.gateway, '100.64.1.254');
    assert.equal(st.primary.gateway_source, 'netlink');
    assert.ok(st.recent_events.some((e: { type: string }) => e.type === 'gateway_change'));
    await waitFor('primary healthy through the new gateway', async () => (await status(rig, d)).primary.healthy === true);
    assert.equal(switches(d).length, 0);
  });
});

test('a gateway change that arrives in the dhclient state file reaches the standby link\'s table', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('gwf', async (rig) => {
    const d = await rig.start();
    assert.equal((await status(rig, d)).secondary.gateway_source, 'state_file');
    await rig.lab.changeGateway(2, '100.64.2.254');
    await writeGatewayState(d.stateDir, 'wan2', '100.64.2.254');
    await waitFor('table 1001 via the new gateway', async () => (await rig.agent.defaultRoutes(1001))[0]?.gateway === '100.64.2.254');
    const st = await status(rig, d);
    assert.equal(st.secondary.gateway, '100.64.2.254');
    await waitFor('standby healthy through the new gateway', async () => {
      const s = await status(rig, d);
      return s.secondary.healthy === true && s.secondary.gateway_reachable === true;
    });
  });
});

for (const how of ['SIGTERM', 'SIGKILL'] as const) {
  test(`after ${how}, a restart adopts the current default route without switching`, { skip: notRoot, timeout: 120_000 }, async () => {
    await withRig(how === 'SIGTERM' ? 'rst' : 'k9', async (rig) => {
      const cfg = labConfig(rig.lab, { min_secondary_time: 120 });
      const first = await startDaemon(rig.lab, cfg);
      try {
        await first.waitForLog((l) => l.msg === 'daemon ready', 20_000);
        const res = await rig.agent.http('POST', '/api/switch', {
          headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ target: 'wan2' }), port: first.apiPort,
        });
        assert.equal(res.status, 200, res.body);
        assert.equal(await activeIface(rig), 'wan2');
        if (how === 'SIGTERM') await first.stop('SIGTERM', 15_000); else await first.kill9();
      } finally {
        await first.dispose();
      }
      const second = await rig.start(cfg);
      await sleep(4000); // several probe cycles with both links healthy
      assert.deepEqual(switches(second), [], 'no switch after the restart');
      assert.equal(await activeIface(rig), 'wan2');
      const st = await status(rig, second);
      assert.equal(st.active_link, 'wan2');
      assert.equal(st.switch_count, 0);
      assert.equal((await rig.agent.defaultRoutes(254)).length, 1);
    });
  });
}
