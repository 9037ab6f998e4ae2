// The balancing half of the policy (pure, issue 21): with tiers, the desired state is a set of
// carrying links. The first tier with an up link carries; inside it every up link carries, and the
// planner spreads new flows by weight. A carrying link that fails leaves at once (only its own
// buckets move); a link that comes back, or a higher tier that recovers, joins only after
// recovery_threshold good rounds and min_secondary_time since it left: the failover hysteresis,
// per link. When nothing that carries can stay, the first tier with an eligible link takes over at
// once, as failover does. A manual hold carries alone. A degraded link keeps carrying unless an up
// link of its tier carries too and it has been degraded for min_secondary_time (failover's rule for
// a degraded active link, per link); it rejoins like any other once it is up again.
import type { FactsView, LinkDecision, PolicyConfig, PolicyEffect, PolicyState, SwitchReason } from './types.js';

export interface BalanceRules {
  isEligible(l: LinkDecision, facts: FactsView, nowMs: number): boolean;
  canStay(l: LinkDecision, facts: FactsView, nowMs: number): boolean;
  usable(facts: FactsView, l: LinkDecision): boolean;
}

/** True when the config's tiers balance: some tier holds two links or more. */
export function balances(cfg: PolicyConfig): boolean {
  const tiers = (cfg.places ?? []).map((p) => p.tier);
  return new Set(tiers).size < tiers.length;
}

const tierOf = (cfg: PolicyConfig, name: string): number => cfg.places?.find((p) => p.name === name)?.tier ?? Number.MAX_SAFE_INTEGER;
const weightOf = (cfg: PolicyConfig, name: string): number => cfg.places?.find((p) => p.name === name)?.weight ?? 1;

/** The link with the largest weight; ties go to preference order. */
export function leadLink(cfg: PolicyConfig, carrying: readonly string[]): string | null {
  let best: string | null = null;
  for (const n of carrying) if (best === null || weightOf(cfg, n) > weightOf(cfg, best)) best = n;
  return best;
}

/** Notes when a link must wait before carrying again (it went down, or stopped carrying). */
export function holdRejoin(s: PolicyState, link: string, nowMs: number): void {
  s.rejoinSinceMs = { ...(s.rejoinSinceMs ?? {}), [link]: nowMs };
}

export function decideBalanced(s: PolicyState, nowMs: number, cfg: PolicyConfig, facts: FactsView, rules: BalanceRules,
  effects: PolicyEffect[]): void {
  const carrying = s.carrying ?? [];
  const byName = (n: string): LinkDecision | undefined => s.links.find((l) => l.name === n);
  const eligible = s.links.filter((l) => rules.isEligible(l, facts, nowMs));
  const canStay = carrying.filter((n) => { const l = byName(n); return l !== undefined && rules.canStay(l, facts, nowMs); });
  const upIn = (tier: number): boolean => canStay.some((n) => tierOf(cfg, n) === tier && byName(n)!.health === 'up');
  const heldDegraded = (l: LinkDecision): boolean => l.health === 'degraded' && l.healthSinceMs !== undefined && l.healthSinceMs !== null
    && nowMs - l.healthSinceMs >= cfg.minSecondaryTimeMs;
  const staying = canStay.filter((n) => !(heldDegraded(byName(n)!) && upIn(tierOf(cfg, n))));

  if (staying.length === 0 && eligible.length === 0) {
    if (!s.allDown && s.links.every((l) => l.health === 'down' || !rules.usable(facts, l))) {
      s.allDown = true;
      effects.push({ kind: 'event', type: 'error', level: 'error', link: null, message: 'All links are down; keeping the default route where it is' });
    }
    return;
  }
  if (s.allDown && eligible.length > 0) {
    s.allDown = false;
    effects.push({ kind: 'event', type: 'recovery', level: 'info', link: null,
      message: `Connectivity is back on ${eligible.map((l) => l.label).join(', ')}` });
  }
  if (!s.auto) return;
  if (s.manualHold !== null) {
    setCarrying(s, [s.manualHold], 'manual switch', 'manual', nowMs, cfg, effects);
    return;
  }

  // Nothing that carries can stay: the first tier with an eligible link takes over now.
  const takeOver = staying.length === 0;
  const mayJoin = (l: LinkDecision): boolean => {
    if (!rules.isEligible(l, facts, nowMs)) return false;
    if (takeOver) return true;
    const since = s.rejoinSinceMs?.[l.name];
    if (since === undefined) return true;
    return l.health === 'up' && l.consecutiveSuccesses >= cfg.recoveryThreshold && nowMs - since >= cfg.minSecondaryTimeMs;
  };
  const tiers = [...new Set(s.links.map((l) => tierOf(cfg, l.name)))].sort((a, b) => a - b);
  for (const t of tiers) {
    const members = s.links.filter((l) => tierOf(cfg, l.name) === t);
    const next = members.filter((l) => (carrying.includes(l.name) ? staying.includes(l.name) : mayJoin(l))).map((l) => l.name);
    if (next.length === 0) continue;
    const cause: SwitchReason = carrying.length === 0 ? 'initial'
      : takeOver ? (carrying.some((n) => { const l = byName(n); return l !== undefined && !rules.usable(facts, l); }) ? 'carrier' : 'failover')
      : next.some((n) => !carrying.includes(n)) ? 'recovery' : 'failover';
    setCarrying(s, next, describe(s, carrying, next), cause, nowMs, cfg, effects);
    return;
  }
}

function setCarrying(s: PolicyState, next: string[], reason: string, cause: SwitchReason, nowMs: number, cfg: PolicyConfig,
  effects: PolicyEffect[]): void {
  const before = s.carrying ?? [];
  if (before.length === next.length && before.every((n, i) => n === next[i])) return;
  // A link the operator's pin took out was not failing: it may carry again as soon as auto returns.
  if (cause !== 'manual') for (const n of before) if (!next.includes(n)) holdRejoin(s, n, nowMs);
  s.carrying = next;
  effects.push({ kind: 'carrying', before, after: next, reason, cause });
  const lead = leadLink(cfg, next);
  if (lead !== null && lead !== s.active) {
    effects.push({ kind: 'switch', from: s.active, to: lead, reason, cause });
    s.active = lead;
    s.activeSinceMs = nowMs;
  }
}

function describe(s: PolicyState, before: readonly string[], after: readonly string[]): string {
  const label = (n: string): string => s.links.find((l) => l.name === n)?.label ?? n;
  const left = before.filter((n) => !after.includes(n)).map(label);
  const joined = after.filter((n) => !before.includes(n)).map(label);
  const parts = [
    ...(left.length ? [`${left.join(', ')} stopped carrying`] : []),
    ...(joined.length ? [`${joined.join(', ')} ${before.length === 0 ? 'carries' : 'joined'}`] : []),
  ];
  return `${parts.join('; ')}; carrying: ${after.map(label).join(', ')}`;
}
