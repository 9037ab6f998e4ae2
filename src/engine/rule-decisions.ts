// Wiring (no decision of its own): the running config's policy rules and each family's policy state
// go to the pure rule choice (src/policy/rule-choice.ts), once per plan, so the rules follow the
// links in the same turn as the main route.
import type { AddressFamily } from '../bus/events.js';
import type { PolicyRuleConfig } from '../config/policy-rules.js';
import { chooseRuleLinks, type RuleLinkView } from '../policy/rule-choice.js';
import type { PolicyState } from '../policy/types.js';
import type { RuleDecision } from '../routes/policy-rules-plan.js';

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
