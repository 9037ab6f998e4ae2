// The REST API against the real daemon in the lab: a switch moves the real default route, and
// auto off keeps the route through an injected outage until auto is switched back on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeIface, notRoot, sleep, status, switches, waitFor, withRig } from './support.js';

function post(rig: Parameters<Parameters<typeof withRig>[1]>[0], d: { apiKey: string; apiPort: number }, path: string, body: unknown) {
  return rig.agent.http('POST', path, {
    headers: { authorization: `Bearer ${d.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body), port: d.apiPort,
  });
}

test('POST /api/switch moves the real default route', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('asw', async (rig) => {
    const d = await rig.start({ min_secondary_time: 120 });
    const res = await post(rig, d, '/api/switch', { target: 'wan2' });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(JSON.parse(res.body).active, 'wan2');
    assert.equal(await activeIface(rig), 'wan2');
    const again = await post(rig, d, '/api/switch', { target: 'wan2' });
    assert.equal(again.status, 200);
    assert.match(JSON.parse(again.body).message, /Already on/);
    const bad = await post(rig, d, '/api/switch', { target: 'wan9' });
    assert.equal(bad.status, 400);
    assert.deepEqual(JSON.parse(bad.body).valid, ['wan1', 'wan2']);
    assert.equal((await status(rig, d)).active_link, 'wan2', 'the daemon kept running');
  });
});

test('POST /api/auto {"enabled": false} stops automatic failover during an outage', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('aut', async (rig) => {
    const d = await rig.start();
    const off = await post(rig, d, '/api/auto', { enabled: false });
    assert.equal(off.status, 200, off.body);
    assert.equal(JSON.parse(off.body).auto_enabled, false);
    await rig.lab.fail(1, 'upstream');
    await waitFor('primary judged down', async () => (await status(rig, d)).primary.healthy === false);
    await sleep(3000);
    assert.equal(await activeIface(rig), 'wan1', 'auto off: the route stays');
    assert.equal(switches(d).length, 0);
    const on = await post(rig, d, '/api/auto', { enabled: true });
    assert.equal(on.status, 200);
    await waitFor('failover once auto is back on', async () => (await activeIface(rig)) === 'wan2');
  });
});
