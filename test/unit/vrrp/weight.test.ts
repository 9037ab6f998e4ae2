// trackWeight: 0 while a link carries traffic, down_weight when all are down, per_link_weight per
// down link when set, null (leave the file) while nothing is judged yet.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Health } from '../../../src/policy/types.js';
import { trackWeight } from '../../../src/vrrp/weight.js';

const s = (allDown: boolean, ...states: Health[]) => ({ allDown, links: states.map((state) => ({ state })) });
const plain = { downWeight: -100, perLinkWeight: null };
const perLink = { downWeight: -100, perLinkWeight: -30 };

describe('trackWeight', () => {
  it('is 0 while at least one link is up or degraded', () => {
    assert.equal(trackWeight(s(false, 'up', 'up'), plain), 0);
    assert.equal(trackWeight(s(false, 'down', 'up'), plain), 0);
    assert.equal(trackWeight(s(false, 'down', 'degraded'), plain), 0);
  });

  it('is down_weight when every link is down', () => {
    assert.equal(trackWeight(s(true, 'down', 'down'), plain), -100);
    assert.equal(trackWeight(s(true, 'down', 'down'), { downWeight: -254, perLinkWeight: null }), -254);
  });

  it('adds per_link_weight for each down link when set', () => {
    assert.equal(trackWeight(s(false, 'up', 'up'), perLink), 0);
    assert.equal(trackWeight(s(false, 'down', 'up'), perLink), -30);
    assert.equal(trackWeight(s(false, 'down', 'unknown', 'up'), perLink), -30);
    assert.equal(trackWeight(s(true, 'down', 'down'), perLink), -160);
  });

  it('is null while no link is judged up and not all are down (just started)', () => {
    assert.equal(trackWeight(s(false, 'unknown', 'unknown'), plain), null);
    assert.equal(trackWeight(s(false, 'down', 'unknown'), perLink), null);
  });
});
