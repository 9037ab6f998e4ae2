// The planner of the policy rules (pure, issue 22): each rule of `rules:` becomes, per family, a FIB
// rule `<its selectors> lookup <its table>` at policy_rule_priority + its position, tagged with the
// daemon's protocol, and its table's default route: via its carrying link (a tier of two or more:
// the rule's own resilient group of the links' nexthop objects), a blackhole (fallback: blackhole),
// or none (fallback: balance: the lookup finds nothing in the rule's table and goes on to the next
// rules, down to main and the daemon's default route). The route comes before the rule in the list,
// so a new rule never sees an empty table (a blackhole rule never leaks while it is being set up).
import type { AddressFamily } from '../bus/events.js';
import { ruleSlot, type PolicyRuleConfig } from '../config/policy-rules.js';
import type { RuleSpec } from '../netlink/types.js';
import type { RuleChoice } from '../policy/rule-choice.js';
import { nexthopId, type KernelObject, type PlanBalance, type PlannedLink } from './desired.js';
import { LINK_TABLE_METRIC } from './plan.js';
import { kernelFamily } from '../family.js';

/** One rule's decision in one family (src/policy/rule-choice.ts). */
export interface RuleDecision {
  rule: PolicyRuleConfig;
  /** Position in `rules:` (its priority and table follow from it). */
  index: number;
  family: AddressFamily;
  choice: RuleChoice;
}

export interface RulePlanConfig {
  routeProtocol: number;
  policyRulePriority: number;
}

/** A rule's group: its own id range inside the daemon's protocol << 16 (links use the bottom, the main groups 0xff00). */
export const ruleGroupId = (protocol: number, index: number, family: AddressFamily): number =>
  protocol * 0x10000 + 0x8000 + 2 * index + (family === 'ipv6' ? 1 : 0);

/** The FIB rule of one rule in one family: only the selectors it has, so its request names nothing else. */
export function policyRuleSpec(rule: PolicyRuleConfig, index: number, family: AddressFamily, base: number, protocol: number): RuleSpec {
  const { priority, table } = ruleSlot(base, index);
  const m = rule.match;
  return {
    family: kernelFamily(family), priority, table, protocol,
    ...(m.src ? { src: m.src.address, srcLength: m.src.length } : {}),
    ...(m.dst ? { dst: m.dst.address, dstLength: m.dst.length } : {}),
    ...(m.iif ? { iifname: m.iif } : {}),
    ...(m.fwmark ? { fwmark: m.fwmark.value, fwmask: m.fwmark.mask } : {}),
    ...(m.proto ? { ipProto: m.proto } : {}),
    ...(m.sport ? { sport: m.sport } : {}),
    ...(m.dport ? { dport: m.dport } : {}),
    ...(m.uid ? { uid: m.uid } : {}),
  };
}

export function planPolicyRules(decisions: readonly RuleDecision[], links: readonly PlannedLink[], cfg: RulePlanConfig,
  balance: PlanBalance): KernelObject[] {
  const out: KernelObject[] = [];
  for (const d of decisions) {
    const { family, rule, index, choice } = d;
    const spec = policyRuleSpec(rule, index, family, cfg.policyRulePriority, cfg.routeProtocol);
    const table = spec.table;
    const metric = LINK_TABLE_METRIC[family];
    const base = { table, metric, protocol: cfg.routeProtocol, ...(family === 'ipv6' ? { family: 'inet6' as const } : {}) };
    const routeKey = `route/${family}/policy/${table}`;
    const carriers = choice.carriers.flatMap((c) => {
      const i = links.findIndex((l) => l.name === c.link);
      const l = links[i];
      return l && l.ifindex !== null && l.gateways[family] !== null ? [{ ...c, i, ifindex: l.ifindex, gateway: l.gateways[family]! }] : [];
    });
    const lead = carriers[0];
    if (carriers.length > 1 && balance) {
      const id = ruleGroupId(cfg.routeProtocol, index, family);
      out.push({ key: `group/${family}/policy/${table}`, kind: 'group', role: 'policy', family, link: lead!.link,
        carriers: carriers.map((c) => ({ link: c.link, weight: c.weight })),
        spec: { id, protocol: cfg.routeProtocol, members: carriers.map((c) => ({ id: nexthopId(cfg.routeProtocol, c.i, family), weight: c.weight })), ...balance } });
      out.push({ key: routeKey, kind: 'route', role: 'policy', family, link: lead!.link, spec: { ...base, gateway: '', oif: 0, nhid: id } });
    } else if (lead) {
      out.push({ key: routeKey, kind: 'route', role: 'policy', family, link: lead.link, spec: { ...base, gateway: lead.gateway, oif: lead.ifindex } });
    } else if (rule.fallback === 'blackhole') {
      // Also when the chosen link just lost its gateway: a blackhole rule never falls through.
      out.push({ key: routeKey, kind: 'route', role: 'policy', family, link: '', spec: { ...base, gateway: '', oif: 0, blackhole: true } });
    }
    // The key holds the selectors: a rule changed by a reload is a new rule, and the old one goes.
    out.push({ key: `rule/${family}/policy/${JSON.stringify(spec)}`, kind: 'rule', role: 'policy', family, link: rule.name, spec });
  }
  return out;
}
