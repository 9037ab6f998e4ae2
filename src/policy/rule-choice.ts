// The policy rules' half of the decision (pure, issue 22): per rule and family, which links carry
// its traffic. It reads the same link decisions the failover policy just made (step.ts), so a rule
// moves in the same turn as the main route: no timer or hysteresis of its own.
// Ordered links: the first listed link that is up carries (a degraded one only when no listed link
// is up; an unjudged one only when none is judged good: at start the preferred link is not passed
// over before its first probe round). A tier: its up links, by weight (the planner balances them).
// Nothing left: `fallback` says what happens: balance = no route of the rule's own (its lookup goes on
// to the main table's default route), blackhole = its traffic is dropped rather than leak elsewhere.
import type { Health } from './types.js';

/** What a rule decision reads of one link in one family. */
export interface RuleLinkView {
  name: string;
  health: Health;
  /** The kernel can route through it in this family (an interface and a gateway). */
  routable: boolean;
  tier: number;
  weight: number;
}

export type RuleChoiceLinks = { kind: 'ordered'; names: readonly string[] } | { kind: 'tier'; tier: number };

export interface RuleChoiceInput {
  links: RuleChoiceLinks;
  fallback: 'balance' | 'blackhole';
}

/**
 * preferred: the rule's first link (or its tier) carries it; fallback: a later listed link does, or
 * (carriers []) the main default route; blackhole: its table drops.
 */
export type RuleState = 'preferred' | 'fallback' | 'blackhole';

export interface RuleChoice {
  state: RuleState;
  /** The carrying links with their weights, in preference order; [] = none of the rule's links. */
  carriers: Array<{ link: string; weight: number }>;
}

const RANK: Readonly<Record<Health, number>> = { up: 0, degraded: 1, unknown: 2, down: 3 };

export function chooseRuleLinks(rule: RuleChoiceInput, links: readonly RuleLinkView[]): RuleChoice {
  const usable = (l: RuleLinkView | undefined): l is RuleLinkView => l !== undefined && l.routable && l.health !== 'down';
  if (rule.links.kind === 'tier') {
    const tier = rule.links.tier;
    const members = links.filter((l) => l.tier === tier && usable(l));
    const best = Math.min(...members.map((l) => RANK[l.health]));
    // Like failover: the tier's up links carry; degraded or unjudged ones only when none is up.
    const carrying = members.filter((l) => RANK[l.health] === best);
    if (carrying.length > 0) return { state: 'preferred', carriers: carrying.map((l) => ({ link: l.name, weight: l.weight })) };
    return { state: rule.fallback === 'blackhole' ? 'blackhole' : 'fallback', carriers: [] };
  }
  const listed = rule.links.names.map((n) => links.find((l) => l.name === n)).filter(usable);
  let pick: RuleLinkView | null = null;
  for (const l of listed) if (pick === null || RANK[l.health] < RANK[pick.health]) pick = l;
  if (pick !== null) {
    return { state: pick.name === rule.links.names[0] ? 'preferred' : 'fallback', carriers: [{ link: pick.name, weight: 1 }] };
  }
  return { state: rule.fallback === 'blackhole' ? 'blackhole' : 'fallback', carriers: [] };
}
