// PURE parsing of WATCHDOG_USEC / WATCHDOG_PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWatchdog } from '../../../src/systemd/watchdog-env.js';

test('half of WATCHDOG_USEC in ms', () => {
  assert.equal(parseWatchdog({ WATCHDOG_USEC: '30000000' }, 1), 15_000);
  assert.equal(parseWatchdog({ WATCHDOG_USEC: '1' }, 1), 1, 'floored to at least 1 ms');
});

test('absent, zero or malformed values mean no watchdog', () => {
  for (const v of [undefined, '', '0', '-5', '1e6', '12abc', ' 100']) {
    assert.equal(parseWatchdog({ WATCHDOG_USEC: v }, 1), null, String(v));
  }
});

test('WATCHDOG_PID must be ours when present', () => {
  assert.equal(parseWatchdog({ WATCHDOG_USEC: '4000', WATCHDOG_PID: '10' }, 10), 2);
  assert.equal(parseWatchdog({ WATCHDOG_USEC: '4000', WATCHDOG_PID: '11' }, 10), null);
  assert.equal(parseWatchdog({ WATCHDOG_USEC: '4000', WATCHDOG_PID: 'x' }, 10), null);
  assert.equal(parseWatchdog({ WATCHDOG_USEC: '4000', WATCHDOG_PID: '' }, 10), 2);
});
