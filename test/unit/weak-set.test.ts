// WeakMemberSet: a collected member's ref is swept as the set grows, so a child logger per API
// request does not pile up dead refs until the next SIGHUP (the leak it replaces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WeakMemberSet } from '../../src/weak-set.js';

/** Refs a test can "collect" at will. */
function fakeRefs(): { make: <T extends object>(v: T) => { deref(): T | undefined }; collectAll(): void } {
  const all: Array<{ alive: boolean }> = [];
  return {
    make<T extends object>(v: T) {
      const cell = { alive: true };
      all.push(cell);
      return { deref: () => (cell.alive ? v : undefined) };
    },
    collectAll() {
      for (const c of all) c.alive = false;
    },
  };
}

test('10,000 short-lived members leave a bounded number of refs', () => {
  const refs = fakeRefs();
  const set = new WeakMemberSet<object>(refs.make);
  for (let i = 0; i < 10_000; i++) {
    set.add({ request: i });
    refs.collectAll(); // each request's child logger is garbage once the request ends
  }
  assert.ok(set.size <= 256, `refs held: ${set.size}`);
});

test('live members are kept and listed; dead ones are dropped on the way', () => {
  const refs = fakeRefs();
  const set = new WeakMemberSet<{ n: number }>(refs.make);
  const dead = { n: 1 };
  set.add(dead);
  refs.collectAll();
  const keep = { n: 2 };
  set.add(keep);
  assert.deepEqual([...set.live()], [keep]);
  assert.equal(set.size, 1);
});

test('with real WeakRefs, members that are still referenced survive sweeps', () => {
  const set = new WeakMemberSet<{ n: number }>();
  const kept = Array.from({ length: 300 }, (_, n) => ({ n }));
  for (const k of kept) set.add(k);
  assert.equal([...set.live()].length, 300);
});
