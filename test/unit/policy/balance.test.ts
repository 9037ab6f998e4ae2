// Scenario tests of the balancing policy (issue 21) on fake time: the first tier with an up link
// carries, every up link of it carries, a failed link leaves at once, a returning one rejoins only
// after recovery_threshold rounds and min_secondary_time; a manual hold carries alone; without
// tiers of two links the original failover runs (its carrying set is a set of one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, step } from '../../../src/policy/step.js';
import type { LinkFactsView, PolicyConfig, PolicyEffect, PolicyEvent, PolicyState } from '../../../src/policy/types.js';

const places = [
  { name: 'fiber', tier: 1, weight: 5 }, { name: 'cable', tier: 1, weight: 3 }, { name: 'dsl', tier: 1, weight: 2 }, { name: 'lte', tier: 2, weight: 1 },
];
const cfg: PolicyConfig = { failureThreshold: 3, recoveryThreshold: 5, minSecondaryTimeMs: 30_000, places };
const facts = new Map<string, LinkFactsView>(places.map((p) => [p.name, { present: true, carrier: true, gatewayKnown: true, hasAddress: true }]));
const up: LinkFactsView = { present: true, carrier: true, gatewayKnown: true, hasAddress: true };
const view = (n: string): LinkFactsView => facts.get(n) ?? up;

function runner(c: PolicyConfig = cfg, names = places.map((p) => p.name)) {
  let state: PolicyState = initialState(names.map((name) => ({ name, label: name })));
  const effects: PolicyEffect[] = [];
  return {
    feed(t: number, e: PolicyEvent): void { const r = step(state, e, t, c, view); state = r.state; effects.push(...r.effects); },
    /** One round of every link from t, n times, every 1 s; `bad` fail. */
    rounds(t: number, n: number, bad: string[] = []): number {
      for (let i = 0; i < n; i++) for (const name of names) this.feed(t + i * 1000, { kind: 'probe', link: name, healthy: !bad.includes(name), gatewayReachable: true });
      return t + n * 1000;
    },
    get state() { return state; },
    effects,
  };
}

test('tier 1 carries on all its up links; tier 2 carries nothing while tier 1 is up; the lead is the largest weight', () => {
  const r = runner();
  r.rounds(0, 1);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable', 'dsl']);
  assert.equal(r.state.active, 'fiber');
  assert.ok(r.effects.some((e) => e.kind === 'carrying' && e.cause === 'initial'));
});

test('a failed link leaves at once; it rejoins only after recovery_threshold rounds and min_secondary_time since it left', () => {
  const r = runner();
  let t = r.rounds(0, 1);
  t = r.rounds(t, 3, ['dsl']);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable'], 'dsl left after failure_threshold rounds');
  const leftAt = t - 1000;
  t = r.rounds(t, 5);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable'], '5 good rounds but min_secondary_time not passed');
  while (t <= leftAt + 30_000) t = r.rounds(t, 1);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable', 'dsl'], 'back after both');
  const last = r.effects.filter((e) => e.kind === 'carrying').at(-1)!;
  assert.equal(last.kind === 'carrying' && last.cause, 'recovery');
  assert.equal(r.state.active, 'fiber', 'the lead never changed');
  assert.ok(!r.effects.some((e) => e.kind === 'switch' && e.from !== null), 'no switch effect: fiber led throughout');
});

test('every tier-1 link down: tier 2 takes over at once; tier 1 comes back only after the hysteresis', () => {
  const r = runner();
  let t = r.rounds(0, 1);
  t = r.rounds(t, 3, ['fiber', 'cable', 'dsl']);
  assert.deepEqual(r.state.carrying, ['lte']);
  assert.equal(r.state.active, 'lte');
  t = r.rounds(t, 5);
  assert.deepEqual(r.state.carrying, ['lte'], 'not before min_secondary_time');
  t = r.rounds(t, 30);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable', 'dsl']);
  assert.equal(r.state.active, 'fiber');
});

test('carrier loss of a carrying link: it leaves in the same step', () => {
  const r = runner();
  r.rounds(0, 1);
  facts.set('cable', { ...facts.get('cable')!, carrier: false });
  try {
    r.feed(1500, { kind: 'carrier', link: 'cable', up: false });
    assert.deepEqual(r.state.carrying, ['fiber', 'dsl']);
  } finally {
    facts.set('cable', { ...facts.get('cable')!, carrier: true });
  }
});

test('manual switch carries alone and holds; auto on returns to balancing', () => {
  const r = runner();
  const t = r.rounds(0, 1);
  r.feed(t, { kind: 'manual', link: 'cable' });
  assert.deepEqual(r.state.carrying, ['cable']);
  assert.equal(r.state.active, 'cable');
  r.rounds(t, 3);
  assert.deepEqual(r.state.carrying, ['cable'], 'the hold stays');
  r.feed(t + 4000, { kind: 'auto', enabled: true });
  r.rounds(t + 5000, 40);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable', 'dsl']);
});

test('adoption at restart: the kernel\'s carrying set is taken as is (no change, no effect)', () => {
  const r = runner();
  r.feed(0, { kind: 'adopt', link: 'cable', carrying: ['cable', 'dsl'] });
  assert.deepEqual(r.state.carrying, ['cable', 'dsl']);
  assert.equal(r.state.active, 'cable');
  assert.deepEqual(r.effects.filter((e) => e.kind === 'carrying'), []);
});

test('without a tier of two links the original failover runs: a set of one, preference order', () => {
  const r = runner({ ...cfg, places: [{ name: 'a', tier: 1, weight: 1 }, { name: 'b', tier: 2, weight: 1 }] }, ['a', 'b']);
  let t = r.rounds(0, 1);
  assert.deepEqual(r.state.carrying, ['a']);
  t = r.rounds(t, 3, ['a']);
  assert.deepEqual(r.state.carrying, ['b']);
  assert.equal(r.state.active, 'b');
  assert.ok(!r.effects.some((e) => e.kind === 'carrying'), 'failover speaks in switch effects only');
});

test('a degraded carrying link leaves once it held degraded for min_secondary_time while an up tier-mate carries; it rejoins when up', () => {
  const r = runner();
  let t = r.rounds(0, 1);
  const degraded = (link: string, at: number): void => r.feed(at, { kind: 'probe', link, healthy: true, gatewayReachable: true, quality: 'degraded', qualityReason: 'loss 15%' });
  degraded('dsl', t);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable', 'dsl'], 'not at once');
  for (; t <= 32_000; t += 1000) { degraded('dsl', t); r.feed(t, { kind: 'probe', link: 'fiber', healthy: true, gatewayReachable: true }); }
  assert.deepEqual(r.state.carrying, ['fiber', 'cable'], 'held degraded for min_secondary_time');
  t = r.rounds(t, 40);
  assert.deepEqual(r.state.carrying, ['fiber', 'cable', 'dsl'], 'back once up and stable');
});

test('when every carrying link is degraded, they all keep carrying', () => {
  const r = runner({ ...cfg, places: [{ name: 'a', tier: 1, weight: 1 }, { name: 'b', tier: 1, weight: 1 }] }, ['a', 'b']);
  let t = r.rounds(0, 1);
  for (; t < 40_000; t += 1000) {
    for (const link of ['a', 'b']) r.feed(t, { kind: 'probe', link, healthy: true, gatewayReachable: true, quality: 'degraded', qualityReason: 'rtt' });
  }
  assert.deepEqual(r.state.carrying, ['a', 'b']);
});
