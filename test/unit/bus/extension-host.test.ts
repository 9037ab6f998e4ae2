import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExtensionHost } from '../../../src/bus/extension-host.js';
import type { Extension } from '../../../src/bus/extension.js';
import { FakeClock } from '../fake-clock.js';

function log(): { errors: string[]; info(): void; warn(): void; error(o: object, m: string): void } {
  const errors: string[] = [];
  return { errors, info: () => undefined, warn: () => undefined, error: (_o, m) => { errors.push(m); } };
}

test('a failing start is retried with growing delays and logged once per streak', async () => {
  const clock = new FakeClock();
  const l = log();
  let calls = 0;
  const ext: Extension = { name: 'flaky', start: async () => { calls += 1; if (calls < 4) throw new Error('port in use'); }, stop: async () => undefined };
  const host = new ExtensionHost(clock, l, { firstMs: 100, maxMs: 1000 });
  host.add(ext);
  await host.start();
  assert.equal(calls, 1);
  assert.equal(host.running('flaky'), false);
  await clock.advance(99);
  assert.equal(calls, 1, 'no retry before the first backoff');
  await clock.advance(1);
  assert.equal(calls, 2);
  await clock.advance(200);
  assert.equal(calls, 3);
  await clock.advance(400);
  assert.equal(calls, 4);
  assert.equal(host.running('flaky'), true);
  assert.equal(l.errors.length, 1);
  await host.stop();
  assert.equal(host.running('flaky'), false);
});

test('stop is idempotent, in reverse order, and a throwing stop does not stop the others', async () => {
  const clock = new FakeClock();
  const order: string[] = [];
  const host = new ExtensionHost(clock, log());
  host.add({ name: 'a', start: async () => undefined, stop: async () => { order.push('a'); } });
  host.add({ name: 'b', start: async () => undefined, stop: async () => { order.push('b'); throw new Error('x'); } });
  await host.start();
  await host.stop();
  await host.stop();
  assert.deepEqual(order, ['b', 'a']);
});

test('restart: stops a running extension and starts it again; a pending retry is replaced, not doubled', async () => {
  const clock = new FakeClock();
  const events: string[] = [];
  let fail = true;
  const ext: Extension = {
    name: 'api',
    start: async () => { events.push('start'); if (fail) throw new Error('EADDRINUSE'); },
    stop: async () => { events.push('stop'); },
  };
  const host = new ExtensionHost(clock, log(), { firstMs: 100, maxMs: 1000 });
  host.add(ext);
  await host.start();
  assert.deepEqual(events, ['start']);
  fail = false;
  await host.restart('api');
  assert.deepEqual(events, ['start', 'start'], 'not running, so no stop; the retry timer is gone');
  assert.equal(host.running('api'), true);
  await clock.advance(5000);
  assert.deepEqual(events, ['start', 'start'], 'the old retry did not fire');
  await host.restart('api');
  assert.deepEqual(events, ['start', 'start', 'stop', 'start']);
  await host.restart('nope');
  await host.stop();
  await host.restart('api');
  assert.deepEqual(events, ['start', 'start', 'stop', 'start', 'stop'], 'no start after stop');
});
