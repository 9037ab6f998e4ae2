// Reply routing (issue 22): one `from <address> lookup <link table>` rule per global address of each
// present link and managed family; link-local and loopback addresses get none; through the reconciler
// a renewed address moves its rule (the old one deleted by its own selectors, the other links' kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGlobalAddress, planReplyRules, type ReplyLink } from '../../../src/routes/reply-rules-plan.js';
import { Reconciler } from '../../../src/routes/reconciler.js';
import { FakeClock } from '../fake-clock.js';
import { MemoryLog, MemoryNetlink } from '../engine/fakes.js';

const CFG = { rulePriority: 1000, routeProtocol: 201 };
const links = (wan2v4: string): ReplyLink[] => [
  { name: 'fiber', table: 1000, present: true, addresses: { ipv4: ['198.51.100.2', '169.254.1.1'], ipv6: ['2001:db8:1::2', 'fe80::1'] } },
  { name: 'cable', table: 1001, present: true, addresses: { ipv4: [wan2v4], ipv6: [] } },
  { name: 'lte', table: 1002, present: false, addresses: { ipv4: ['100.64.3.2'], ipv6: [] } },
];
const text = (nl: MemoryNetlink): string[] => nl.rules.map((r) => `${r.family} ${r.priority} from ${r.src}/${r.srcLength} -> ${r.table}`).sort();

test('a rule per global address of each present link, per managed family', () => {
  const objs = planReplyRules(links('203.0.113.2'), CFG, ['ipv4', 'ipv6']);
  assert.deepEqual(objs.map((o) => (o.kind === 'rule' ? `${o.family} ${o.spec.src}/${o.spec.srcLength} -> ${o.spec.table}` : o.kind)), [
    'ipv4 198.51.100.2/32 -> 1000', 'ipv4 203.0.113.2/32 -> 1001', 'ipv6 2001:db8:1::2/128 -> 1000',
  ]);
  assert.deepEqual(planReplyRules(links('203.0.113.2'), CFG, ['ipv4']).length, 2, 'IPv6 only when it is managed');
  assert.equal(isGlobalAddress('ipv6', 'fe80::1'), false);
  assert.equal(isGlobalAddress('ipv6', 'febf::1'), false);
  assert.equal(isGlobalAddress('ipv6', 'fec0::1'), true);
});

test('a renewed address moves its rule; the others stay', async () => {
  const nl = new MemoryNetlink();
  const r = new Reconciler(nl, new FakeClock(), new MemoryLog(), { applied: () => undefined, failed: () => undefined });
  r.setDesired(planReplyRules(links('203.0.113.2'), CFG, ['ipv4']), ['ipv4']);
  await r.idle();
  assert.deepEqual(text(nl), ['inet 1000 from 198.51.100.2/32 -> 1000', 'inet 1000 from 203.0.113.2/32 -> 1001']);
  r.setDesired(planReplyRules(links('203.0.113.9'), CFG, ['ipv4']), ['ipv4']);
  await r.idle();
  assert.deepEqual(text(nl), ['inet 1000 from 198.51.100.2/32 -> 1000', 'inet 1000 from 203.0.113.9/32 -> 1001']);
});
