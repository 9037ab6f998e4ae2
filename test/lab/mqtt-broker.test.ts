// The MQTT adapter against a real broker (Debian's mosquitto on a random loopback port): auth,
// retained messages, the last will, a broker down at start, a broker restart, a clean end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectMqtt, type MqttConnectOptions, type MqttConnection } from '../../src/mqtt/mqtt-client.js';
import { startBroker, type Broker } from '../../lab/mosquitto.js';
import { watchBroker } from '../../lab/mqtt-watch.js';

const USER = { username: 'ha', password: 'pw-' + Math.random().toString(36).slice(2) };

function options(broker: { url: string }, over: Partial<MqttConnectOptions> = {}): MqttConnectOptions {
  return {
    url: broker.url, clientId: `t-${Math.floor(Math.random() * 1e9)}`, username: USER.username, password: USER.password,
    ca: null, cert: null, key: null, will: { topic: 'wf/avail', payload: 'offline', retain: true, qos: 1 },
    reconnect: { firstMs: 100, maxMs: 400 }, ...over,
  };
}

interface Probe { conn: MqttConnection; connects: number; disconnects: Array<string | null> }

function open(opts: MqttConnectOptions): Probe {
  const p: Probe = { conn: null as unknown as MqttConnection, connects: 0, disconnects: [] };
  p.conn = connectMqtt(opts, {
    onConnect: () => { p.connects += 1; },
    onDisconnect: (e) => { p.disconnects.push(e); },
    onMessage: () => undefined,
  });
  return p;
}

async function until(what: string, pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let i = 0; i < timeoutMs / 50; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function withBroker(fn: (b: Broker) => Promise<void>): Promise<void> {
  const b = await startBroker({ users: [USER] });
  try {
    await fn(b);
  } finally {
    await b.dispose();
  }
}

test('connects with user and password, publishes retained, a later subscriber gets it', async () => {
  await withBroker(async (b) => {
    const p = open(options(b));
    await until('connect', () => p.connects === 1);
    await p.conn.publish('wf/state', '{"a":1}', { retain: true, qos: 1 });
    const w = await watchBroker(b.socketPath, ['wf/#'], USER);
    try {
      const m = await w.waitFor('retained state', (x) => x.topic === 'wf/state', 5000);
      assert.equal(m.payload, '{"a":1}');
      assert.equal(m.retained, true);
    } finally {
      await w.close();
      await p.conn.end();
    }
  });
});

test('a wrong password is a disconnect with a reason, retried, never a throw', async () => {
  await withBroker(async (b) => {
    const p = open(options(b, { password: 'wrong' }));
    await until('two refused attempts', () => p.disconnects.length >= 2);
    assert.equal(p.connects, 0);
    assert.ok(p.disconnects.some((e) => e !== null && /not authorized|bad user name or password/i.test(e)), String(p.disconnects));
    await p.conn.end();
  });
});

test('the last will is published when the connection dies without DISCONNECT; a clean end sends none', async () => {
  await withBroker(async (b) => {
    const w = await watchBroker(b.socketPath, ['wf/avail'], USER);
    try {
      const clean = open(options(b));
      await until('connect', () => clean.connects === 1);
      await clean.conn.end();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(w.seen.filter((m) => m.topic === 'wf/avail').length, 0, 'no will after a clean end');
      // A client whose socket dies: run it in a child process and SIGKILL it.
      const { spawn } = await import('node:child_process');
      const script = `import('${new URL('../../src/mqtt/mqtt-client.js', import.meta.url).href}').then(({ connectMqtt }) => {
        connectMqtt(${JSON.stringify(options(b))}, { onConnect: () => console.log('up'), onDisconnect: () => undefined, onMessage: () => undefined });
      });`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('child did not connect')), 10_000);
          child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('up')) { clearTimeout(t); resolve(); } });
        });
        child.kill('SIGKILL');
        const will = await w.waitFor('the will', (m) => m.topic === 'wf/avail', 10_000);
        assert.equal(will.payload, 'offline');
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    } finally {
      await w.close();
    }
  });
});

test('a broker down at start and a broker restart: the client connects when it can, again and again', async () => {
  await withBroker(async (b) => {
    await b.stop();
    const p = open(options(b));
    await until('failed attempts while down', () => p.disconnects.length >= 5);
    assert.equal(p.connects, 0);
    // The delays' growth is nextReconnectMs's rule, unit-tested in test/unit/mqtt/reconnect-delay.test.ts.
    await b.restart();
    await until('connect after start', () => p.connects === 1);
    await b.restart();
    await until('reconnect after restart', () => p.connects === 2);
    assert.equal(p.conn.connected(), true);
    await p.conn.end();
  });
});
