// MQTT commands are an input that repeats (issue 19, defects 4 and 5): a retained command is never
// executed (it would replay at every restart and reconnect) and is logged once; 10,000 malformed
// or dropped commands log one line when the streak begins and one with the count when it ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { MqttConfig } from '../../../src/config/types.js';
import { MqttExtension } from '../../../src/mqtt/mqtt-extension.js';
import { FakeEngine } from '../../api/fake-engine.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeBroker } from './fake-mqtt.js';

const CONFIG: MqttConfig = {
  url: 'mqtt://127.0.0.1:1883', ca: null, cert: null, key: null, username: null, password: null,
  clientId: null, baseTopic: 'wan-failover', discoveryPrefix: 'homeassistant', discovery: false,
};

async function connected() {
  const clock = new FakeClock();
  const engine = new FakeEngine();
  engine.current = { ...engine.current, links: engine.current.links.map((l) => ({ ...l, state: 'up' as const, gateway: '203.0.113.1' })) };
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: object, msg: string) => { lines.push({ level, obj: obj as Record<string, unknown>, msg }); };
  const log = { debug: at('debug'), info: at('info'), warn: at('warn') };
  const broker = new FakeBroker();
  const ext = new MqttExtension({ config: CONFIG, engine, bus: new SyncEventBus(log), clock, log, connect: broker.connect,
    hostname: 'gw', version: '1', intervalMs: () => 1000 });
  await ext.start();
  broker.up();
  await flushMicrotasks();
  const warned = (re: RegExp) => lines.filter((l) => l.level === 'warn' && re.test(l.msg));
  return { clock, engine, lines, broker, ext, warned };
}

const retained = (r: Awaited<ReturnType<typeof connected>>, topic: string, payload: string): void => {
  r.broker.handlers!.onMessage(topic, Buffer.from(payload), true);
};

test('a retained command is not executed, at connect or at any reconnect; it is logged once', async () => {
  const r = await connected();
  retained(r, 'wan-failover/router/auto/set', 'OFF');
  retained(r, 'wan-failover/router/active/set', 'secondary');
  r.broker.down();
  r.broker.up();
  await flushMicrotasks();
  retained(r, 'wan-failover/router/auto/set', 'OFF');
  for (let i = 0; i < 5; i++) await flushMicrotasks();
  assert.deepEqual(r.engine.autoCalls, [], 'auto stays on');
  assert.deepEqual(r.engine.switchCalls, []);
  const lines = r.warned(/^retained mqtt command ignored/);
  assert.deepEqual(lines.map((l) => l.obj['topic']), ['wan-failover/router/auto/set', 'wan-failover/router/active/set'], 'once per topic');
  // The same command, not retained, runs.
  r.broker.deliver('wan-failover/router/auto/set', 'OFF');
  for (let i = 0; i < 5; i++) await flushMicrotasks();
  assert.deepEqual(r.engine.autoCalls, [false]);
  await r.ext.stop();
});

test('10,000 malformed commands: one warn at the start, one with the count at the end', async () => {
  const r = await connected();
  // Alternating kinds of garbage on two topics: still one streak.
  for (let i = 0; i < 10_000; i++) r.broker.deliver(i % 2 ? 'wan-failover/router/auto/set' : 'wan-failover/router/active/set', i % 2 ? `garbage${i}` : '{bad');
  assert.equal(r.warned(/mqtt command ignored/).length, 1);
  r.broker.deliver('wan-failover/router/auto/set', 'ON');
  for (let i = 0; i < 5; i++) await flushMicrotasks();
  const ended = r.warned(/mqtt malformed commands: streak ended/);
  assert.equal(ended.length, 1);
  assert.equal(ended[0]!.obj['count'], 10_000);
  // A streak that just stops ends after its quiet period.
  for (let i = 0; i < 3; i++) r.broker.deliver('wan-failover/router/active/set', '{bad json');
  r.clock.advance(60_000);
  assert.equal(r.warned(/mqtt malformed commands: streak ended/).at(-1)!.obj['count'], 3);
  assert.ok(r.lines.filter((l) => l.level === 'warn').length <= 5, `${r.lines.filter((l) => l.level === 'warn').length} warn lines`);
  await r.ext.stop();
});

test('10,000 commands at once: the drops log one line, and one with the count when commands are accepted again', async () => {
  const r = await connected();
  for (let i = 0; i < 10_000; i++) r.broker.deliver('wan-failover/router/active/set', i % 2 ? 'primary' : 'secondary');
  assert.equal(r.warned(/mqtt command dropped/).length, 1);
  for (let i = 0; i < 50; i++) await flushMicrotasks();
  r.broker.deliver('wan-failover/router/active/set', 'primary');
  const again = r.warned(/mqtt commands accepted again/);
  assert.equal(again.length, 1);
  assert.equal(again[0]!.obj['dropped'], 10_000 - 8);
  await r.ext.stop();
});

test('10,000 refused switches (unknown link): one warn, and the count when a good one comes', async () => {
  const r = await connected();
  for (let i = 0; i < 10_000; i++) {
    r.broker.deliver('wan-failover/router/active/set', i % 2 ? 'wan9' : 'wan8');
    if (i % 8 === 7) for (let j = 0; j < 4; j++) await flushMicrotasks();
  }
  for (let j = 0; j < 10; j++) await flushMicrotasks();
  assert.equal(r.warned(/mqtt switch to an unknown link ignored/).length, 1);
  r.broker.deliver('wan-failover/router/active/set', 'secondary');
  for (let j = 0; j < 10; j++) await flushMicrotasks();
  const ended = r.warned(/mqtt refused switches: streak ended/);
  assert.equal(ended.length, 1);
  assert.equal(ended[0]!.obj['count'], 10_000);
  await r.ext.stop();
});
