// The daemon's wiring of policy rules and reply routing (issue 22) with an in-memory kernel on fake
// time: the rules' tables follow the failover in the same reconciler pass as the main route, a
// standby link failing moves the rules that use it although the main route stays, reply rules follow
// a link's address, the status tells where each rule goes, and stop removes all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import { buildPolicyRules } from '../../../src/config/policy-rules.js';
import type { Config } from '../../../src/config/types.js';
import type { EventOf } from '../../../src/bus/events.js';
import { FakeClock } from '../fake-clock.js';
import { address, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig, twoWanNetlink } from './fakes.js';

const PROTO = 201;

function config(): Config {
  const base = testConfig({ routeProtocol: PROTO, replyRouting: true, policyRulePriority: 2000 });
  const { rules, problems } = buildPolicyRules([
    { name: 'voip', match: { src: '100.64.100.50/32', proto: 'udp', dport: '5060-5061' }, links: ['secondary', 'primary'] },
    { name: 'iptv', match: { iif: 'lan0' }, links: ['primary'], fallback: 'blackhole' },
  ], base.links);
  assert.deepEqual(problems, []);
  return { ...base, policyRules: rules };
}

async function setup() {
  const clock = new FakeClock();
  const nl = twoWanNetlink();
  const probers = new ScriptedProbers();
  const daemon = new Daemon({ config: config(), netlink: nl, newProber: probers.factory, clock, log: new MemoryLog(),
    host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  await daemon.start();
  await clock.advanceAsync(1000);
  return { clock, nl, probers, daemon };
}

/** Table -> where its default route goes: the oif, or blackhole. */
const tables = (nl: MemoryNetlink): Record<number, string> => Object.fromEntries(nl.routes.filter((r) => r.protocol === PROTO && r.table >= 2000)
  .map((r) => [r.table, r.type === 6 ? 'blackhole' : `oif ${r.oif}`]));
const policyRules = (nl: MemoryNetlink): string[] => nl.rules.filter((r) => r.priority !== null && r.priority >= 2000)
  .map((r) => `${r.priority} ${r.table} ${r.src ?? ''}${r.iifname ?? ''}`).sort();
const replyRules = (nl: MemoryNetlink): string[] => nl.rules.filter((r) => r.priority === 1000 && r.src !== null).map((r) => `${r.src} ${r.table}`).sort();

test('rules with their tables and reply rules are installed; the status says where each rule goes', async () => {
  const { nl, daemon } = await setup();
  assert.deepEqual(policyRules(nl), ['2000 2000 100.64.100.50', '2001 2001 lan0']);
  assert.deepEqual(tables(nl), { 2000: 'oif 12', 2001: 'oif 11' });
  assert.deepEqual(replyRules(nl), ['100.64.1.2 1000', '100.64.2.2 1001']);
  assert.deepEqual(daemon.status().rules, [
    { name: 'voip', family: 'ipv4', link: 'secondary', state: 'preferred' },
    { name: 'iptv', family: 'ipv4', link: 'primary', state: 'preferred' },
  ]);
  await daemon.stop();
});

test('the primary fails: the main route and the rules move in the same turn; the blackhole rule drops', async () => {
  const { nl, daemon, probers, clock } = await setup();
  const moves: EventOf<'rule-moved'>[] = [];
  daemon.bus.onKind('rule-moved', (e) => moves.push(e));
  const before = nl.ops.length;
  probers.healthy.set('primary', false);
  const replaces = (): number[] => nl.ops.slice(before).filter((o) => o.op === 'replace').map((o) => (o.op === 'replace' ? o.spec.table : 0))
    .sort((x, y) => x - y);
  // Round by round: before the switch neither has moved; in the round of the switch both have.
  for (let i = 0; i < 3; i++) {
    await clock.advanceAsync(1000);
    assert.ok(replaces().length === 0 || replaces().length === 2, `round ${i + 1}: ${JSON.stringify(replaces())}`);
  }
  assert.deepEqual(replaces(), [254, 2001], 'one replace of the main route and one of iptv\'s table, nothing else');
  assert.deepEqual(tables(nl), { 2000: 'oif 12', 2001: 'blackhole' });
  assert.deepEqual(daemon.status().rules?.map((r) => `${r.name}:${r.link}:${r.state}`), ['voip:secondary:preferred', 'iptv:null:blackhole']);
  assert.deepEqual(moves.map((m) => `${m.rule} ${m.family} ${m.from}->${m.to} ${m.state}`), ['iptv ipv4 primary->null blackhole'],
    'one rule-moved event: the rule that moved (none at start)');
  await daemon.stop();
});

test('a standby link failing moves the rules that use it, although the main route stays', async () => {
  const { nl, daemon, probers, clock } = await setup();
  probers.healthy.set('secondary', false);
  await clock.advanceAsync(3000);
  assert.equal(daemon.status().active, 'primary');
  assert.deepEqual(tables(nl), { 2000: 'oif 11', 2001: 'oif 11' }, 'voip on its next listed link');
  assert.equal(daemon.status().rules?.[0]?.state, 'fallback');
  await daemon.stop();
});

test('a new address moves its reply rule; stop removes rules, tables and reply rules', async () => {
  const { nl, daemon, clock } = await setup();
  nl.addresses = [address(11, '100.64.1.2'), address(12, '100.64.2.9')];
  nl.emit({ kind: 'address', op: 'del', address: address(12, '100.64.2.2') });
  nl.emit({ kind: 'address', op: 'new', address: address(12, '100.64.2.9') });
  await clock.advanceAsync(100);
  assert.deepEqual(replyRules(nl), ['100.64.1.2 1000', '100.64.2.9 1001']);
  await daemon.stop();
  assert.deepEqual(policyRules(nl), []);
  assert.deepEqual(replyRules(nl), []);
  assert.deepEqual(tables(nl), {});
});
