// The policy rules' decision (issue 22) on fake time: driven by the failover policy's own link
// decisions (step.ts), a rule leaves its first link in the very step that declares the link down (the
// step that moves the main route), comes back with the link's recovery, takes a tier's up links, and
// falls back to the main route (balance) or a blackhole when every listed link is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, step } from '../../../src/policy/step.js';
import { chooseRuleLinks, type RuleChoiceInput, type RuleLinkView } from '../../../src/policy/rule-choice.js';
import type { LinkFactsView, PolicyConfig, PolicyEffect, PolicyState } from '../../../src/policy/types.js';

const places = [{ name: 'fiber', tier: 1, weight: 1 }, { name: 'cable', tier: 2, weight: 1 }, { name: 'dsl', tier: 3, weight: 1 }];
const cfg: PolicyConfig = { failureThreshold: 3, recoveryThreshold: 2, minSecondaryTimeMs: 10_000, places };
const up: LinkFactsView = { present: true, carrier: true, gatewayKnown: true, hasAddress: true };
const views = (s: PolicyState, routable: (n: string) => boolean = () => true): RuleLinkView[] => s.links.map((l) => ({
  name: l.name, health: l.health, routable: routable(l.name), tier: places.find((p) => p.name === l.name)!.tier, weight: 1,
}));

function runner() {
  let state: PolicyState = initialState(places.map((p) => ({ name: p.name, label: p.name })));
  return {
    /** One probe of every link at t; `bad` fail. Returns the effects of that round. */
    round(t: number, bad: string[] = []): PolicyEffect[] {
      const out: PolicyEffect[] = [];
      for (const p of places) {
        const r = step(state, { kind: 'probe', link: p.name, healthy: !bad.includes(p.name), gatewayReachable: true }, t, cfg, () => up);
        state = r.state;
        out.push(...r.effects);
      }
      return out;
    },
    get state() { return state; },
  };
}

const voip: RuleChoiceInput = { links: { kind: 'ordered', names: ['cable', 'fiber'] }, fallback: 'balance' };
const iptv: RuleChoiceInput = { links: { kind: 'ordered', names: ['fiber'] }, fallback: 'blackhole' };

test('before any verdict the first listed link carries (no blackout at start); a down link is passed over', () => {
  const r = runner();
  assert.deepEqual(chooseRuleLinks(voip, views(r.state)), { state: 'preferred', carriers: [{ link: 'cable', weight: 1 }] });
  assert.deepEqual(chooseRuleLinks(iptv, views(r.state)), { state: 'preferred', carriers: [{ link: 'fiber', weight: 1 }] });
  // A link the kernel cannot route through (no gateway) is never chosen.
  assert.deepEqual(chooseRuleLinks(voip, views(r.state, (n) => n !== 'cable')).carriers, [{ link: 'fiber', weight: 1 }]);
});

test('the rule moves in the step that declares its link down, the one that moves the main route', () => {
  const r = runner();
  let t = 0;
  for (let i = 0; i < 3; i++) r.round((t += 1000));
  assert.equal(r.state.active, 'fiber');
  assert.equal(chooseRuleLinks(iptv, views(r.state)).state, 'preferred');
  // fiber fails: two rounds are below failure_threshold, nothing moves yet.
  r.round((t += 1000), ['fiber']);
  r.round((t += 1000), ['fiber']);
  assert.equal(chooseRuleLinks(iptv, views(r.state)).state, 'preferred');
  const effects = r.round((t += 1000), ['fiber']);
  assert.ok(effects.some((e) => e.kind === 'switch' && e.to === 'cable'), 'the main route moves in this round');
  assert.deepEqual(chooseRuleLinks(iptv, views(r.state)), { state: 'blackhole', carriers: [] }, 'and the blackhole rule in the same one');
  assert.deepEqual(chooseRuleLinks({ ...iptv, fallback: 'balance' }, views(r.state)), { state: 'fallback', carriers: [] },
    'balance: no link of its own, its traffic takes the main route');
  // voip's preferred link (cable) fails: it goes to its next listed link, fiber, once fiber is back.
  for (let i = 0; i < 3; i++) r.round((t += 1000), ['cable']);
  assert.deepEqual(chooseRuleLinks(voip, views(r.state)), { state: 'fallback', carriers: [{ link: 'fiber', weight: 1 }] });
  for (let i = 0; i < 2; i++) r.round((t += 1000));
  assert.deepEqual(chooseRuleLinks(voip, views(r.state)), { state: 'preferred', carriers: [{ link: 'cable', weight: 1 }] });
});

test('an up link wins over a degraded or unjudged one listed before it', () => {
  const v: RuleLinkView[] = [
    { name: 'cable', health: 'degraded', routable: true, tier: 1, weight: 1 },
    { name: 'fiber', health: 'up', routable: true, tier: 1, weight: 1 },
  ];
  assert.deepEqual(chooseRuleLinks(voip, v).carriers, [{ link: 'fiber', weight: 1 }]);
  assert.deepEqual(chooseRuleLinks(voip, [{ ...v[0]!, health: 'unknown' }, v[1]!]).carriers, [{ link: 'fiber', weight: 1 }]);
});

test('a tier: its up links carry with their weights; none: the fallback', () => {
  const v: RuleLinkView[] = [
    { name: 'fiber', health: 'up', routable: true, tier: 1, weight: 5 },
    { name: 'cable', health: 'up', routable: true, tier: 1, weight: 3 },
    { name: 'dsl', health: 'down', routable: true, tier: 1, weight: 2 },
    { name: 'lte', health: 'up', routable: true, tier: 2, weight: 1 },
  ];
  const tier1: RuleChoiceInput = { links: { kind: 'tier', tier: 1 }, fallback: 'blackhole' };
  assert.deepEqual(chooseRuleLinks(tier1, v), { state: 'preferred', carriers: [{ link: 'fiber', weight: 5 }, { link: 'cable', weight: 3 }] });
  const allDown = v.map((l) => (l.tier === 1 ? { ...l, health: 'down' as const } : l));
  assert.deepEqual(chooseRuleLinks(tier1, allDown), { state: 'blackhole', carriers: [] });
});
