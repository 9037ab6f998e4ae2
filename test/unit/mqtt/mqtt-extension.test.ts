import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { MqttConfig } from '../../../src/config/types.js';
import { MqttExtension } from '../../../src/mqtt/mqtt-extension.js';
import { FakeEngine, fakeLink } from '../../api/fake-engine.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeBroker } from './fake-mqtt.js';

const CONFIG: MqttConfig = {
  url: 'mqtt://127.0.0.1:1883', ca: null, cert: null, key: null, username: 'ha', password: 's3cret',
  clientId: null, baseTopic: 'wan-failover', discoveryPrefix: 'homeassistant', discovery: true,
};

interface Line { level: string; obj: object; msg: string }

function rig(config: MqttConfig = CONFIG) {
  const clock = new FakeClock();
  const engine = new FakeEngine();
  const lines: Line[] = [];
  const log = {
    debug: (obj: object, msg: string) => lines.push({ level: 'debug', obj, msg }),
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
  };
  const bus = new SyncEventBus(log);
  const broker = new FakeBroker();
  const ext = new MqttExtension({ config, engine, bus, clock, log, connect: broker.connect, hostname: 'gw', version: '9.9.9', intervalMs: () => 1000 });
  return { clock, engine, lines, bus, broker, ext };
}

/** A rig whose extension has started and been accepted by the broker (the first publishes done). */
async function connected(config: MqttConfig = CONFIG): Promise<ReturnType<typeof rig>> {
  const r = rig(config);
  await r.ext.start();
  r.broker.up();
  await flushMicrotasks();
  return r;
}

const DISCOVERY = /^homeassistant\/[a-z_]+\/wan-failover-gw\/[^/]+\/config$/;

test('start connects with a retained offline last will and the default client id, publishing nothing yet', async () => {
  const r = rig();
  await r.ext.start();
  const o = r.broker.options!;
  assert.equal(o.clientId, 'wan-failover-gw');
  assert.deepEqual(o.will, { topic: 'wan-failover/availability', payload: 'offline', retain: true, qos: 1 });
  assert.equal(o.username, 'ha');
  assert.equal(r.broker.published.length, 0, 'nothing is published before the broker accepts us');
  await r.ext.stop();
});

test('on connect: online (retained), every discovery config (retained), then the states (retained), and the subscriptions', async () => {
  const r = await connected();
  const first = r.broker.published[0]!;
  assert.deepEqual(first, { topic: 'wan-failover/availability', payload: 'online', opts: { retain: true, qos: 1 } });
  const configs = r.broker.published.filter((p) => DISCOVERY.test(p.topic));
  assert.ok(configs.length >= 25, `configs: ${configs.length}`);
  for (const c of configs) {
    assert.equal(c.opts.retain, true);
    assert.doesNotThrow(() => JSON.parse(c.payload));
  }
  const router = r.broker.on('wan-failover/router/state');
  assert.equal(router.length, 1);
  assert.equal(router[0]!.opts.retain, true);
  const lastConfig = r.broker.published.reduce((at, p, i) => (DISCOVERY.test(p.topic) ? i : at), -1);
  const firstState = r.broker.published.findIndex((p) => p.topic === 'wan-failover/router/state');
  assert.ok(lastConfig < firstState, 'discovery before state');
  assert.equal(r.broker.last('wan-failover/router/active'), 'primary');
  assert.equal(JSON.parse(r.broker.last('wan-failover/link/secondary/state')!).healthy, false);
  assert.deepEqual(r.broker.subscribed.sort(), ['homeassistant/+/wan-failover-gw/+/config', 'homeassistant/status', 'wan-failover/router/+/set']);
  await r.ext.stop();
});

test('a switch on the bus publishes the new state at once, without waiting for the interval', async () => {
  const r = await connected();
  r.broker.clear();
  r.engine.current = { ...r.engine.current, active: 'secondary', switchCount: 3, lastSwitchMs: Date.UTC(2025, 0, 2, 3, 5, 0) };
  r.bus.publish({ kind: 'switched', family: 'ipv4', from: null, to: { link: 'secondary', interface: 'eth1', addresses: [] }, reason: 'failover',
    message: 'x', timeMs: 0, applyMs: 1 });
  r.bus.publish({ kind: 'all-down', down: false, timeMs: 0 });
  await flushMicrotasks();
  assert.equal(r.broker.last('wan-failover/router/active'), 'secondary');
  assert.equal(r.broker.last('wan-failover/router/last_switch'), '2025-01-02T03:05:00.000Z');
  assert.equal(r.broker.on('wan-failover/router/state').length, 1, 'events of one step coalesce into one publish');
  assert.equal(JSON.parse(r.broker.last('wan-failover/router/state')!).switch_count, 3);
  assert.equal(r.broker.on('wan-failover/link/primary/state').length, 0, 'unchanged documents are not re-sent');
  await r.ext.stop();
});

test('traffic and RTT go out at most every check_interval, and only when they changed', async () => {
  const r = await connected();
  r.broker.clear();
  const links = r.engine.current.links.map((l, i) => (i === 0 ? { ...l, rttMs: 40, traffic: { ...l.traffic, rxMbps: 55 } } : l));
  r.engine.current = { ...r.engine.current, links };
  r.bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: 0 });
  await flushMicrotasks();
  assert.equal(r.broker.published.length, 0, 'a probe round is not an immediate change');
  r.clock.advance(999);
  assert.equal(r.broker.published.length, 0);
  r.clock.advance(1);
  assert.deepEqual(r.broker.published.map((p) => p.topic), ['wan-failover/link/primary/state']);
  assert.equal(JSON.parse(r.broker.last('wan-failover/link/primary/state')!).rx_mbps, 55);
  r.clock.advance(5000);
  assert.equal(r.broker.published.length, 1, 'nothing changed, nothing sent');
  await r.ext.stop();
});

test("Home Assistant's birth re-publishes discovery and state", async () => {
  const r = await connected();
  const configs = r.broker.published.filter((p) => DISCOVERY.test(p.topic)).length;
  r.broker.clear();
  r.broker.deliver('homeassistant/status', 'offline');
  assert.equal(r.broker.published.length, 0);
  r.broker.deliver('homeassistant/status', 'online');
  await flushMicrotasks();
  assert.equal(r.broker.published.filter((p) => DISCOVERY.test(p.topic)).length, configs);
  assert.equal(r.broker.on('wan-failover/router/state').length, 1, 'state re-sent too');
  await r.ext.stop();
});

test('a retained config of ours that this run did not announce is cleared; our own are left alone', async () => {
  const r = await connected();
  const own = r.broker.published.find((p) => DISCOVERY.test(p.topic))!;
  r.broker.clear();
  r.broker.deliver(own.topic, own.payload);
  r.broker.deliver('homeassistant/sensor/wan-failover-gw/oldlink_rtt/config', '{"name":"old"}');
  r.broker.deliver('homeassistant/sensor/wan-failover-gw/oldlink_rtt/config', '');
  await flushMicrotasks();
  assert.deepEqual(r.broker.published.map((p) => [p.topic, p.payload, p.opts.retain]),
    [['homeassistant/sensor/wan-failover-gw/oldlink_rtt/config', '', true]]);
  await r.ext.stop();
});

test('a link that leaves the configuration has its configs removed with empty retained payloads', async () => {
  const r = await connected();
  r.broker.clear();
  r.engine.current = { ...r.engine.current, links: [r.engine.current.links[0]!, fakeLink({ name: 'lte', displayName: 'LTE' })] };
  r.bus.publish({ kind: 'gateway', link: 'lte', family: 'ipv4', gateway: null, source: null, timeMs: 0 });
  await flushMicrotasks();
  const removed = r.broker.published.filter((p) => p.payload === '').map((p) => p.topic);
  assert.ok(removed.length >= 10 && removed.every((t) => t.includes('/secondary_')), removed.join(' '));
  assert.ok(r.broker.published.some((p) => p.topic === 'homeassistant/sensor/wan-failover-gw/lte_rtt/config' && p.payload !== ''));
  const select = JSON.parse(r.broker.last('homeassistant/select/wan-failover-gw/route_via/config')!);
  assert.deepEqual(select.options, ['primary', 'lte']);
  await r.ext.stop();
});

test('commands go through the engine with its validation; an unknown link is logged and ignored', async () => {
  const r = await connected();
  r.engine.current = { ...r.engine.current, links: r.engine.current.links.map((l) => ({ ...l, state: 'up' as const, gateway: '203.0.113.1' })) };
  r.broker.deliver('wan-failover/router/active/set', 'nope');
  r.broker.deliver('wan-failover/router/active/set', 'secondary');
  r.broker.deliver('wan-failover/router/auto/set', 'OFF');
  r.broker.deliver('wan-failover/router/resume_auto/set', 'PRESS');
  r.broker.deliver('wan-failover/router/auto/set', 'garbage');
  r.broker.deliver('wan-failover/router/active/set', '{"target":"secondary","family":"ipv4"}');
  for (let i = 0; i < 10; i++) await flushMicrotasks();
  assert.deepEqual(r.engine.switchCalls, [{ target: 'nope', force: false }, { target: 'secondary', force: false },
    { target: 'secondary', force: false, family: 'ipv4' }]);
  assert.deepEqual(r.engine.autoCalls, [false, true]);
  assert.ok(r.lines.some((l) => l.level === 'warn' && l.msg === 'mqtt switch to an unknown link ignored'));
  assert.ok(r.lines.some((l) => l.level === 'warn' && l.msg === 'mqtt command ignored'));
  assert.equal(r.broker.last('wan-failover/router/active'), 'secondary', 'the select state follows the switch');
  await r.ext.stop();
});

test('a refused switch (link down) and an engine that throws are logged, never thrown', async () => {
  const r = await connected();
  r.engine.current = { ...r.engine.current, links: r.engine.current.links.map((l) => ({ ...l, gateway: '203.0.113.1' })) };
  r.broker.deliver('wan-failover/router/active/set', 'secondary');
  for (let i = 0; i < 5; i++) await flushMicrotasks();
  r.engine.failNext = new Error('boom');
  r.broker.deliver('wan-failover/router/auto/set', 'ON');
  r.broker.deliver('wan-failover/router/active/set', '{"target":"secondary","force":true}');
  for (let i = 0; i < 10; i++) await flushMicrotasks();
  assert.ok(r.lines.some((l) => l.msg === 'mqtt switch refused' && (l.obj as { code: string }).code === 'WAN_ERR_LINK_DOWN'));
  assert.ok(r.lines.some((l) => l.msg === 'mqtt command failed'));
  assert.equal(r.engine.current.active, 'secondary', 'force switches a down link, as the API does');
  await r.ext.stop();
});

test('an outage is logged once; nothing is sent while down; a reconnect re-sends everything', async () => {
  const r = rig();
  await r.ext.start();
  r.broker.down('ECONNREFUSED');
  r.broker.down('ECONNREFUSED');
  r.broker.down('ECONNREFUSED');
  assert.equal(r.lines.filter((l) => l.level === 'warn').length, 1, 'a broker down at start: one line');
  r.broker.up();
  await flushMicrotasks();
  r.broker.down('ECONNRESET');
  r.broker.down('ECONNREFUSED');
  const warns = r.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
  assert.deepEqual(warns, ['mqtt broker unreachable; retrying with backoff', 'mqtt broker connection lost; reconnecting with backoff']);
  r.broker.clear();
  r.engine.current = { ...r.engine.current, active: 'secondary' };
  r.bus.publish({ kind: 'auto', enabled: true, timeMs: 0 });
  r.clock.advance(3000);
  await flushMicrotasks();
  assert.equal(r.broker.published.length, 0, 'nothing queued up while down');
  r.broker.up();
  await flushMicrotasks();
  assert.equal(r.broker.last('wan-failover/availability'), 'online');
  assert.equal(r.broker.last('wan-failover/router/active'), 'secondary');
  assert.ok(r.broker.on('wan-failover/link/primary/state').length === 1, 'unchanged documents are re-sent after a reconnect');
  assert.ok(r.lines.some((l) => l.msg === 'mqtt reconnected'));
  await r.ext.stop();
});

test('the password is never in a log line', async () => {
  const r = rig();
  await r.ext.start();
  r.broker.down('not authorized');
  r.broker.up();
  await flushMicrotasks();
  await r.ext.stop();
  assert.ok(r.lines.length > 0);
  for (const l of r.lines) assert.ok(!JSON.stringify(l).includes('s3cret'), JSON.stringify(l));
});

test('stop says offline (retained) before a clean disconnect, is idempotent and leaves no timer', async () => {
  const r = await connected();
  await r.ext.stop();
  await r.ext.stop();
  assert.deepEqual(r.broker.published.at(-1), { topic: 'wan-failover/availability', payload: 'offline', opts: { retain: true, qos: 1 } });
  assert.equal(r.broker.ended, true);
  assert.equal(r.clock.pendingTimers, 0);
  const before = r.broker.published.length;
  r.bus.publish({ kind: 'auto', enabled: false, timeMs: 0 });
  await flushMicrotasks();
  assert.equal(r.broker.published.length, before, 'no publishing after stop');
});

test('discovery: false publishes states and takes commands, but no configs', async () => {
  const r = await connected({ ...CONFIG, discovery: false });
  assert.equal(r.broker.published.filter((p) => DISCOVERY.test(p.topic)).length, 0);
  assert.ok(r.broker.last('wan-failover/router/state'));
  assert.deepEqual(r.broker.subscribed, ['wan-failover/router/+/set']);
  await r.ext.stop();
});

test('a failing publish is logged once per streak and does not stop the next ones', async () => {
  const r = rig();
  await r.ext.start();
  r.broker.failPublish = new Error('socket hang up');
  r.broker.up();
  await flushMicrotasks();
  assert.equal(r.lines.filter((l) => l.msg === 'mqtt publish failed').length, 1);
  assert.ok(r.broker.last('wan-failover/router/state'), 'later publishes went out');
  await r.ext.stop();
});
