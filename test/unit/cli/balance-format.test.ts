// wanctl for balancing (issue 21): `status` shows the tiers with weights, carrying and shares only
// when a tier balances; `dump nexthops` lists nexthop objects and groups, ours marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tierLines } from '../../../src/cli/format-status.js';
import { nexthopRows } from '../../../src/cli/format.js';
import type { StatusJson } from '../../../src/cli/status-json.js';

const plain = { bold: (s: string) => s, dim: (s: string) => s, green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s };
const link = (name: string, tier: number, weight: number, carrying: boolean, share: number) => ({
  name, display_name: name, interface: name, gateway: null, healthy: true, gateway_reachable: true, tier, weight, carrying, share,
});

test('tiers: one row per link by tier with weight, carrying and share; nothing for pure failover', () => {
  const s = { active_link: 'a', links: [link('a', 1, 5, true, 0.625), link('b', 1, 3, true, 0.375), link('c', 2, 1, false, 0)] } as unknown as StatusJson;
  const lines = tierLines(s, plain as never);
  assert.match(lines[0]!, /TIER\s+LINK\s+WEIGHT\s+CARRYING\s+SHARE/);
  assert.match(lines[1]!, /1\s+a\s+5\s+yes\s+63%/);
  assert.match(lines[3]!, /2\s+c\s+1\s+no\s+0%/);
  const failover = { active_link: 'a', links: [link('a', 1, 1, true, 1), link('b', 2, 1, false, 0)] } as unknown as StatusJson;
  assert.deepEqual(tierLines(failover, plain as never), []);
});

test('dump nexthops: a resilient group lists members, buckets and timers; ours are marked', () => {
  const t = nexthopRows([
    { id: 7, family: null, protocol: 201, flags: 0, oif: null, gateway: null, blackhole: false, group: [{ id: 1, weight: 5 }, { id: 2, weight: 3 }],
      groupType: 1, resilient: { buckets: 128, idleTimerS: 120, unbalancedTimerS: 0, unbalancedTimeTicks: 0 } },
    { id: 1, family: 'inet', protocol: 201, flags: 0, oif: 3, gateway: '198.51.100.1', blackhole: false, group: null, groupType: null, resilient: null },
  ], { routeProtocol: 201, ifnames: new Map([[3, 'wan1']]) }, plain as never);
  assert.deepEqual(t.rows[0]!.slice(0, 4), ['1', 'inet', '198.51.100.1', 'wan1']);
  assert.equal(t.rows[1]![4], '1/5 2/3 resilient buckets 128 idle 120s unbalanced 0s');
  assert.equal(t.rows[1]![6], '*');
});

test('monitor: a nexthop group notification reads as one line, ours marked', async () => {
  const { eventLine } = await import('../../../src/cli/format.js');
  const line = eventLine({ kind: 'nexthop', op: 'new', nexthop: { id: 9, family: null, protocol: 201, flags: 0, oif: null, gateway: null,
    blackhole: false, group: [{ id: 1, weight: 5 }], groupType: 1, resilient: { buckets: 128, idleTimerS: 120, unbalancedTimerS: 0, unbalancedTimeTicks: 0 } } },
  { routeProtocol: 201, ifnames: new Map() });
  assert.match(line, /^nexthop new id 9 group 1\/5 resilient buckets 128 proto .* \(ours\)$/);
});
