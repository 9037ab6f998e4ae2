// Wiring (no decision of its own): the running config's policy rules and each family's policy state
// go to the pure rule choice (src/policy/rule-choice.ts), once per plan, so the rules follow the
// links in the same turn as the main route.
import type { AddressFamily } from '../bus/events.js';
import type { PolicyRuleConfig } from '../config/policy-rules.js';
import { chooseRuleLinks, type RuleLinkView } from '../policy/rule-choice.js';
import type { PolicyState } from '../policy/types.js';
import type { RuleDecision } from '../routes/policy-rules-plan.js';
import type { RuleStatus } from './types.js';

export interface RuleDecisionInputs {
  rules: readonly PolicyRuleConfig[];
  families: readonly AddressFamily[];
  policy(family: AddressFamily): PolicyState | undefined;
  routable(link: string, family: AddressFamily): boolean;
  places: ReadonlyArray<{ name: string; tier: number; weight: number }>;
}

export function ruleDecisions(inp: RuleDecisionInputs): RuleDecision[] {
  const out: RuleDecision[] = [];
  for (const family of inp.families) {
    const p = inp.policy(family);
    if (!p) continue;
    const views: RuleLinkView[] = p.links.map((l) => {
      const place = inp.places.find((x) => x.name === l.name);
      return { name: l.name, health: l.health, routable: inp.routable(l.name, family), tier: place?.tier ?? 1, weight: place?.weight ?? 1 };
    });
    inp.rules.forEach((rule, index) => {
      if (!rule.families.includes(family)) return;
      out.push({ rule, index, family, choice: chooseRuleLinks(rule, views) });
    });
  }
  return out;
}

/** The status of each rule (config order): its first family's decision, IPv6's beside it when it has both. */
export function ruleStatuses(rules: readonly PolicyRuleConfig[], decisions: readonly RuleDecision[],
  mainLink: (family: AddressFamily) => string | null): RuleStatus[] {
  const of = (d: RuleDecision): { link: string | null; state: RuleStatus['state'] } => ({
    link: d.choice.carriers[0]?.link ?? (d.choice.state === 'blackhole' ? null : mainLink(d.family)), state: d.choice.state });
  return rules.flatMap((rule) => {
    const mine = decisions.filter((d) => d.rule === rule);
    const first = mine[0];
    if (!first) return [];
    const v6 = mine.find((d) => d.family === 'ipv6');
    return [{ name: rule.name, family: first.family, ...of(first), ...(v6 && v6 !== first ? { ipv6: of(v6) } : {}) }];
  });
}

/** A rule whose traffic goes elsewhere than at the last plan (the first plan moves nothing). */
export interface RuleMove { rule: string; family: AddressFamily; from: string | null; to: string | null; state: RuleStatus['state'] }

/** Remembers each rule's link per family between plans and says which moved. */
export class RuleMoves {
  private last = new Map<string, { link: string | null; state: RuleStatus['state'] }>();

  next(decisions: readonly RuleDecision[]): RuleMove[] {
    const now = new Map(decisions.map((d) => [`${d.rule.name}|${d.family}`, { link: d.choice.carriers[0]?.link ?? null, state: d.choice.state }]));
    const moves: RuleMove[] = [];
    for (const d of decisions) {
      const key = `${d.rule.name}|${d.family}`;
      const before = this.last.get(key);
      const after = now.get(key)!;
      if (before && (before.link !== after.link || before.state !== after.state)) {
        moves.push({ rule: d.rule.name, family: d.family, from: before.link, to: after.link, state: after.state });
      }
    }
    this.last = now;
    return moves;
  }
}
