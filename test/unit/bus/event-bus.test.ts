import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { DaemonEvent } from '../../../src/bus/events.js';

function logSink(): { lines: string[]; warn(o: object, m: string): void } {
  const lines: string[] = [];
  return { lines, warn: (_o, m) => { lines.push(m); } };
}

const ev: DaemonEvent = { kind: 'auto', enabled: true, timeMs: 1 };

test('a throwing listener is isolated: later listeners still run, one log line per streak', () => {
  const log = logSink();
  const bus = new SyncEventBus(log);
  const seen: string[] = [];
  bus.on(() => { throw new Error('boom'); });
  bus.on((e) => { seen.push(e.kind); });
  bus.publish(ev);
  bus.publish(ev);
  assert.deepEqual(seen, ['auto', 'auto']);
  assert.equal(log.lines.length, 1);
});

test('onKind filters by kind and unsubscribe stops delivery', () => {
  const bus = new SyncEventBus(logSink());
  const got: boolean[] = [];
  const off = bus.onKind('auto', (e) => { got.push(e.enabled); });
  bus.publish({ kind: 'status-changed', timeMs: 1 });
  bus.publish(ev);
  off();
  bus.publish(ev);
  assert.deepEqual(got, [true]);
});
