// The standby schedule of a metered link (issue 24): standby only while it carries nothing and the
// carrying link is fine; normal rate at once on the first failed round, degraded, carrier loss,
// interface gone, no active link, or when it carries traffic (in any family).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialState } from '../../../src/policy/step.js';
import type { FactsView, LinkFactsView, PolicyState } from '../../../src/policy/types.js';
import { standbyProbing } from '../../../src/metered/standby-schedule.js';

const ok: LinkFactsView = { present: true, carrier: true, gatewayKnown: true, hasAddress: true };
const facts = (over: Partial<Record<string, Partial<LinkFactsView>>> = {}): FactsView => (name) => ({ ...ok, ...over[name] });

function state(active: string | null, fiber: Partial<PolicyState['links'][number]> = {}): PolicyState {
  const s = initialState([{ name: 'fiber', label: 'Fiber' }, { name: 'lte', label: 'LTE' }]);
  s.active = active;
  s.links[0] = { ...s.links[0]!, health: 'up', ...fiber };
  s.links[1] = { ...s.links[1]!, health: 'up' };
  return s;
}

describe('metered standby schedule', () => {
  it('standby while fiber carries and is fine', () => {
    assert.equal(standbyProbing('lte', [{ state: state('fiber'), facts: facts() }]), true);
  });

  it('normal at once on the carrying link\'s first failed round', () => {
    assert.equal(standbyProbing('lte', [{ state: state('fiber', { consecutiveFailures: 1 }), facts: facts() }]), false);
  });

  it('normal when the carrying link is degraded, down or unknown', () => {
    for (const health of ['degraded', 'down', 'unknown'] as const) {
      assert.equal(standbyProbing('lte', [{ state: state('fiber', { health }), facts: facts() }]), false, health);
    }
  });

  it('normal on carrier loss or a vanished interface of the carrying link', () => {
    assert.equal(standbyProbing('lte', [{ state: state('fiber'), facts: facts({ fiber: { carrier: false } }) }]), false);
    assert.equal(standbyProbing('lte', [{ state: state('fiber'), facts: facts({ fiber: { present: false } }) }]), false);
  });

  it('normal while no link carries (start-up) and while the metered link carries', () => {
    assert.equal(standbyProbing('lte', [{ state: state(null), facts: facts() }]), false);
    assert.equal(standbyProbing('lte', [{ state: state('lte'), facts: facts() }]), false);
  });

  it('any family that needs it wakes the link (IPv6 carried by it, IPv4 fine)', () => {
    assert.equal(standbyProbing('lte', [{ state: state('fiber'), facts: facts() }, { state: state('lte'), facts: facts() }]), false);
    assert.equal(standbyProbing('lte', [{ state: state('fiber'), facts: facts() }, { state: state('fiber'), facts: facts() }]), true);
  });
});
