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

// ---- link quality (continuous probing with quality:) ---------------------------------------

type Q = 'up' | 'degraded' | 'down' | 'unknown';
const qprobe = (link: string, healthy: boolean, quality: Q, reason: string | null = null): PolicyEvent =>
  ({ kind: 'probe', link, healthy, gatewayReachable: true, quality, qualityReason: reason });
/** Rounds of every link every `interval` ms, each with a fixed round outcome and quality verdict. */
function qrounds(t0: number, n: number, outcome: Record<string, [boolean, Q]>, interval = 200): Timeline {
  const out: Timeline = [];
  for (let i = 0; i < n; i++) {
    for (const [link, [ok, q]] of Object.entries(outcome)) out.push([t0 + i * interval, qprobe(link, ok, q, q === 'up' ? null : `loss ${q}`)]);
  }
  return out;
}

test('quality down takes a link down at once, though its rounds pass, and fails over', () => {
  const start = run([[0, { kind: 'adopt', link: 'primary' }], ...qrounds(0, 6, { primary: [true, 'up'], secondary: [true, 'up'] })]).state;
  const { state, effects } = run(qrounds(2000, 1, { primary: [true, 'down'], secondary: [true, 'up'] }), start);
  assert.equal(state.links[0]!.health, 'down');
  assert.deepEqual(switches(effects).map((s) => [s.to, s.cause]), [['secondary', 'failover']]);
  assert.match(effects.find((e) => e.kind === 'event' && e.type === 'down')!.kind === 'event' ? (effects.find((e) => e.kind === 'event' && e.type === 'down') as { message: string }).message : '', /quality: loss down/);
});

test('up again only when both agree: passing rounds with quality still down keep the link down', () => {
  const start = run([[0, { kind: 'adopt', link: 'primary' }], ...qrounds(0, 3, { primary: [true, 'down'], secondary: [true, 'up'] })]).state;
  const still = run(qrounds(1000, 10, { primary: [true, 'down'], secondary: [true, 'up'] }), start).state;
  assert.equal(still.links[0]!.health, 'down');
  assert.equal(still.links[0]!.consecutiveSuccesses, 0, 'recovery_threshold counts only once quality agrees');
  const back = run(qrounds(4000, 1, { primary: [true, 'up'], secondary: [true, 'up'] }), still).state;
  assert.equal(back.links[0]!.health, 'up');
  // A good quality verdict does not lift the round rule either: failed rounds keep it down.
  const down = run(qrounds(5000, 3, { primary: [false, 'up'], secondary: [true, 'up'] }), back).state;
  assert.equal(down.links[0]!.health, 'down');
  const stillDown = run(qrounds(6000, 1, { primary: [false, 'up'], secondary: [true, 'up'] }), down).state;
  assert.equal(stillDown.links[0]!.health, 'down');
});

test('degraded is reported but stays: no switch before both links held their state for min_secondary_time', () => {
  const start = run([[0, { kind: 'adopt', link: 'primary' }], ...qrounds(0, 6, { primary: [true, 'up'], secondary: [true, 'up'] })]).state;
  // Degraded for 29 s (rounds every 200 ms): below the 30 s hold, nothing moves.
  const r = run(qrounds(2000, 145, { primary: [true, 'degraded'], secondary: [true, 'up'] }), start);
  assert.equal(r.state.links[0]!.health, 'degraded');
  assert.equal(switches(r.effects).length, 0);
  // Past the hold, with the other link up all along: the degraded active link yields.
  const later = run(qrounds(31_000, 10, { primary: [true, 'degraded'], secondary: [true, 'up'] }), r.state);
  assert.deepEqual(switches(later.effects).map((s) => [s.to, s.cause]), [['secondary', 'failover']]);
  assert.match(switches(later.effects)[0]!.reason, /Telekom is degraded \(loss degraded\), Digi is healthy/);
});

test('random loss degrading both links in turn moves nothing', () => {
  let state = run([[0, { kind: 'adopt', link: 'primary' }], ...qrounds(0, 6, { primary: [true, 'up'], secondary: [true, 'up'] })]).state;
  let moved = 0;
  // Each link alternates 10 s degraded, 10 s up, half a period apart, for ten minutes.
  for (let t = 2000; t < 600_000; t += 200) {
    const phase = (x: number): Q => (Math.floor(x / 10_000) % 2 === 0 ? 'degraded' : 'up');
    const r = run([[t, qprobe('primary', true, phase(t))], [t, qprobe('secondary', true, phase(t + 5000))]], state);
    moved += switches(r.effects).length;
    state = r.state;
  }
  assert.equal(moved, 0);
});

test('a failover prefers a healthy link to a degraded one, and takes a degraded one over none', () => {
  const three = [...LINKS, { name: 'lte', label: 'LTE' }];
  const start = run([[0, { kind: 'adopt', link: 'primary' }], ...qrounds(0, 3, { primary: [true, 'up'], secondary: [true, 'degraded'], lte: [true, 'up'] })],
    init(three, [true, true, true])).state;
  const r = run(qrounds(1000, 3, { primary: [false, 'up'], secondary: [true, 'degraded'], lte: [true, 'up'] }), start);
  assert.deepEqual(switches(r.effects).map((s) => s.to), ['lte']);
  const r2 = run(qrounds(2000, 3, { primary: [false, 'up'], secondary: [true, 'degraded'], lte: [false, 'up'] }), r.state);
  assert.deepEqual(switches(r2.effects).map((s) => s.to), ['secondary']);
});

test('without a quality verdict the original rule is unchanged: one good round brings a link up', () => {
  const start = run([[0, { kind: 'adopt', link: 'primary' }], ...cycles(0, 3, { primary: false, secondary: true })]).state;
  assert.equal(start.links[0]!.health, 'down');
  const back = run([[10_000, probe('primary', true)]], start).state;
  assert.equal(back.links[0]!.health, 'up');
});
