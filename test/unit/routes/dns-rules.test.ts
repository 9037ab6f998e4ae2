// DNS that follows the link (issue 22): one `to <server>/32 (/128) lookup <link table>` rule per
// server of each link at rule_priority; a server of an unmanaged family gets none, a server two links
// list belongs to the first; through the reconciler a changed server list moves the rules, a restart
// adopts them without duplicates, and stop removes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDnsRules, type DnsLink } from '../../../src/routes/dns-rules-plan.js';
import { Reconciler } from '../../../src/routes/reconciler.js';
import { FakeClock } from '../fake-clock.js';
import { MemoryLog, MemoryNetlink } from '../engine/fakes.js';

const CFG = { rulePriority: 1000, routeProtocol: 201 };
const links = (fiber: string[]): DnsLink[] => [
  { name: 'fiber', table: 1000, servers: fiber },
  { name: 'cable', table: 1001, servers: ['203.0.113.53', '2001:db8:2::53', '198.51.100.53'] },
];
const rows = (objs: ReturnType<typeof planDnsRules>): string[] =>
  objs.map((o) => (o.kind === 'rule' ? `${o.family} ${o.spec.priority} to ${o.spec.dst}/${o.spec.dstLength} -> ${o.spec.table} proto ${o.spec.protocol}` : o.kind));
const kernel = (nl: MemoryNetlink): string[] => nl.rules.map((r) => `${r.family} ${r.priority} to ${r.dst}/${r.dstLength} -> ${r.table}`).sort();
const reconciler = (nl: MemoryNetlink): Reconciler =>
  new Reconciler(nl, new FakeClock(), new MemoryLog(), { applied: () => undefined, failed: () => undefined });

test('a rule per server of each link, its family\'s prefix length, tagged, at rule_priority', () => {
  assert.deepEqual(rows(planDnsRules(links(['198.51.100.53', '2001:db8:1::53']), CFG, ['ipv4', 'ipv6'])), [
    'ipv4 1000 to 198.51.100.53/32 -> 1000 proto 201',
    'ipv6 1000 to 2001:db8:1::53/128 -> 1000 proto 201',
    'ipv4 1000 to 203.0.113.53/32 -> 1001 proto 201',
    'ipv6 1000 to 2001:db8:2::53/128 -> 1001 proto 201',
  ], 'cable\'s 198.51.100.53 is fiber\'s already: one rule, the first link\'s');
  assert.deepEqual(rows(planDnsRules(links(['2001:db8:1::53']), CFG, ['ipv4'])), [
    'ipv4 1000 to 203.0.113.53/32 -> 1001 proto 201', 'ipv4 1000 to 198.51.100.53/32 -> 1001 proto 201',
  ], 'IPv6 servers only when IPv6 is managed');
  assert.deepEqual(planDnsRules([{ name: 'x', table: 1000, servers: [] }], CFG, ['ipv4']), []);
});

test('changed servers move their rules, a restart adopts them, stop removes them', async () => {
  const nl = new MemoryNetlink();
  const r = reconciler(nl);
  r.setDesired(planDnsRules(links(['198.51.100.53']), CFG, ['ipv4']), ['ipv4']);
  await r.idle();
  assert.deepEqual(kernel(nl), ['inet 1000 to 198.51.100.53/32 -> 1000', 'inet 1000 to 203.0.113.53/32 -> 1001']);
  // A renew with another server: the old rule goes by its own selectors, the other link's stays.
  r.setDesired(planDnsRules(links(['198.51.100.54']), CFG, ['ipv4']), ['ipv4']);
  await r.idle();
  assert.deepEqual(kernel(nl), ['inet 1000 to 198.51.100.54/32 -> 1000', 'inet 1000 to 198.51.100.53/32 -> 1001',
    'inet 1000 to 203.0.113.53/32 -> 1001'].sort(), 'the server fiber gave up is cable\'s now');
  r.stop();
  // A restart: a new reconciler sees the kernel's rules of our protocol and adds none twice.
  const again = reconciler(nl);
  again.verify(await nl.dump(), CFG.routeProtocol);
  again.setDesired(planDnsRules(links(['198.51.100.54']), CFG, ['ipv4']), ['ipv4']);
  await again.idle();
  // (The kernel answers a second add of a rule with EEXIST, NLM_F_EXCL; the adapter takes that as done.)
  assert.equal(kernel(nl).length, 3, 'no duplicates');
  again.stop();
  await again.removeOwned();
  assert.deepEqual(kernel(nl), [], 'stop removes them');
});
