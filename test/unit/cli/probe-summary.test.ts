// Unit tests of `wanctl probe`'s pure figures and lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replyLine, summarize, summaryLines } from '../../../src/cli/probe-summary.js';
import type { EchoResult } from '../../../src/probe/types.js';

const ok = (rttMs: number): EchoResult => ({ target: '198.51.100.1', ok: true, rttMs, error: null });
const lost: EchoResult = { target: '198.51.100.1', ok: false, rttMs: null, error: 'timeout' };

test('min/avg/max/mdev over the replies; loss over all sent', () => {
  const s = summarize([ok(1), ok(3), lost, ok(2)]);
  assert.equal(s.sent, 4);
  assert.equal(s.received, 3);
  assert.equal(s.lossPct, 25);
  assert.deepEqual(s.rtt && { min: s.rtt.min, avg: s.rtt.avg, max: s.rtt.max }, { min: 1, avg: 2, max: 3 });
  assert.ok(s.rtt !== null && Math.abs(s.rtt.mdev - Math.sqrt(2 / 3)) < 1e-9);
});

test('nothing back: 100% loss and no rtt line', () => {
  const s = summarize([lost, lost]);
  assert.equal(s.lossPct, 100);
  assert.equal(s.rtt, null);
  assert.deepEqual(summaryLines(s, '198.51.100.1', 'wan0'), ['--- 198.51.100.1 via wan0 ---', '2 sent, 0 received, 100% loss']);
});

test('nothing sent is no loss, not NaN', () => {
  assert.equal(summarize([]).lossPct, 0);
});

test('reply lines', () => {
  assert.equal(replyLine(ok(1.23456), 1, 'wan0'), 'reply from 198.51.100.1 via wan0: seq=1 time=1.235 ms');
  assert.equal(replyLine(lost, 2, 'wan0'), 'no reply from 198.51.100.1 via wan0: seq=2 timeout');
  assert.equal(summaryLines(summarize([ok(1), lost, lost]), 't', 'i')[1], '3 sent, 1 received, 66.7% loss');
});
