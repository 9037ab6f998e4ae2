// createResyncCoalescer: one resync per window, first reason kept, cancel drops a pending one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResyncCoalescer } from '../../../src/netlink/resync-coalescer.js';
import { FakeClock } from '../fake-clock.js';

/** A coalescer with a 200 ms window on a fake clock; `out` collects the resync reasons. */
function setup() {
  const clock = new FakeClock();
  const out: string[] = [];
  return { clock, out, c: createResyncCoalescer(clock, 200, (r) => out.push(r)) };
}

test('a burst of losses becomes one resync at the end of the window, with the first reason', () => {
  const { clock, out, c } = setup();
  c.note('ENOBUFS');
  clock.advance(50);
  c.note('overrun');
  c.note('ENOBUFS');
  clock.advance(149);
  assert.deepEqual(out, []);
  clock.advance(1);
  assert.deepEqual(out, ['ENOBUFS']);
  assert.equal(clock.pendingTimers, 0);
});

test('a loss after the window fired opens a new window', () => {
  const { clock, out, c } = setup();
  c.note('ENOBUFS');
  clock.advance(200);
  c.note('ECLOSED');
  clock.advance(200);
  assert.deepEqual(out, ['ENOBUFS', 'ECLOSED']);
});

test('cancel drops the pending resync and leaves no timer', () => {
  const { clock, out, c } = setup();
  c.note('ENOBUFS');
  c.cancel();
  c.cancel();
  clock.advance(1000);
  assert.deepEqual(out, []);
  assert.equal(clock.pendingTimers, 0);
});
