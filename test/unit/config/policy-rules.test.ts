// The rules: section (issue 22): every match key parsed into kernel-ready values, families from the
// prefixes, bad input named by rule and key, and an old config without it unchanged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig, parseConfigReport } from '../../../src/config/load.js';
import { planReload } from '../../../src/config/reload.js';
import { configProblems, fixture, keysOf } from './helpers.js';

const KEY = `api_key: ${'k'.repeat(32)}\n`;
const LINKS = `links:
  - {name: fiber, interface: eth0}
  - {name: cable, interface: eth1}
  - {name: dsl, interface: eth2}
`;
const parse = (rules: string, extra = ''): ReturnType<typeof parseConfig> => parseConfig(`${KEY}${LINKS}${extra}rules:\n${rules}`, '/etc/x.yaml');
const problemsOf = (rules: string, extra = ''): ReturnType<typeof configProblems>['problems'] => configProblems(() => parse(rules, extra)).problems;

describe('rules: policy routing config', () => {
  it('an old config has no rules and the default policy_rule_priority', () => {
    const c = parseConfig(readFileSync(fixture('seed.yaml'), 'utf8'), 'seed.yaml');
    assert.equal(c.policyRules, undefined);
    assert.equal(c.policyRulePriority, 2000);
  });

  it('parses every match key into kernel values, in config order', () => {
    const c = parse(`  - name: voip
    match: {src: 192.168.1.50/32, proto: udp, dport: 5060-5061, sport: 5060}
    links: [cable, fiber]
  - name: iptv
    match: {iif: br-iptv}
    links: [fiber]
    fallback: blackhole
  - name: office
    match: {dst: "2001:db8:1::/48", uid: 1000-1999, fwmark: "0x100/0xf00"}
    links: {tier: 2}
  - name: marked
    match: {fwmark: 7, proto: icmp}
    links: [dsl]
`);
    const r = c.policyRules!;
    assert.deepEqual(r.map((x) => x.name), ['voip', 'iptv', 'office', 'marked']);
    assert.deepEqual(r[0]!.match, { src: { family: 'ipv4', address: '192.168.1.50', length: 32 }, proto: 17,
      sport: { start: 5060, end: 5060 }, dport: { start: 5060, end: 5061 } });
    assert.deepEqual(r[0]!.links, { kind: 'ordered', names: ['cable', 'fiber'] });
    assert.equal(r[0]!.fallback, 'balance');
    assert.deepEqual(r[0]!.families, ['ipv4']);
    assert.deepEqual(r[1]!.families, ['ipv4', 'ipv6'], 'no prefix: both families');
    assert.equal(r[1]!.fallback, 'blackhole');
    assert.deepEqual(r[2]!.match, { dst: { family: 'ipv6', address: '2001:db8:1::', length: 48 }, uid: { start: 1000, end: 1999 },
      fwmark: { value: 0x100, mask: 0xf00 } });
    assert.deepEqual(r[2]!.links, { kind: 'tier', tier: 2 });
    assert.deepEqual(r[2]!.families, ['ipv6']);
    assert.deepEqual(r[3]!.match.fwmark, { value: 7, mask: 0xffffffff });
    assert.deepEqual(r[3]!.families, ['ipv4'], 'icmp is IPv4');
  });

  it('names the rule and the key of each mistake', () => {
    const problems = problemsOf(`  - name: a
    match: {src: 192.168.1.50/24}
    links: [nope]
  - name: b
    match: {proto: udp, dport: 70000}
    links: [fiber]
  - name: c
    match: {proto: icmp, dport: 80}
    links: [fiber]
  - name: a
    match: {sport: 1}
    links: [fiber]
    fallback: drop
  - name: e
    match: {dprot: 80}
    links: {tier: 9}
`);
    const keys = keysOf(problems);
    for (const k of ['rules[a].match.src', 'rules[a].links[0]', 'rules[b].match.dport', 'rules[c].match.dport', 'rules[a].name',
      'rules[a].match.sport', 'rules[a].fallback', 'rules[e].match.dprot', 'rules[e].links.tier']) {
      assert.ok(keys.includes(k), `${k} in ${keys.join(', ')}`);
    }
    const byKey = (k: string): string => problems.find((p) => p.key === k)!.expected;
    assert.match(byKey('rules[a].match.src'), /host bits zero \(192\.168\.1\.0\/24\)/);
    assert.match(byKey('rules[a].links[0]'), /configured link \(fiber, cable, dsl\)/);
    assert.match(byKey('rules[b].match.dport'), /port from 1 to 65535/);
    assert.match(byKey('rules[c].match.dport'), /protocol that has ports/);
    assert.match(byKey('rules[a].name'), /no other rule/);
  });

  it('more mistakes: empty match, mixed families, reversed range, bad mark, bad iif', () => {
    const keys = keysOf(problemsOf(`  - {name: a, match: {}, links: [fiber]}
  - {name: b, match: {src: 10.0.0.0/8, dst: "2001:db8::/32"}, links: [fiber]}
  - {name: c, match: {proto: tcp, dport: 90-80}, links: [fiber]}
  - {name: d, match: {fwmark: "0x1ff/0xf0"}, links: [fiber]}
  - {name: e, match: {iif: "br lan"}, links: []}
`));
    assert.deepEqual(keys.sort(), ['rules[a].match', 'rules[b].match.dst', 'rules[c].match.dport', 'rules[d].match.fwmark',
      'rules[e].links', 'rules[e].match.iif']);
  });

  it('policy_rule_priority must sit above rule_priority and its tables must be free', () => {
    const rule = '  - {name: a, match: {iif: br0}, links: [fiber]}\n';
    assert.deepEqual(keysOf(problemsOf(rule, 'policy_rule_priority: 900\n')), ['policy_rule_priority']);
    assert.deepEqual(keysOf(problemsOf(rule, 'policy_rule_priority: 1001\n')), ['policy_rule_priority'], 'table 1001 is the second link\'s');
    assert.equal(parse(rule, 'policy_rule_priority: 3000\n').policyRulePriority, 3000);
  });

  it('an IPv6-only rule without IPv6 targets is a warning naming the rule', () => {
    const r = parseConfigReport(`${KEY}${LINKS}rules:\n  - {name: v6, match: {dst: "2001:db8::/32"}, links: [fiber]}\n`, '/etc/x.yaml');
    assert.deepEqual(r.warnings.filter((w) => w.key.startsWith('rules')).map((w) => w.key), ['rules[v6]']);
    const with6 = parseConfigReport(`${KEY}${LINKS}ping_targets: [198.51.100.7, "2001:db8::7"]\nrules:\n  - {name: v6, match: {dst: "2001:db8::/32"}, links: [fiber]}\n`, '/etc/x.yaml');
    assert.deepEqual(with6.warnings.filter((w) => w.key.startsWith('rules')), []);
  });

  it('SIGHUP applies rules, policy_rule_priority and reply_routing in place', () => {
    const a = parse('  - {name: a, match: {iif: br0}, links: [fiber]}\n');
    const b = parse('  - {name: a, match: {iif: br1}, links: [cable]}\n  - {name: b, match: {uid: 7}, links: [dsl]}\n',
      'policy_rule_priority: 2100\nreply_routing: false\n');
    const plan = planReload(a, b);
    assert.deepEqual(plan.changed.sort(), ['policy_rule_priority', 'reply_routing', 'rules']);
    assert.deepEqual(plan.needRestart, []);
    assert.deepEqual(plan.applied.policyRules?.map((r) => r.name), ['a', 'b']);
  });

  it('a reload whose rules need a link that only a restart brings keeps the running rules until then', () => {
    const a = parse('  - {name: a, match: {iif: br0}, links: [fiber]}\n');
    const more = parseConfig(`${KEY}${LINKS}  - {name: lte, interface: wwan0}\nrules:\n  - {name: a, match: {iif: br0}, links: [lte]}\n`, '/etc/x.yaml');
    const plan = planReload(a, more);
    assert.deepEqual(plan.needRestart.sort(), ['links', 'rules']);
    assert.deepEqual(plan.applied.policyRules, a.policyRules);
  });
});
