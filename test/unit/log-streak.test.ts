// The once-per-streak helper: the first occurrence is reported, the rest counted; the end (by the
// caller, a quiet period or close) reports the count; no timer outlives a streak.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Streak } from '../../src/log-streak.js';
import { FakeClock } from './fake-clock.js';

function recorder() {
  const calls: string[] = [];
  return { calls, report: { began: (x: string) => calls.push(`began ${x}`), ended: (n: number, last: string) => calls.push(`ended ${n} ${last}`) } };
}

test('10,000 occurrences report once at the start and once, with the count, at the end', () => {
  const r = recorder();
  const s = new Streak<string>(r.report);
  for (let i = 0; i < 10_000; i++) s.hit(`x${i}`);
  assert.deepEqual(r.calls, ['began x0']);
  assert.equal(s.count, 10_000);
  s.end();
  s.end();
  assert.deepEqual(r.calls, ['began x0', 'ended 10000 x9999']);
  s.hit('y');
  assert.deepEqual(r.calls.at(-1), 'began y', 'a new streak is reported again');
});

test('occurrences of different kinds share the streak: an alternating flood still gets one line', () => {
  const r = recorder();
  const s = new Streak<string>(r.report);
  for (let i = 0; i < 1000; i++) s.hit(i % 2 ? 'bad json' : 'empty payload');
  s.end();
  assert.deepEqual(r.calls, ['began empty payload', 'ended 1000 bad json']);
});

test('a quiet period ends the streak; hits keep it open; the timer goes with the streak', () => {
  const clock = new FakeClock();
  const r = recorder();
  const s = new Streak<string>(r.report, { clock, quietMs: 1000 });
  s.hit('a');
  clock.advance(600);
  s.hit('b');
  clock.advance(600);
  assert.deepEqual(r.calls, ['began a'], 'the second hit kept it open past the first deadline');
  assert.equal(clock.pendingTimers, 1);
  clock.advance(500);
  assert.deepEqual(r.calls, ['began a', 'ended 2 b']);
  assert.equal(clock.pendingTimers, 0, 'no timer without a streak');
  s.hit('c');
  s.close();
  assert.deepEqual(r.calls.at(-1), 'ended 1 c');
  assert.equal(clock.pendingTimers, 0);
});
