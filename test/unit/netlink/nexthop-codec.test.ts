// The nexthop codec against captured kernel messages (fixtures/netlink/capture-nexthop.json):
// objects made by iproute2 decode as iproute2 was told; objects made by this codec come back from
// the kernel as asked (members, weights above 256, buckets, timers); a route points at a group by
// nhid; deleting a group takes the routes using it along (why the reconciler orders removals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeNexthop, encodeDeleteNexthop, encodeGroup, encodeNexthop, type NexthopEntry,
} from '../../../src/netlink/nexthop-codec.js';
import { parseRtMessage } from '../../../src/netlink/adapter.js';
import { decodeRoute } from '../../../src/netlink/decode.js';

const doc = JSON.parse(readFileSync(new URL('../../../../fixtures/netlink/capture-nexthop.json', import.meta.url), 'utf8')) as
  { messages: Array<{ step: string; type: number; hex: string }> };
const nexthops = (step: string): NexthopEntry[] => doc.messages.filter((m) => m.step === step && m.type === 104)
  .map((m) => decodeNexthop(Buffer.from(m.hex, 'hex'))!);
const routes = (step: string) => doc.messages.filter((m) => m.step === step && m.type === 24).map((m) => {
  const w = parseRtMessage(m.type, Buffer.from(m.hex, 'hex'));
  return w.kind === 'route' ? decodeRoute(w) : null;
});

test('iproute2\'s nexthops and resilient group decode as they were made', () => {
  const nh = nexthops('dump');
  const one = nh.find((n) => n.id === 1)!;
  assert.deepEqual([one.family, one.gateway, one.protocol, one.group], ['inet', '198.51.100.1', 201, null]);
  assert.equal(nh.find((n) => n.id === 3)!.family, 'inet6');
  const g = nh.find((n) => n.id === 10)!;
  assert.deepEqual(g.group, [{ id: 1, weight: 5 }, { id: 2, weight: 3 }]);
  assert.equal(g.groupType, 1);
  assert.deepEqual({ ...g.resilient, unbalancedTimeTicks: null }, { buckets: 64, idleTimerS: 120, unbalancedTimerS: 30, unbalancedTimeTicks: null });
  assert.equal(routes('dump').find((r) => r?.table === 1000)?.nhid, 10);
});

test('objects made by this codec come back from the kernel as asked (weight 300 uses the high byte)', () => {
  const nh = nexthops('codec-create');
  assert.deepEqual(nh.find((n) => n.id === 5), { id: 5, family: 'inet6', protocol: 201, flags: 0, oif: nh.find((n) => n.id === 5)!.oif,
    gateway: 'fe80::1', blackhole: false, group: null, groupType: null, resilient: null });
  const g = nh.find((n) => n.id === 11)!;
  assert.deepEqual(g.group, [{ id: 1, weight: 1 }, { id: 4, weight: 300 }]);
  assert.deepEqual([g.resilient?.buckets, g.resilient?.idleTimerS, g.resilient?.unbalancedTimerS], [32, 60, 0]);
});

test('a replace swaps the members and timers of the group in place; a route points at it by nhid', () => {
  const g = nexthops('replace-members').find((n) => n.id === 11)!;
  assert.deepEqual(g.group, [{ id: 1, weight: 2 }, { id: 2, weight: 1 }]);
  assert.deepEqual([g.resilient?.buckets, g.resilient?.idleTimerS, g.resilient?.unbalancedTimerS], [32, 90, 10]);
  assert.equal(routes('replace-members').find((r) => r?.table === 1001)?.nhid, 11);
});

test('deleting a group takes the routes using it along (the kernel\'s rule the reconciler orders by)', () => {
  assert.equal(nexthops('delete-group').some((n) => n.id === 11), false);
  assert.equal(routes('delete-group').some((r) => r?.table === 1001), false);
  assert.equal(nexthops('delete-group').find((n) => n.id === 1)?.group, null, 'the members stay');
});

test('encoding: NHA_RES_GROUP is nested with NLA_F_NESTED, weights go as weight-1, and bad input is refused', () => {
  const body = encodeGroup({ id: 7, protocol: 201, members: [{ id: 1, weight: 5 }], buckets: 128, idleTimerS: 120, unbalancedTimerS: 0 });
  // nhmsg (8) + NHA_ID (8) + NHA_GROUP (12) + NHA_GROUP_TYPE (8) + NHA_RES_GROUP header at 36.
  assert.equal(body.readUInt16LE(36 + 2), 12 | 0x8000);
  assert.equal(body.readUInt8(16 + 4 + 4), 4, 'weight 5 travels as 4');
  const back = decodeNexthop(body)!;
  assert.deepEqual(back.group, [{ id: 1, weight: 5 }]);
  assert.deepEqual([back.resilient?.buckets, back.resilient?.idleTimerS], [128, 120]);
  assert.throws(() => encodeGroup({ id: 7, protocol: 201, members: [], buckets: 128, idleTimerS: 1, unbalancedTimerS: 0 }), RangeError);
  assert.throws(() => encodeNexthop({ id: 1, family: 'inet', gateway: 'fe80::1', oif: 2, protocol: 201 }), RangeError);
  assert.throws(() => encodeDeleteNexthop(0), RangeError);
});

test('buckets of a resilient group (RTM_NEWNEXTHOPBUCKET): 64 buckets of group 10, split 5:3 between nexthops 1 and 2', async () => {
  const { decodeBucket, encodeBucketDump } = await import('../../../src/netlink/nexthop-codec.js');
  const buckets = doc.messages.filter((m) => m.step === 'buckets' && m.type === 116).map((m) => decodeBucket(Buffer.from(m.hex, 'hex'))!);
  assert.equal(buckets.length, 64);
  assert.deepEqual([...new Set(buckets.map((b) => b.groupId))], [10]);
  assert.deepEqual(buckets.map((b) => b.index).sort((a, b) => a - b), Array.from({ length: 64 }, (_, i) => i));
  const per = (id: number): number => buckets.filter((b) => b.nexthopId === id).length;
  assert.deepEqual([per(1), per(2)], [40, 24], 'weights 5:3 of 64 buckets');
  assert.equal(encodeBucketDump(10).readUInt32LE(8 + 4), 10, 'the dump names the group');
});
