// The policy's two metered inputs (issue 24): awaitingProbe holds a switch onto a standby link
// until a fresh round confirmed it; lastResort keeps a capped link out while any other is eligible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, step } from '../../../src/policy/step.js';
import type { LinkFactsView, PolicyConfig, PolicyEvent, PolicyState } from '../../../src/policy/types.js';

const cfg: PolicyConfig = { failureThreshold: 3, recoveryThreshold: 5, minSecondaryTimeMs: 30_000 };
type World = Record<string, LinkFactsView>;
const base = (): LinkFactsView => ({ present: true, carrier: true, gatewayKnown: true, hasAddress: true });

function world(extra: Partial<Record<string, Partial<LinkFactsView>>> = {}): World {
  return { fiber: { ...base(), ...extra['fiber'] }, cable: { ...base(), ...extra['cable'] }, lte: { ...base(), ...extra['lte'] } };
}

function feed(s: PolicyState, w: World, events: PolicyEvent[], t = 1000): { state: PolicyState; switches: string[] } {
  const switches: string[] = [];
  for (const e of events) {
    const r = step(s, e, t, cfg, (n) => w[n]!);
    s = r.state;
    for (const x of r.effects) if (x.kind === 'switch') switches.push(x.to);
  }
  return { state: s, switches };
}

const probe = (link: string, healthy: boolean): PolicyEvent => ({ kind: 'probe', link, healthy, gatewayReachable: true });

function upOnFiber(links = ['fiber', 'lte']): PolicyState {
  const s = initialState(links.map((name) => ({ name, label: name })));
  s.active = 'fiber';
  s.activeSinceMs = 0;
  for (const l of s.links) l.health = 'up';
  return s;
}

describe('policy: metered inputs', () => {
  it('carrier loss: no switch onto a standby link until its fresh round, then at once', () => {
    const w = world({ lte: { awaitingProbe: true } });
    w['fiber']!.carrier = false;
    const lost = feed(upOnFiber(), w, [{ kind: 'carrier', link: 'fiber', up: false }]);
    assert.deepEqual(lost.switches, []);
    assert.equal(lost.state.allDown, false, 'a standby link that was up is not "all down"');
    w['lte']!.awaitingProbe = false;
    assert.deepEqual(feed(lost.state, w, [probe('lte', true)]).switches, ['lte']);
  });

  it('without awaitingProbe the same carrier loss switches at once (the unmetered figure)', () => {
    const w = world();
    w['fiber']!.carrier = false;
    assert.deepEqual(feed(upOnFiber(), w, [{ kind: 'carrier', link: 'fiber', up: false }]).switches, ['lte']);
  });

  it('a last-resort link is not chosen while another link is eligible', () => {
    const s = upOnFiber(['fiber', 'lte', 'cable']);
    const w = world({ lte: { lastResort: true } });
    const r = feed(s, w, [probe('fiber', false), probe('fiber', false), probe('fiber', false)]);
    assert.deepEqual(r.switches, ['cable']);
  });

  it('a last-resort link carries traffic while every other link is down', () => {
    const w = world({ lte: { lastResort: true } });
    const r = feed(upOnFiber(), w, [probe('fiber', false), probe('fiber', false), probe('fiber', false)]);
    assert.deepEqual(r.switches, ['lte']);
  });

  it('an active link that reaches its cap yields at once to another eligible link', () => {
    const s = upOnFiber();
    s.active = 'lte';
    const w = world({ lte: { lastResort: true } });
    const r = feed(s, w, [{ kind: 'tick' }]);
    assert.deepEqual(r.switches, ['fiber']);
    assert.equal(r.state.active, 'fiber');
  });

  it('a more preferred link over its cap is not returned to', () => {
    const s = upOnFiber();
    s.active = 'lte';
    s.links[0]!.consecutiveSuccesses = 10;
    const w = world({ fiber: { lastResort: true } });
    assert.deepEqual(feed(s, w, [probe('fiber', true)], 100_000).switches, []);
  });
});
