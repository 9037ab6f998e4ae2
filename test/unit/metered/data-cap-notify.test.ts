// A data-cap bus event becomes the `data_cap` notification of hooks and webhooks (issue 24).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hookEnv, toNotifyEvent } from '../../../src/notify/notify-event.js';

test('data-cap: event data_cap, the level in WAN_TO, usage in the message', () => {
  const n = toNotifyEvent({ kind: 'data-cap', link: 'lte', interface: 'wwan0', pct: 95, usageBytes: 9_500_000_000,
    capBytes: 10_000_000_000, periodStartMs: 0, timeMs: Date.UTC(2026, 2, 3) });
  assert.ok(n);
  assert.equal(n.event, 'data_cap');
  assert.equal(n.link, 'lte');
  assert.equal(hookEnv(n)['WAN_TO'], '95%');
  assert.match(n.message, /95 % of the data cap used \(9500\.0 of 10000\.0 MB\)/);
  const full = toNotifyEvent({ kind: 'data-cap', link: 'lte', interface: 'wwan0', pct: 100, usageBytes: 1e10, capBytes: 1e10, periodStartMs: 0, timeMs: 0 });
  assert.match(full!.reason, /last resort/);
});
