import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MinuteBucket } from '../../../src/history/minute-bucket.js';
import { HistoryRing } from '../../../src/history/ring.js';
import type { HistorySample } from '../../../src/history/sample.js';
import { HistoryStore, MINUTE_SLOTS, SECOND_SLOTS } from '../../../src/history/store.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const sample = (over: Partial<HistorySample> = {}): HistorySample =>
  ({ rttMs: 10, lossPct: 0, jitterMs: 1, state: 'up', share: 1, rxMbps: 2, txMbps: 1, ...over });

test('a ring answers the points of its window oldest first and skips empty slots', () => {
  const r = new HistoryRing(10, 1000);
  r.put(T0, sample({ rttMs: 1 }));
  r.put(T0 + 3000, sample({ rttMs: 4, lossPct: null }));
  const pts = r.read(T0 - 5000, T0 + 5000);
  assert.deepEqual(pts.map((p) => [p.timeMs - T0, p.rttMs, p.lossPct]), [[0, 1, 0], [3000, 4, null]]);
});

test('a ring forgets what is older than its capacity, even where a slot was not overwritten', () => {
  const r = new HistoryRing(10, 1000);
  r.put(T0, sample({ rttMs: 1 }));
  r.put(T0 + 12_000, sample({ rttMs: 2 }));
  // The slot of T0 is still there (T0+12 s used another one), but it is out of the window.
  assert.deepEqual(r.read(0, T0 + 12_000).map((p) => p.rttMs), [2]);
  // A later point in the same slot replaces the earlier one.
  r.put(T0 + 10_000, sample({ rttMs: 3 }));
  assert.deepEqual(r.read(0, T0 + 12_000).map((p) => p.rttMs), [3, 2]);
});

test('the minute bucket means the measured seconds, keeps the worst state and restarts each minute', () => {
  const b = new MinuteBucket();
  b.add(T0, sample({ rttMs: 10, lossPct: 0 }));
  b.add(T0 + 1000, sample({ rttMs: null, lossPct: 100, state: 'down', share: 0 }));
  const m = b.add(T0 + 2000, sample({ rttMs: 30, lossPct: 50, state: 'degraded' }));
  assert.equal(m.timeMs, T0);
  assert.equal(m.sample.rttMs, 20);
  assert.equal(m.sample.lossPct, 50);
  assert.equal(m.sample.state, 'down');
  assert.ok(Math.abs(m.sample.share - 2 / 3) < 1e-9);
  const next = b.add(T0 + 60_000, sample({ rttMs: 5 }));
  assert.equal(next.timeMs, T0 + 60_000);
  assert.equal(next.sample.rttMs, 5);
  assert.equal(next.sample.state, 'up');
});

test('the store keeps 1 s points for an hour and 1 min points for 7 days per link and family', () => {
  const s = new HistoryStore();
  for (let t = 0; t < 7200; t += 1) s.record('wan1', 'ipv4', T0 + t * 1000, sample({ rttMs: t < 3600 ? 10 : 20 }));
  s.record('wan1', 'ipv6', T0, sample({ rttMs: 99 }));
  const now = T0 + 7199_000;
  const secs = s.query('ipv4', 1, 0, now)['wan1']!;
  assert.equal(secs.length, SECOND_SLOTS);
  assert.equal(secs[0]!.timeMs, T0 + 3600_000);
  const mins = s.query('ipv4', 60, 0, now)['wan1']!;
  assert.equal(mins.length, 120);
  assert.equal(mins[0]!.rttMs, 10);
  assert.equal(mins[119]!.rttMs, 20);
  // The IPv6 point is two hours old: gone from the seconds, kept in the minutes.
  assert.deepEqual(s.query('ipv6', 1, 0, now)['wan1'], []);
  assert.equal(s.query('ipv6', 60, 0, now)['wan1']![0]!.rttMs, 99);
  assert.deepEqual(s.query('ipv4', 1, 0, now, 'other'), {});
});

test('four links in two families stay under 8 MiB, whatever the number of samples', () => {
  const s = new HistoryStore();
  for (const link of ['a', 'b', 'c', 'd']) for (const f of ['ipv4', 'ipv6'] as const) s.record(link, f, T0, sample());
  const before = s.byteLength();
  for (let t = 0; t < 2 * MINUTE_SLOTS; t += 1) s.record('a', 'ipv4', T0 + t * 30_000, sample());
  assert.equal(s.byteLength(), before);
  assert.ok(before <= 8 * 1024 * 1024, `${before} bytes`);
});

test('the event ring keeps the newest events up to its capacity', () => {
  const s = new HistoryStore(3);
  for (let i = 0; i < 5; i++) s.addEvent({ timeMs: T0 + i, kind: 'auto', link: null, family: null, message: `m${i}`, figures: {} });
  assert.deepEqual(s.eventsSince(0).map((e) => e.message), ['m2', 'm3', 'm4']);
  assert.deepEqual(s.eventsSince(T0 + 4).map((e) => e.message), ['m4']);
});
