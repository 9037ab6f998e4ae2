// No root: the soak's fault schedule is replayable, well-formed per link, within its stretch
// bounds, and never leaves every link hard down for longer than asked (unless unbounded on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../lab/soak-prng.js';
import { allDownStretches, buildSchedule, faultLabel, isHardFault, type SoakAction } from '../../../lab/soak-schedule.js';

const TEN_MIN = 10 * 60_000;

test('the same seed gives the same schedule; another seed another one', () => {
  const a = buildSchedule(createRng(1), { durationMs: TEN_MIN });
  assert.deepEqual(buildSchedule(createRng(1), { durationMs: TEN_MIN }), a);
  assert.notDeepEqual(buildSchedule(createRng(2), { durationMs: TEN_MIN }), a);
});

function perLink(actions: readonly SoakAction[], link: number): SoakAction[] {
  return actions.filter((a) => a.link === link);
}

test('per link: fail and heal alternate, stretches last 2..15 s, all healed at the end', () => {
  for (const seed of [1, 2, 3, 4, 5, 1234, 99999]) {
    const actions = buildSchedule(createRng(seed), { durationMs: TEN_MIN });
    for (let i = 1; i < actions.length; i++) assert.ok(actions[i]!.atMs >= actions[i - 1]!.atMs, 'sorted by time');
    for (const link of [1, 2]) {
      const mine = perLink(actions, link);
      assert.ok(mine.length > 10, `link ${link} gets faults (seed ${seed})`);
      mine.forEach((a, i) => assert.equal(a.op, i % 2 === 0 ? 'fail' : 'heal', `alternation (seed ${seed})`));
      assert.equal(mine.at(-1)!.op, 'heal');
      assert.ok(mine[0]!.atMs >= 2000, 'every link starts healthy for at least one stretch');
      for (let i = 1; i < mine.length; i++) {
        const gap = mine[i]!.atMs - mine[i - 1]!.atMs;
        const last = i === mine.length - 1 && mine[i]!.atMs === TEN_MIN;
        // The final heal at the end of the run, and faults clamped by the all-down bound, may be shorter.
        assert.ok(gap <= 15_000, `stretch ${gap} ms`);
        if (!last && mine[i]!.op === 'fail') assert.ok(gap >= 2000, `healthy stretch ${gap} ms`);
      }
      assert.ok(mine.every((a) => a.atMs <= TEN_MIN));
    }
  }
});

test('every fault kind appears; partial loss is 30..70 %, full loss and carrier carry null', () => {
  const actions = buildSchedule(createRng(77), { durationMs: TEN_MIN });
  const faults = actions.flatMap((a) => (a.op === 'fail' ? [a.fault] : []));
  const labels = new Set(faults.map(faultLabel));
  assert.deepEqual([...labels].sort(), ['carrier', 'gateway', 'gateway-partial', 'upstream', 'upstream-partial']);
  for (const f of faults) {
    if (isHardFault(f)) assert.equal(f.lossPct, null);
    else assert.ok(f.lossPct !== null && f.lossPct >= 30 && f.lossPct <= 70);
    if (f.kind === 'carrier') assert.equal(f.lossPct, null);
  }
});

test('all links hard down: never longer than maxAllDownMs', () => {
  for (let seed = 0; seed < 40; seed++) {
    const actions = buildSchedule(createRng(seed), { durationMs: TEN_MIN, maxAllDownMs: 4000 });
    for (const s of allDownStretches(actions, 2)) assert.ok(s <= 4000, `seed ${seed}: all down for ${s} ms`);
  }
  // With three links too.
  const three = buildSchedule(createRng(3), { durationMs: TEN_MIN, links: 3, maxAllDownMs: 3000 });
  for (const s of allDownStretches(three, 3)) assert.ok(s <= 3000);
});

test('maxAllDownMs null lets all-down stretches run their natural length', () => {
  const longest = (max: number | null): number => {
    let m = 0;
    for (let seed = 0; seed < 40; seed++) {
      const a = buildSchedule(createRng(seed), { durationMs: TEN_MIN, maxAllDownMs: max, weights: { 'upstream-partial': 0, 'gateway-partial': 0 } });
      m = Math.max(m, ...allDownStretches(a, 2));
    }
    return m;
  };
  assert.ok(longest(null) > 2000, 'unbounded: some all-down stretch is longer than the bound below');
  assert.ok(longest(2000) <= 2000);
});

test('weights: a zero weight never occurs; invalid options throw', () => {
  const actions = buildSchedule(createRng(9), { durationMs: TEN_MIN, weights: { carrier: 0, gateway: 0, 'gateway-partial': 0 } });
  assert.ok(actions.every((a) => a.op === 'heal' || a.fault.kind === 'upstream'));
  assert.throws(() => buildSchedule(createRng(1), { durationMs: 0 }), RangeError);
  assert.throws(() => buildSchedule(createRng(1), { durationMs: 1000, minStretchMs: 5000, maxStretchMs: 1000 }), RangeError);
});

test('allDownStretches measures overlaps of hard faults only', () => {
  const actions: SoakAction[] = [
    { atMs: 1000, link: 1, op: 'fail', fault: { kind: 'upstream', lossPct: null } },
    { atMs: 2000, link: 2, op: 'fail', fault: { kind: 'carrier', lossPct: null } },
    { atMs: 5000, link: 1, op: 'heal' },
    { atMs: 6000, link: 1, op: 'fail', fault: { kind: 'upstream', lossPct: 50 } },
    { atMs: 7000, link: 2, op: 'heal' },
  ];
  assert.deepEqual(allDownStretches(actions, 2), [3000]);
});
