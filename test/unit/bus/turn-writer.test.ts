// The schedule the track-file and resolv-file extensions share: one attempt per synchronous burst of
// events, bounded backoff after a failure, and subscriptions that end with stop() and come back with
// a second start() (an extension restarted by its host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import { TurnWriter } from '../../../src/bus/turn-writer.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';

import type { DaemonEvent } from '../../../src/bus/events.js';

const linkState: DaemonEvent = { kind: 'link-state', link: 'wan1', interface: 'wan1', family: 'ipv4', from: 'up', to: 'down', reason: 'test', timeMs: 0 };

test('one attempt per burst; stop() unsubscribes; start() again subscribes again', async () => {
  const clock = new FakeClock();
  const bus = new SyncEventBus({ warn: () => undefined });
  let attempts = 0;
  const w = new TurnWriter(clock, { firstMs: 1000, maxMs: 8000 }, () => { attempts += 1; });
  w.start((soon) => [bus.onKind('link-state', soon)]);
  for (let i = 0; i < 3; i++) bus.publish(linkState);
  await flushMicrotasks();
  assert.equal(attempts, 1, 'three events in one burst: one attempt');
  w.stop();
  bus.publish(linkState);
  await flushMicrotasks();
  assert.equal(attempts, 1, 'stopped: the subscription is gone');
  w.start((soon) => [bus.onKind('link-state', soon)]);
  bus.publish(linkState);
  await flushMicrotasks();
  assert.equal(attempts, 2, 'started again: subscribed again');
});

test('after failures the retries back off 1x, 2x, 4x up to maxMs, and a success ends the streak', async () => {
  const clock = new FakeClock();
  const at: number[] = [];
  const t0 = clock.nowMs();
  let fail = true;
  const w: TurnWriter = new TurnWriter(clock, { firstMs: 1000, maxMs: 4000 }, () => {
    at.push(clock.nowMs() - t0);
    if (fail) w.failed(); else w.succeeded();
  });
  w.start(() => []);
  w.soon();
  await flushMicrotasks();
  for (let i = 0; i < 12; i++) await clock.advanceAsync(1000);
  assert.deepEqual(at, [0, 1000, 3000, 7000, 11000], 'backoff 1, 2, 4, then capped at 4 s');
  fail = false;
  await clock.advanceAsync(4000);
  assert.equal(w.failing, 0, 'the success ended the streak');
  const n = at.length;
  await clock.advanceAsync(20_000);
  assert.equal(at.length, n, 'no retry after a success');
  w.stop();
});
