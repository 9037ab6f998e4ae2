// tier/weight per link (links: and primary/secondary) and the balance: section: absent = pure
// failover in preference order with exactly today's link entries; bad values name their key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../src/config/load.js';
import { balancing, linkPlaces } from '../../../src/config/balance.js';
import { configProblems, fixture, keysOf } from './helpers.js';

const KEY = `api_key: ${'k'.repeat(32)}\n`;
const parse = (extra: string): ReturnType<typeof parseConfig> => parseConfig(`${KEY}${extra}`, '/etc/x.yaml');
const LINKS = `links:
  - {name: fiber, interface: eth0, tier: 1, weight: 5}
  - {name: cable, interface: eth1, tier: 1, weight: 3}
  - {name: dsl, interface: eth2, tier: 1, weight: 2}
  - {name: lte, interface: wwan0, tier: 2}
`;

describe('tier, weight and balance', () => {
  it('the original\'s config: no tier/weight fields, no balance section, pure failover in preference order', () => {
    const c = parseConfig(readFileSync(fixture('seed.yaml'), 'utf8'), 'seed.yaml');
    assert.ok(c.links.every((l) => !('tier' in l) && !('weight' in l)));
    assert.equal(c.balance, undefined);
    assert.deepEqual(linkPlaces(c.links).map((p) => [p.tier, p.weight]), [[1, 1], [2, 1]]);
    assert.equal(balancing(c.links), false);
  });

  it('links with tiers and weights balance; the section\'s defaults apply when it is absent', () => {
    const c = parse(LINKS);
    assert.deepEqual(linkPlaces(c.links).map((p) => `${p.name}:${p.tier}:${p.weight}`), ['fiber:1:5', 'cable:1:3', 'dsl:1:2', 'lte:2:1']);
    assert.equal(balancing(c.links), true);
    assert.equal(c.balance, undefined);
  });

  it('tier and weight also under primary/secondary', () => {
    const c = parse('primary: {interface: eth0, tier: 1, weight: 3}\nsecondary: {interface: eth1, tier: 1}\n');
    assert.deepEqual(linkPlaces(c.links).map((p) => [p.tier, p.weight]), [[1, 3], [1, 1]]);
  });

  it('balance: values are read; out of range or unknown keys name the key', () => {
    assert.deepEqual(parse(`${LINKS}balance: {buckets: 256, idle_timer: 30, unbalanced_timer: 600}\n`).balance,
      { buckets: 256, idleTimerS: 30, unbalancedTimerS: 600 });
    const { problems } = configProblems(() => parse(`${LINKS}balance: {buckets: 16, idle_timer: 0, unbalanced_timer: -1}\n`));
    assert.deepEqual(keysOf(problems).sort(), ['balance.buckets', 'balance.idle_timer', 'balance.unbalanced_timer']);
    assert.match(problems.find((p) => p.key === 'balance.buckets')!.expected, /32 to 4096/);
    assert.deepEqual(keysOf(configProblems(() => parse('balance: 7\n')).problems), ['balance']);
  });

  it('weight 0 or above 255 and tier below 1 are refused naming the key', () => {
    const bad = `links:
  - {name: a, interface: eth0, weight: 0}
  - {name: b, interface: eth1, weight: 256}
  - {name: c, interface: eth2, tier: 0}
`;
    const { problems } = configProblems(() => parse(bad));
    assert.deepEqual(keysOf(problems).sort(), ['links[0].weight', 'links[1].weight', 'links[2].tier']);
    assert.deepEqual(keysOf(configProblems(() => parse('primary: {interface: eth0, weight: 1.5}\n')).problems), ['primary.weight']);
  });
});
