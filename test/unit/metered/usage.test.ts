// Billing periods and the usage accumulator (issue 24): periods from cap_reset_day at local
// midnight, counter resets (re-created interface, reboot), restart in the same series, cap levels.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextPeriodStart, periodStartFor } from '../../../src/metered/billing-period.js';
import { accumulate, capCrossing, capPct, capReached, counterDelta, firstUsage, rollover, type CounterReading } from '../../../src/metered/usage.js';

const local = (y: number, m: number, d: number, h = 0, min = 0): number => new Date(y, m - 1, d, h, min).getTime();
const reading = (atMs: number, rx: number, tx: number, epoch = 'boot-a/7'): CounterReading => ({ atMs, epoch, rxBytes: rx, txBytes: tx });

describe('billing period', () => {
  it('starts on the reset day at local midnight, this month or the last', () => {
    assert.equal(periodStartFor(local(2026, 3, 20, 15), 15), local(2026, 3, 15));
    assert.equal(periodStartFor(local(2026, 3, 10, 15), 15), local(2026, 2, 15));
    assert.equal(periodStartFor(local(2026, 3, 15), 15), local(2026, 3, 15));
    assert.equal(periodStartFor(local(2026, 1, 3), 5), local(2025, 12, 5));
  });

  it('the next reset follows any start, the first period\'s odd one included', () => {
    assert.equal(nextPeriodStart(local(2026, 3, 15), 15), local(2026, 4, 15));
    assert.equal(nextPeriodStart(local(2026, 3, 20, 13, 7), 1), local(2026, 4, 1));
    assert.equal(nextPeriodStart(local(2026, 12, 2), 1), local(2027, 1, 1));
  });
});

describe('usage accumulator', () => {
  const T0 = local(2026, 3, 20, 12);

  it('a new install starts its period when it first sees the link and ignores earlier bytes', () => {
    const u = firstUsage(reading(T0, 5_000_000, 1_000_000));
    assert.equal(u.periodStartMs, T0);
    assert.equal(u.bytes, 0);
    const v = accumulate(u, reading(T0 + 3000, 5_000_100, 1_000_050), 1);
    assert.equal(v.bytes, 150);
  });

  it('counts RX + TX across a counter reset (interface re-created: counters back to 0)', () => {
    let u = firstUsage(reading(T0, 1000, 1000));
    u = accumulate(u, reading(T0 + 1000, 1500, 1200), 1); // +700
    u = accumulate(u, reading(T0 + 2000, 300, 100, 'boot-a/9'), 1); // new ifindex: +400
    u = accumulate(u, reading(T0 + 3000, 350, 150, 'boot-a/9'), 1); // +100
    assert.equal(u.bytes, 1200);
  });

  it('counters going backwards in the same series count as a new series', () => {
    assert.equal(counterDelta({ epoch: 'e', rxBytes: 1000, txBytes: 1000 }, reading(0, 10, 20, 'e')), 30);
  });

  it('a restart in the same series counts what was carried meanwhile; after a reboot, the new counters', () => {
    const saved = accumulate(firstUsage(reading(T0, 100, 100)), reading(T0 + 1000, 600, 100), 1);
    assert.equal(saved.bytes, 500);
    const restarted = accumulate(JSON.parse(JSON.stringify(saved)), reading(T0 + 60_000, 900, 300), 1);
    assert.equal(restarted.bytes, 500 + 300 + 200);
    const rebooted = accumulate(saved, reading(T0 + 60_000, 900, 300, 'boot-b/7'), 1);
    assert.equal(rebooted.bytes, 500 + 1200);
  });

  it('a reading past the reset day starts a new period with no usage and no notification', () => {
    let u = firstUsage(reading(local(2026, 3, 20), 0, 0));
    u = { ...accumulate(u, reading(local(2026, 3, 25), 9000, 0), 1), notifiedPct: 95 };
    const next = accumulate(u, reading(local(2026, 4, 1, 0, 1), 9100, 0), 1);
    assert.equal(next.periodStartMs, local(2026, 4, 1));
    assert.equal(next.bytes, 100);
    assert.equal(next.notifiedPct, 0);
    const idle = rollover(u, local(2026, 5, 3), 1);
    assert.equal(idle.periodStartMs, local(2026, 5, 1));
    assert.equal(idle.bytes, 0);
    assert.equal(rollover(u, local(2026, 3, 30), 1), u);
  });

  it('cap levels 75/95/100 are each announced once, the highest reached first', () => {
    const at = (bytes: number, notifiedPct: 0 | 75 | 95 | 100 = 0) => ({ periodStartMs: 0, bytes, notifiedPct, last: null });
    assert.equal(capCrossing(at(749), 1000), null);
    assert.equal(capCrossing(at(750), 1000), 75);
    assert.equal(capCrossing(at(800, 75), 1000), null);
    assert.equal(capCrossing(at(960, 75), 1000), 95);
    assert.equal(capCrossing(at(1200), 1000), 100);
    assert.equal(capCrossing(at(1200, 100), 1000), null);
    assert.equal(capCrossing(at(1e12), null), null);
    assert.equal(capPct(123_456, 1_000_000), 12.3);
    assert.equal(capPct(1, null), null);
    assert.equal(capReached(1000, 1000), true);
    assert.equal(capReached(999, 1000), false);
    assert.equal(capReached(1e12, null), false);
  });
});
