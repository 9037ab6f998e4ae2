// Start-up reading of our nexthop group (issue 21): the members are the carrying set, found by the
// interface their nexthops leave by (a config may have reordered the links); a group our main route
// does not point at, or a route at another metric, is not adopted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adoptGroup } from '../../../src/engine/adopt-group.js';
import { groupId, nexthopId } from '../../../src/routes/desired.js';
import type { NetlinkSnapshot, NexthopEntry } from '../../../src/netlink/types.js';
import { defaultRoute, testConfig } from './fakes.js';

const PROTO = 201;
const nh = (id: number, oif: number, gateway: string): NexthopEntry => ({ id, family: 'inet', protocol: PROTO, flags: 0, oif, gateway,
  blackhole: false, group: null, groupType: null, resilient: null });

function snapshot(metric = 0): NetlinkSnapshot {
  const gid = groupId(PROTO, 'ipv4');
  return {
    links: [], addresses: [], rules: [],
    routes: [{ ...defaultRoute(0, '', PROTO, 254, metric), gateway: null, oif: null, nhid: gid }],
    // Written by a run whose list was [secondary, primary]: id of index 0 leaves by wan2.
    nexthops: [nh(nexthopId(PROTO, 0, 'ipv4'), 12, '100.64.2.1'), nh(nexthopId(PROTO, 1, 'ipv4'), 11, '100.64.1.1'),
      { ...nh(gid, 0, ''), family: null, oif: null, gateway: null, groupType: 1, resilient: { buckets: 128, idleTimerS: 120, unbalancedTimerS: 0, unbalancedTimeTicks: 0 },
        group: [{ id: nexthopId(PROTO, 0, 'ipv4'), weight: 3 }, { id: nexthopId(PROTO, 1, 'ipv4'), weight: 5 }] }],
  };
}

const cfg = testConfig({ routeProtocol: PROTO });
const ifindex = (l: string): number | null => (l === 'primary' ? 11 : l === 'secondary' ? 12 : null);
const policy = { failureThreshold: 3, recoveryThreshold: 3, minSecondaryTimeMs: 0,
  places: [{ name: 'primary', tier: 1, weight: 5 }, { name: 'secondary', tier: 1, weight: 3 }] };

test('members are matched by their interface; weights, lead and gateways come from the kernel', () => {
  const r = adoptGroup(snapshot(), cfg, 'ipv4', policy, ifindex)!;
  assert.deepEqual(r.carriers, [{ link: 'primary', weight: 5 }, { link: 'secondary', weight: 3 }]);
  assert.equal(r.lead, 'primary');
  assert.deepEqual([...r.gateways], [['primary', '100.64.1.1'], ['secondary', '100.64.2.1']]);
});

test('no route of ours at the configured metric pointing at the group: nothing adopted', () => {
  assert.equal(adoptGroup(snapshot(100), cfg, 'ipv4', policy, ifindex), null);
  assert.equal(adoptGroup({ ...snapshot(), nexthops: [] }, cfg, 'ipv4', policy, ifindex), null);
});
