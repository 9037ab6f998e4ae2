// The MQTT reconnect delay rule: the first delay after a failure is first_ms, each further failure
// doubles it, and max_ms caps it, so a broker down for hours is tried once a max_ms, not hammered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextReconnectMs } from '../../../src/mqtt/mqtt-client.js';

const bounds = { firstMs: 100, maxMs: 400 };

test('a delay below first_ms (or none yet) starts at first_ms', () => {
  assert.equal(nextReconnectMs(0, bounds), 100);
  assert.equal(nextReconnectMs(30, bounds), 100);
});

test('each failed attempt doubles the delay', () => {
  assert.equal(nextReconnectMs(100, bounds), 200);
  assert.equal(nextReconnectMs(150, bounds), 300);
  assert.equal(nextReconnectMs(100, { firstMs: 1000, maxMs: 60_000 }), 1000);
  assert.equal(nextReconnectMs(1000, { firstMs: 1000, maxMs: 60_000 }), 2000);
});

test('the delay is capped at max_ms and stays there', () => {
  assert.equal(nextReconnectMs(200, bounds), 400);
  assert.equal(nextReconnectMs(300, bounds), 400);
  assert.equal(nextReconnectMs(400, bounds), 400);
  // The sequence from first_ms: 100, 200, 400, 400.
  const seq: number[] = [];
  let d = 0;
  for (let i = 0; i < 4; i += 1) { d = nextReconnectMs(d, bounds); seq.push(d); }
  assert.deepEqual(seq, [100, 200, 400, 400]);
});
