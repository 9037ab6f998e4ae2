// Scenario tests of the pure failover policy: timelines of (t, event) run through step() on fake time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkManual, initialState, step } from '../../../src/policy/step.js';
import type { LinkFactsView, PolicyConfig, PolicyEffect, PolicyEvent, PolicyState } from '../../../src/policy/types.js';

const cfg: PolicyConfig = { failureThreshold: 3, recoveryThreshold: 5, minSecondaryTimeMs: 30_000 };
const LINKS = [{ name: 'primary', label: 'Telekom' }, { name: 'secondary', label: 'Digi' }];

/** A test-only event: a gateway becomes known or unknown (in the daemon, a facts-store change). */
type GatewayFact = { kind: 'gateway'; link: string; known: boolean };
type Timeline = Array<[number, PolicyEvent | GatewayFact]>;

// The facts the policy reads live outside its state (the daemon's facts store); here a small
// world per state, carried along with it, that carrier/present/gateway events update first.
type World = Record<string, LinkFactsView>;
const worlds = new WeakMap<PolicyState, World>();

function init(links: Array<{ name: string; label: string }>, gatewayKnown: boolean[] = []): PolicyState {
  const s = initialState(links);
  worlds.set(s, Object.fromEntries(links.map((l, i) => [l.name,
    { present: true, carrier: null, gatewayKnown: gatewayKnown[i] ?? false, hasAddress: true }])));
  return s;
}

function run(timeline: Timeline, from?: PolicyState, c: PolicyConfig = cfg): { state: PolicyState; effects: Array<PolicyEffect & { t: number }> } {
  let state = from ?? init(LINKS, [true, true]);
  const world: World = structuredClone(worlds.get(state)!);
  const view = (name: string): LinkFactsView => world[name] ?? { present: false, carrier: false, gatewayKnown: false, hasAddress: false };
  const effects: Array<PolicyEffect & { t: number }> = [];
  for (const [t, e0] of timeline) {
    let e: PolicyEvent;
    if (e0.kind === 'gateway') {
      world[e0.link]!.gatewayKnown = e0.known;
      e = { kind: 'facts', link: e0.link };
    } else {
      e = e0;
      if (e.kind === 'carrier') world[e.link]!.carrier = e.up;
      if (e.kind === 'present') world[e.link]!.present = e.present;
    }
    const r = step(state, e, t, c, view);
    state = r.state;
    effects.push(...r.effects.map((x) => ({ ...x, t })));
  }
  worlds.set(state, world);
  return { state, effects };
}

function factsOf(s: PolicyState): (name: string) => LinkFactsView {
  const w = worlds.get(s)!;
  return (name) => w[name]!;
}

const probe = (link: string, healthy: boolean, gatewayReachable = true): PolicyEvent => ({ kind: 'probe', link, healthy, gatewayReachable });
/** One probe cycle of every link every `interval` ms from t0, n times, each with a fixed outcome. */
function cycles(t0: number, n: number, outcome: Record<string, boolean>, interval = 3000): Timeline {
  const out: Timeline = [];
  for (let i = 0; i < n; i++) {
    for (const [link, ok] of Object.entries(outcome)) out.push([t0 + i * interval, probe(link, ok)]);
  }
  return out;
}
type Timed<E> = E & { t: number };
type SwitchEffect = Timed<Extract<PolicyEffect, { kind: 'switch' }>>;
const switches = (effects: Array<Timed<PolicyEffect>>): SwitchEffect[] =>
  effects.filter((e): e is SwitchEffect => e.kind === 'switch');

/** Healthy on primary for a while: the usual starting point. */
function steadyOnPrimary(): PolicyState {
  return run([[0, { kind: 'adopt', link: 'primary' }], ...cycles(0, 6, { primary: true, secondary: true })]).state;
}

test('adopting the current route at start does not switch', () => {
  const { state, effects } = run([[0, { kind: 'adopt', link: 'secondary' }], ...cycles(0, 3, { primary: true, secondary: true })]);
  assert.equal(state.active, 'secondary');
  assert.equal(switches(effects).length, 0, 'still inside min_secondary_time: no return to primary yet');
});

test('without any default route the first healthy link in preference order is chosen', () => {
  const { state, effects } = run([[0, { kind: 'adopt', link: null }], [0, probe('secondary', true)], [0, probe('primary', true)]]);
  assert.equal(switches(effects)[0]?.to, 'secondary', 'the only eligible link at that moment');
  assert.equal(state.active, 'secondary');
});

test('failure_threshold consecutive failed cycles mark the link down and fail over', () => {
  const start = steadyOnPrimary();
  const { state, effects } = run(cycles(20_000, 3, { primary: false, secondary: true }), start);
  const sw = switches(effects);
  assert.equal(sw.length, 1);
  assert.equal(sw[0]!.to, 'secondary');
  assert.equal(sw[0]!.t, 26_000, 'on the third failed cycle, not before');
  assert.equal(state.links[0]!.health, 'down');
  assert.ok(effects.some((e) => e.kind === 'event' && e.type === 'down' && e.link === 'primary'));
});

test('fewer failures than the threshold, interrupted by a success, do not fail over', () => {
  const start = steadyOnPrimary();
  const { effects } = run([
    ...cycles(20_000, 2, { primary: false, secondary: true }),
    ...cycles(26_000, 1, { primary: true, secondary: true }),
    ...cycles(29_000, 2, { primary: false, secondary: true }),
  ], start);
  assert.equal(switches(effects).length, 0);
});

test('return to primary needs recovery_threshold successes AND min_secondary_time', () => {
  const down = run(cycles(20_000, 3, { primary: false, secondary: true }), steadyOnPrimary()).state; // switched at 26 s
  // primary healthy again from 29 s: 5 successes reached at 41 s, but min_secondary_time ends at 56 s.
  const { effects } = run(cycles(29_000, 12, { primary: true, secondary: true }), down);
  const sw = switches(effects);
  assert.equal(sw.length, 1);
  assert.equal(sw[0]!.to, 'primary');
  assert.equal(sw[0]!.t, 56_000);
  assert.ok(effects.some((e) => e.kind === 'event' && e.type === 'recovery' && e.link === 'primary'));
});

test('min_secondary_time already over: recovery_threshold alone gates the return', () => {
  const c = { ...cfg, minSecondaryTimeMs: 0 };
  const down = run(cycles(20_000, 3, { primary: false, secondary: true }), steadyOnPrimary(), c).state;
  const { effects } = run(cycles(29_000, 6, { primary: true, secondary: true }), down, c);
  assert.equal(switches(effects)[0]?.t, 29_000 + 4 * 3000, 'the fifth consecutive success');
});

test('carrier loss fails over at once, without waiting for probes', () => {
  const { state, effects } = run([[10_000, { kind: 'carrier', link: 'primary', up: false }]], steadyOnPrimary());
  assert.deepEqual(switches(effects).map((s) => [s.to, s.t]), [['secondary', 10_000]]);
  assert.equal(state.links[0]!.health, 'down');
});

test('the interface vanishing fails over at once; it must pass probes again when it returns', () => {
  const gone = run([[10_000, { kind: 'present', link: 'primary', present: false }]], steadyOnPrimary());
  assert.equal(gone.state.active, 'secondary');
  const back = run([[12_000, { kind: 'present', link: 'primary', present: true }]], gone.state);
  assert.equal(back.state.links[0]!.health, 'down', 'back, but not trusted before probes pass');
  const ok = run([[13_000, probe('primary', true)]], back.state);
  assert.equal(ok.state.links[0]!.health, 'up');
});

test('a standby link that fails is reported down without any switch', () => {
  const { state, effects } = run(cycles(20_000, 4, { primary: true, secondary: false }), steadyOnPrimary());
  assert.equal(state.links[1]!.health, 'down');
  assert.equal(switches(effects).length, 0);
});

test('both links down: the route stays, one line is logged on entering that state, no flapping', () => {
  const { state, effects } = run([
    ...cycles(20_000, 3, { primary: false, secondary: true }),   // -> secondary at 26 s
    ...cycles(29_000, 10, { primary: false, secondary: false }),
  ], steadyOnPrimary());
  assert.equal(switches(effects).length, 1);
  assert.equal(state.active, 'secondary');
  assert.equal(state.allDown, true);
  const allDown = effects.filter((e) => e.kind === 'event' && e.message.startsWith('All links are down'));
  assert.equal(allDown.length, 1);
});

test('leaving the all-down state: the first link that passes gets the route', () => {
  const dead = run([
    ...cycles(20_000, 3, { primary: false, secondary: true }),
    ...cycles(29_000, 4, { primary: false, secondary: false }),
  ], steadyOnPrimary()).state;
  const { state, effects } = run([[50_000, probe('primary', true)], [50_000, probe('secondary', false)]], dead);
  assert.equal(state.allDown, false);
  assert.equal(state.active, 'primary');
  assert.equal(switches(effects).length, 1);
});

test('auto off: no automatic switch even when the active link dies', () => {
  const start = run([[1000, { kind: 'auto', enabled: false }]], steadyOnPrimary()).state;
  const { state, effects } = run([...cycles(20_000, 5, { primary: false, secondary: true }),
    [40_000, { kind: 'carrier', link: 'primary', up: false }]], start);
  assert.equal(switches(effects).length, 0);
  assert.equal(state.active, 'primary');
});

test('a manual switch holds against automatic recovery until that link fails', () => {
  const held = run([[1000, { kind: 'manual', link: 'secondary' }]], steadyOnPrimary());
  assert.equal(switches(held.effects)[0]?.to, 'secondary');
  const stay = run(cycles(20_000, 30, { primary: true, secondary: true }), held.state);
  assert.equal(switches(stay.effects).length, 0, 'primary is healthy and stable, but the hold wins');
  const fail = run(cycles(120_000, 3, { primary: true, secondary: false }), stay.state);
  assert.deepEqual(switches(fail.effects).map((s) => s.to), ['primary']);
  assert.equal(fail.state.manualHold, null);
});

test('auto on releases a manual hold', () => {
  const held = run([[1000, { kind: 'manual', link: 'secondary' }], ...cycles(2000, 12, { primary: true, secondary: true })], steadyOnPrimary());
  assert.equal(held.state.active, 'secondary');
  const { effects } = run([[40_000, { kind: 'auto', enabled: true }], ...cycles(41_000, 1, { primary: true, secondary: true })], held.state);
  assert.deepEqual(switches(effects).map((s) => s.to), ['primary']);
});

test('a route the kernel keeps refusing: the policy moves on to the next eligible link and reports it once', () => {
  const three = [...LINKS, { name: 'lte', label: 'LTE' }];
  let st = init(three, [true, true, true]);
  st = run([[0, { kind: 'adopt', link: 'primary' }], ...cycles(0, 2, { primary: true, secondary: true, lte: true })], st).state;
  const sw = run([[10_000, { kind: 'carrier', link: 'primary', up: false }]], st);
  assert.deepEqual(switches(sw.effects).map((s) => s.to), ['secondary']);
  const { state, effects } = run([
    [10_300, { kind: 'route-failing', link: 'secondary', error: 'ENETUNREACH' }],
    [10_400, { kind: 'route-failing', link: 'secondary', error: 'ENETUNREACH' }],
  ], sw.state);
  assert.equal(state.active, 'lte');
  assert.deepEqual(switches(effects).map((s) => [s.to, s.cause]), [['lte', 'failover']]);
  assert.equal(effects.filter((e) => e.kind === 'event' && e.type === 'error').length, 1, 'one line per failure streak');
});

test('a link passed over for a refused route is eligible again when its facts change or the hold ends', () => {
  const sw = run([[10_000, { kind: 'carrier', link: 'primary', up: false }]], steadyOnPrimary());
  const refused = run([[10_300, { kind: 'route-failing', link: 'secondary', error: 'ENETUNREACH' }]], sw.state);
  assert.notEqual(refused.state.links[1]!.routeFailingUntilMs, null);
  const again = run([[11_000, { kind: 'facts', link: 'secondary' }]], refused.state);
  assert.equal(again.state.links[1]!.routeFailingUntilMs, null);
  assert.equal(again.state.active, 'secondary');
});

test('a link whose gateway is unknown is never switched to', () => {
  const start = run([[0, { kind: 'adopt', link: 'primary' }], [0, { kind: 'gateway', link: 'secondary', known: false }],
    ...cycles(0, 3, { primary: true, secondary: true })]).state;
  const { state, effects } = run(cycles(20_000, 3, { primary: false, secondary: true }), start);
  assert.equal(switches(effects).length, 0);
  assert.equal(state.active, 'primary');
});

test('N links: the most preferred healthy link wins and recovery climbs back in order', () => {
  const three = [...LINKS, { name: 'lte', label: 'LTE' }];
  const c = { ...cfg, minSecondaryTimeMs: 0, recoveryThreshold: 2 };
  let st = init(three, [true, true, true]);
  st = run([[0, { kind: 'adopt', link: 'primary' }], ...cycles(0, 2, { primary: true, secondary: true, lte: true })], st, c).state;
  const a = run(cycles(10_000, 3, { primary: false, secondary: false, lte: true }), st, c);
  assert.equal(a.state.active, 'lte');
  const b = run(cycles(20_000, 2, { primary: false, secondary: true, lte: true }), a.state, c);
  assert.equal(b.state.active, 'secondary');
  const d = run(cycles(30_000, 2, { primary: true, secondary: true, lte: true }), b.state, c);
  assert.equal(d.state.active, 'primary');
});

test('checkManual validates targets', () => {
  const s = steadyOnPrimary();
  assert.equal(checkManual(s, 'nope', false, factsOf(s), 0), 'unknown_link');
  assert.equal(checkManual(s, 'primary', false, factsOf(s), 0), 'already_active');
  assert.equal(checkManual(s, 'secondary', false, factsOf(s), 0), 'ok');
  const down = run([[1, { kind: 'carrier', link: 'secondary', up: false }]], s).state;
  assert.equal(checkManual(down, 'secondary', false, factsOf(down), 0), 'link_down');
  assert.equal(checkManual(down, 'secondary', true, factsOf(down), 0), 'ok');
});
