// The policy rules' kernel objects (issue 22): per rule and family a FIB rule with exactly its
// selectors at policy_rule_priority + its position, its table's route via the carrying link, a
// blackhole, or none (balance: the lookup goes on to main); through the reconciler a reload adds,
// changes and removes them in place, a restart adds no duplicate, and the rules the kernel itself
// dumped (fixtures/netlink/capture-rules.json) are recognised as the planned ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildPolicyRules, type PolicyRuleConfig } from '../../../src/config/policy-rules.js';
import { parseRtMessage } from '../../../src/netlink/adapter.js';
import { decodeRoute, decodeRule } from '../../../src/netlink/decode.js';
import type { NetlinkSnapshot, RouteEntry, RuleEntry } from '../../../src/netlink/types.js';
import type { RuleChoice } from '../../../src/policy/rule-choice.js';
import type { KernelObject, PlannedLink } from '../../../src/routes/desired.js';
import { ROUTE_KIND, RULE_KIND } from '../../../src/routes/object-kinds.js';
import { planPolicyRules, policyRuleSpec, ruleGroupId, type RuleDecision } from '../../../src/routes/policy-rules-plan.js';
import { Reconciler } from '../../../src/routes/reconciler.js';
import { FakeClock } from '../fake-clock.js';
import { MemoryLog, MemoryNetlink } from '../engine/fakes.js';

const PROTO = 201;
const links: PlannedLink[] = [
  { name: 'fiber', iface: 'wan0', ifindex: 10, table: 1000, gateways: { ipv4: '198.51.100.1', ipv6: 'fe80::1' } },
  { name: 'cable', iface: 'wan1', ifindex: 11, table: 1001, gateways: { ipv4: '203.0.113.1', ipv6: 'fe80::2' } },
];
const CFG = { routeProtocol: PROTO, policyRulePriority: 2000 };
const BALANCE = { buckets: 64, idleTimerS: 120, unbalancedTimerS: 0 };

function rules(yaml: unknown[]): PolicyRuleConfig[] {
  const r = buildPolicyRules(yaml, [{ name: 'fiber', tier: 1 }, { name: 'cable', tier: 1 }]);
  assert.deepEqual(r.problems, []);
  return r.rules;
}
const RULES = rules([
  { name: 'voip', match: { src: '198.51.100.50/32', proto: 'udp', sport: 5060, dport: '5060-5061' }, links: ['cable', 'fiber'] },
  { name: 'iptv', match: { iif: 'lan0', dst: '203.0.113.0/24', uid: '1000-1999', fwmark: '0x100/0xf00' }, links: ['fiber'], fallback: 'blackhole' },
  { name: 'web6', match: { dst: '2001:db8:2::/48', proto: 'tcp', dport: 443 }, links: { tier: 1 } },
]);
const via = (link: string): RuleChoice => ({ state: 'preferred', carriers: [{ link, weight: 1 }] });
const decide = (choices: RuleChoice[]): RuleDecision[] =>
  RULES.flatMap((rule, index) => rule.families.map((family) => ({ rule, index, family, choice: choices[index]! })));
const describe = (objs: KernelObject[]): string[] => objs.map((o) => (o.kind === 'route'
  ? `route ${o.family} ${o.spec.table} ${o.spec.blackhole ? 'blackhole' : o.spec.nhid !== undefined ? `nhid ${o.spec.nhid}` : `via ${o.spec.gateway} oif ${o.spec.oif}`}`
  : o.kind === 'rule' ? `rule ${o.family} ${o.spec.priority} -> ${o.spec.table}` : `${o.kind} ${o.family} ${JSON.stringify(o.spec.id)}`));

test('each rule: its table route first, then its FIB rule with exactly its selectors, at base + position', () => {
  const objs = planPolicyRules(decide([via('cable'), via('fiber'), { state: 'preferred', carriers: [{ link: 'fiber', weight: 2 }, { link: 'cable', weight: 1 }] }]),
    links, CFG, BALANCE);
  assert.deepEqual(describe(objs), [
    'route ipv4 2000 via 203.0.113.1 oif 11', 'rule ipv4 2000 -> 2000',
    'route ipv4 2001 via 198.51.100.1 oif 10', 'rule ipv4 2001 -> 2001',
    `group ipv6 ${ruleGroupId(PROTO, 2, 'ipv6')}`, `route ipv6 2002 nhid ${ruleGroupId(PROTO, 2, 'ipv6')}`, 'rule ipv6 2002 -> 2002',
  ]);
  assert.deepEqual(policyRuleSpec(RULES[0]!, 0, 'ipv4', 2000, PROTO), { family: 'inet', priority: 2000, table: 2000, protocol: PROTO,
    src: '198.51.100.50', srcLength: 32, ipProto: 17, sport: { start: 5060, end: 5060 }, dport: { start: 5060, end: 5061 } });
  assert.deepEqual(policyRuleSpec(RULES[1]!, 1, 'ipv4', 2000, PROTO), { family: 'inet', priority: 2001, table: 2001, protocol: PROTO,
    dst: '203.0.113.0', dstLength: 24, iifname: 'lan0', fwmark: 0x100, fwmask: 0xf00, uid: { start: 1000, end: 1999 } });
});

test('fallback: balance has no route of its own (lookup goes on to main); blackhole drops, also while its link has no gateway', () => {
  const objs = planPolicyRules(decide([{ state: 'fallback', carriers: [] }, { state: 'blackhole', carriers: [] }, { state: 'fallback', carriers: [] }]),
    links, CFG, null);
  assert.deepEqual(describe(objs), ['rule ipv4 2000 -> 2000', 'route ipv4 2001 blackhole', 'rule ipv4 2001 -> 2001',
    'rule ipv6 2002 -> 2002']);
  const gone = links.map((l) => ({ ...l, gateways: { ipv4: null, ipv6: null } }));
  assert.ok(describe(planPolicyRules(decide([via('cable'), via('fiber'), via('fiber')]), gone, CFG, null)).includes('route ipv4 2001 blackhole'));
});

function reconciler(nl: MemoryNetlink): Reconciler {
  return new Reconciler(nl, new FakeClock(), new MemoryLog(), { applied: () => undefined, failed: () => undefined });
}
const ruleText = (nl: MemoryNetlink): string[] => nl.rules.map((r) => `${r.family} ${r.priority} ${r.table} ${r.src ?? ''}${r.iifname ?? ''}${r.dst ?? ''}`).sort();
const routeText = (nl: MemoryNetlink): string[] => nl.routes.map((r) => `${r.family} ${r.table} ${r.type === 6 ? 'blackhole' : r.gateway}`).sort();

test('through the reconciler: a move is one route replace; a reload changes and removes rules; a restart adds no duplicate; stop removes them', async () => {
  const nl = new MemoryNetlink();
  const r = reconciler(nl);
  r.setDesired(planPolicyRules(decide([via('cable'), via('fiber'), via('fiber')]), links, CFG, null), ['ipv4', 'ipv6']);
  await r.idle();
  assert.equal(nl.rules.length, 3);
  // cable fails: voip moves by one replace of its table's route; no rule changes.
  const before = nl.ops.length;
  r.setDesired(planPolicyRules(decide([via('fiber'), via('fiber'), via('fiber')]), links, CFG, null), ['ipv4', 'ipv6']);
  await r.idle();
  assert.deepEqual(nl.ops.slice(before).map((o) => o.op), ['replace']);
  assert.ok(routeText(nl).includes('inet 2000 198.51.100.1'));
  // A reload: voip's match changes, iptv is removed, web6 moves to position 1 (priority and table 2001).
  const reloaded = rules([
    { name: 'voip', match: { src: '198.51.100.60/32' }, links: ['cable'] },
    { name: 'web6', match: { dst: '2001:db8:2::/48', proto: 'tcp', dport: 443 }, links: ['fiber'] },
  ]);
  const next = reloaded.flatMap((rule, index) => rule.families.map((family) => ({ rule, index, family, choice: via(index === 0 ? 'cable' : 'fiber') })));
  r.setDesired(planPolicyRules(next, links, CFG, null), ['ipv4', 'ipv6']);
  await r.idle();
  assert.deepEqual(ruleText(nl), ['inet 2000 2000 198.51.100.60', 'inet6 2001 2001 2001:db8:2::']);
  assert.deepEqual(routeText(nl), ['inet 2000 203.0.113.1', 'inet6 2001 fe80::1']);
  // A restart: a new reconciler over the kernel's dump adds nothing twice and sweeps nothing wanted.
  const r2 = reconciler(nl);
  r2.verify(await nl.dump(), PROTO);
  r2.setDesired(planPolicyRules(next, links, CFG, null), ['ipv4', 'ipv6']);
  await r2.idle();
  assert.deepEqual(ruleText(nl), ['inet 2000 2000 198.51.100.60', 'inet6 2001 2001 2001:db8:2::']);
  assert.deepEqual(r2.strayIdentities(), []);
  await r2.removeOwned();
  assert.deepEqual(nl.rules, []);
  assert.deepEqual(nl.routes, []);
});

test('the kernel\'s own dump of such rules (captured) is recognised as the planned rules, and as ours to sweep', () => {
  const doc = JSON.parse(readFileSync(new URL('../../../../fixtures/netlink/capture-rules.json', import.meta.url), 'utf8')) as
    { messages: { step: string; type: number; hex: string }[] };
  const rulesDumped: RuleEntry[] = [];
  const routes: RouteEntry[] = [];
  for (const m of doc.messages.filter((x) => x.step === 'codec-create')) {
    const w = parseRtMessage(m.type, Buffer.from(m.hex, 'hex'));
    if (w.kind === 'rule') rulesDumped.push(decodeRule(w)!);
    if (w.kind === 'route') routes.push(decodeRoute(w)!);
  }
  const snap: NetlinkSnapshot = { links: [], addresses: [], routes, rules: rulesDumped };
  // iproute2 made 2000-2002 and the project's requests 2010-2012, each with the selectors of the three rules here.
  const owned = new Set(RULE_KIND.owned(snap, PROTO).map((s) => s.identity));
  for (const base of [2000, 2010]) {
    const planned = planPolicyRules(decide([via('cable'), { state: 'blackhole', carriers: [] }, via('fiber')]), links, { ...CFG, policyRulePriority: base }, null)
      .filter((o): o is Extract<KernelObject, { kind: 'rule' }> => o.kind === 'rule');
    assert.equal(planned.length, 3);
    for (const o of planned) {
      assert.ok(RULE_KIND.inDump(snap, o, PROTO), `${o.key} is in the kernel's dump`);
      assert.ok(owned.has(RULE_KIND.identity(o)), `${o.key}: the sweep names it by the same identity`);
    }
  }
  assert.equal(owned.size, 6);
  // The codec's blackhole routes, as the kernel dumps them (IPv6 via lo).
  const bh = { key: 'x', kind: 'route' as const, role: 'policy' as const, family: 'ipv4' as const, link: '',
    spec: { table: 2010, gateway: '', oif: 0, metric: 0, protocol: PROTO, blackhole: true as const } };
  assert.ok(ROUTE_KIND.inDump(snap, bh, PROTO));
  assert.ok(ROUTE_KIND.inDump(snap, { ...bh, family: 'ipv6', spec: { ...bh.spec, family: 'inet6', table: 2012, metric: 1 } }, PROTO));
  assert.ok(!ROUTE_KIND.inDump(snap, { ...bh, spec: { ...bh.spec, blackhole: undefined as never, gateway: '198.51.100.1', oif: 3 } }, PROTO));
});
