// The real daemon in the namespace lab with a real broker (mosquitto inside the router namespace on
// its 127.0.0.1, the daemon's view; the test watches the same broker over its Unix socket):
// discovery, availability and the last will, Home Assistant's birth, state on an outage, a select
// command moving the real default route, a broker restart, and a broker that is down or frozen
// while failover happens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker, type Broker } from '../../lab/mosquitto.js';
import { watchBroker, type MqttWatch } from '../../lab/mqtt-watch.js';
import { haProblems } from '../unit/mqtt/ha-schema.js';
import { activeIface, notRoot, switchedTo, switches, waitFor, withRig, type Rig } from './support.js';

const BASE = 'wf';
const NODE = 'wf-lab';
const mqttConfig = (b: Broker): Record<string, unknown> => ({ mqtt: { url: b.url, client_id: NODE, base_topic: BASE } });
const linkState = (w: MqttWatch, link: string): Record<string, unknown> | null => {
  const m = w.last(`${BASE}/link/${link}/state`);
  return m ? (JSON.parse(m.payload) as Record<string, unknown>) : null;
};

async function withBrokerRig(tag: string, fn: (rig: Rig, broker: Broker, watch: MqttWatch) => Promise<void>): Promise<void> {
  await withRig(tag, async (rig) => {
    const broker = await startBroker({ ns: rig.lab.routerNs });
    let watch: MqttWatch | null = null;
    try {
      watch = await watchBroker(broker.socketPath, [`${BASE}/#`, 'homeassistant/#']);
      await fn(rig, broker, watch);
    } finally {
      await watch?.close().catch(() => undefined);
      await broker.dispose();
    }
  }, { prefix: 'wfq' });
}

test('discovery configs are valid, states follow an outage, a select command moves the real default route, HA birth re-publishes',
  { skip: notRoot, timeout: 120_000 }, async () => {
    await withBrokerRig('disc', async (rig, broker, w) => {
      const d = await rig.start(mqttConfig(broker));
      await w.waitFor('online', (m) => m.topic === `${BASE}/availability` && m.payload === 'online', 15_000);
      await w.waitFor('router state', (m) => m.topic === `${BASE}/router/state`, 10_000);
      await w.waitFor('the select config', (m) => m.topic === `homeassistant/select/${NODE}/route_via/config`, 10_000);
      await w.waitFor('the last link config', (m) => m.topic === `homeassistant/sensor/${NODE}/wan2_state/config`, 10_000);
      const configs = new Map(w.seen.filter((m) => m.topic.endsWith('/config') && m.payload !== '').map((m) => [m.topic, m]));
      assert.ok(configs.size >= 25, `configs: ${configs.size}`);
      const devices = new Set<string>();
      for (const [topic, m] of configs) {
        assert.match(topic, /^homeassistant\/(sensor|binary_sensor|select|switch|button)\/wf-lab\/[a-zA-Z0-9_-]+\/config$/);
        const payload = JSON.parse(m.payload) as Record<string, unknown>;
        assert.deepEqual(haProblems(topic.split('/')[1]!, payload), [], topic);
        devices.add(JSON.stringify(payload['device']));
      }
      assert.equal(devices.size, 1, 'one identical device block');
      const select = JSON.parse(configs.get(`homeassistant/select/${NODE}/route_via/config`)!.payload) as { options: string[] };
      assert.deepEqual(select.options, ['wan1', 'wan2']);
      const active = await w.waitFor('active link', (m) => m.topic === `${BASE}/router/active`, 10_000);
      assert.ok(select.options.includes(active.payload), 'select state is one of its options');
      assert.equal(active.payload, 'wan1');
      await waitFor('wan1 healthy on mqtt', async () => linkState(w, 'wan1')?.['healthy'] === true, 20_000);

      // An outage: the link state and the router state change on the broker.
      const mark = w.seen.length;
      await rig.lab.fail(1, 'upstream');
      await w.waitFor('wan1 unhealthy', (m) => m.topic === `${BASE}/link/wan1/state` && JSON.parse(m.payload).healthy === false, 30_000, mark);
      await w.waitFor('active wan2', (m) => m.topic === `${BASE}/router/active` && m.payload === 'wan2', 30_000, mark);
      assert.equal(await activeIface(rig), 'wan2');
      const last = await w.waitFor('last switch time', (m) => m.topic === `${BASE}/router/last_switch`, 10_000);
      assert.match(last.payload, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      // Heal, then a manual switch from Home Assistant's select: the real default route moves.
      await rig.lab.heal(1);
      await waitFor('wan1 healthy again on mqtt', async () => linkState(w, 'wan1')?.['healthy'] === true, 30_000);
      await w.publish(`${BASE}/router/auto/set`, 'OFF');
      await w.waitFor('auto off', (m) => m.topic === `${BASE}/router/state` && JSON.parse(m.payload).auto === false, 10_000);
      await w.publish(`${BASE}/router/active/set`, 'nonexistent');
      await w.publish(`${BASE}/router/active/set`, 'wan1');
      await waitFor('default route on wan1 by mqtt command', async () => (await activeIface(rig)) === 'wan1', 15_000);
      await w.waitFor('select state wan1', (m) => m.topic === `${BASE}/router/active` && m.payload === 'wan1', 10_000, mark);
      const unknown = await d.waitForLog((l) => l.msg === 'mqtt switch to an unknown link ignored', 5_000);
      assert.equal(unknown['target'], 'nonexistent');
      assert.equal(d.exitCode, null);
      await w.publish(`${BASE}/router/resume_auto/set`, 'PRESS');
      await w.waitFor('auto back on', (m) => m.topic === `${BASE}/router/state` && JSON.parse(m.payload).auto === true, 10_000);

      // Home Assistant restarts: its birth brings every config again.
      const before = w.seen.length;
      await w.publish('homeassistant/status', 'online');
      await w.waitFor('re-published select config', (m) => m.topic === `homeassistant/select/${NODE}/route_via/config`, 10_000, before);
      await w.waitFor('re-published last link config', (m) => m.topic === `homeassistant/sensor/${NODE}/wan2_state/config`, 10_000, before);
      const again = new Set(w.seen.slice(before).filter((m) => m.topic.endsWith('/config')).map((m) => m.topic));
      assert.equal(again.size, configs.size, 'every config re-published');
    });
  });

test('SIGKILL: the broker publishes the last will (offline); a broker restart is survived', { skip: notRoot, timeout: 120_000 }, async () => {
  await withBrokerRig('will', async (rig, broker, w) => {
    const d = await rig.start(mqttConfig(broker));
    await w.waitFor('online', (m) => m.topic === `${BASE}/availability` && m.payload === 'online', 15_000);
    // Broker restart (no persistence: every retained message is gone); the daemon reconnects and
    // publishes availability, discovery and state again.
    await w.close();
    await broker.restart();
    const w2 = await watchBroker(broker.socketPath, [`${BASE}/#`, 'homeassistant/#']);
    try {
      await w2.waitFor('online after restart', (m) => m.topic === `${BASE}/availability` && m.payload === 'online', 30_000);
      await w2.waitFor('state after restart', (m) => m.topic === `${BASE}/router/active` && m.payload === 'wan1', 15_000);
      await w2.waitFor('discovery after restart', (m) => m.topic === `homeassistant/select/${NODE}/route_via/config`, 15_000);
      assert.ok(d.logs.some((l) => l.msg === 'mqtt broker connection lost; reconnecting with backoff'));
      assert.ok(d.logs.some((l) => l.msg === 'mqtt reconnected'));
      const mark = w2.seen.length;
      await d.kill9();
      const will = await w2.waitFor('the last will', (m) => m.topic === `${BASE}/availability`, 60_000, mark);
      assert.equal(will.payload, 'offline');
    } finally {
      await w2.close();
    }
  });
});

test('a broker that is down, or frozen, does not stop or hold up failover', { skip: notRoot, timeout: 150_000 }, async () => {
  await withBrokerRig('down', async (rig, broker, w) => {
    await broker.stop();
    const d = await rig.start(mqttConfig(broker));
    await rig.lab.fail(1, 'upstream');
    await waitFor('failover with the broker down', async () => (await activeIface(rig)) === 'wan2', 30_000);
    await d.waitForLog((l) => l.msg === 'mqtt broker unreachable; retrying with backoff', 10_000);
    assert.equal(d.logs.filter((l) => l.msg === 'mqtt broker unreachable; retrying with backoff').length, 1, 'one line per outage');
    // The broker comes: the current state (wan2 active) appears.
    await w.close();
    await broker.restart();
    const w2 = await watchBroker(broker.socketPath, [`${BASE}/#`]);
    try {
      await w2.waitFor('state once the broker is up', (m) => m.topic === `${BASE}/router/active` && m.payload === 'wan2', 90_000);
      // Frozen broker (accepts TCP, answers nothing): failback still happens.
      broker.freeze();
      const before = switches(d).length;
      await rig.lab.heal(1);
      await waitFor('failback with the broker frozen', async () => (await activeIface(rig)) === 'wan1', 45_000);
      await switchedTo(d, 'wan1');
      assert.ok(switches(d).length > before);
      broker.thaw();
      await w2.waitFor('state after thaw', (m) => m.topic === `${BASE}/router/active` && m.payload === 'wan1', 90_000);
      assert.equal(d.exitCode, null, 'the daemon kept running');
    } finally {
      broker.thaw();
      await w2.close();
    }
  });
});
