// No root: the soak's seeded generator is deterministic per seed, in range, and rejects bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, isValidSeed, MAX_SEED } from '../../../lab/soak-prng.js';

const take = (seed: number, n: number): number[] => {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.next());
};

test('same seed, same sequence; different seeds differ', () => {
  assert.deepEqual(take(7, 20), take(7, 20));
  assert.notDeepEqual(take(7, 20), take(8, 20));
  assert.notDeepEqual(take(0, 5), take(MAX_SEED, 5));
});

test('next() stays in [0, 1) and int() in its inclusive range, reaching both ends', () => {
  const r = createRng(123);
  const seen = new Set<number>();
  let min = 1;
  let max = 0;
  for (let i = 0; i < 2000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1, `next() out of [0, 1): ${x}`);
    min = Math.min(min, x);
    max = Math.max(max, x);
    const k = r.int(2, 5);
    assert.ok(Number.isInteger(k) && k >= 2 && k <= 5);
    seen.add(k);
  }
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
  // It spans the range: a generator stuck at one value (or at 0) fails here.
  assert.ok(min < 0.01 && max > 0.99, `range covered: min ${min}, max ${max}`);
});

test('roughly uniform: each decile of 10000 draws holds 7..13 %', () => {
  const counts = new Array<number>(10).fill(0);
  for (const x of take(99, 10_000)) counts[Math.floor(x * 10)]!++;
  for (const c of counts) assert.ok(c > 700 && c < 1300, `decile count ${c}`);
});

test('weighted() never picks a zero weight and follows the weights roughly', () => {
  const r = createRng(5);
  const counts = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 3000; i++) counts[r.weighted([['a', 1], ['b', 0], ['c', 2]] as const)]++;
  assert.equal(counts.b, 0);
  assert.ok(counts.c > counts.a * 1.5, JSON.stringify(counts));
  assert.throws(() => r.weighted([['x', 0]] as const), RangeError);
  assert.throws(() => r.weighted([]), RangeError);
});

test('seed validation', () => {
  assert.equal(isValidSeed(0), true);
  assert.equal(isValidSeed(MAX_SEED), true);
  for (const bad of [-1, 1.5, MAX_SEED + 1, Number.NaN]) {
    assert.equal(isValidSeed(bad), false);
    assert.throws(() => createRng(bad), RangeError);
  }
  assert.throws(() => createRng(1).int(3, 2), RangeError);
  assert.equal(createRng(42).seed, 42);
});
