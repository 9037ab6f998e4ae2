// PURE: when a metered link is probed at the standby rate (issue 24). While it carries no traffic
// and nothing suggests it may soon have to, one target every standby_probe_interval keeps its
// health known at a few MB a month. The moment the link that carries traffic shows any sign of
// trouble (a failed round, degraded, carrier or interface lost, or no link carrying at all) the
// metered link goes back to full rounds at once, and the policy moves traffic onto it only after
// such a fresh round confirmed it (awaitingProbe in the policy's facts view): the failover is at
// most one ping_timeout slower than onto an unmetered link, and usually not at all, since the
// carrying link needs failure_threshold failed rounds before it is declared down.
// "Carrying" today is the active link of a family; with load balancing it is each carrying link.
import type { FactsView, PolicyState } from '../policy/types.js';

/** The family's carrying link (its active link) is fine: up, no failed round, physically usable. */
export function carryingHealthy(state: PolicyState, facts: FactsView): boolean {
  const active = state.links.find((l) => l.name === state.active);
  if (active === undefined) return false;
  const f = facts(active.name);
  return active.health === 'up' && active.consecutiveFailures === 0 && f.present && f.carrier !== false;
}

/** Whether `link` carries traffic in this family. */
export function carries(state: PolicyState, link: string): boolean {
  return state.active === link;
}

/**
 * Standby when, in every managed family, the link carries nothing and the carrying link is fine.
 * `families` holds each family's policy state and facts view.
 */
export function standbyProbing(link: string, families: ReadonlyArray<{ state: PolicyState; facts: FactsView }>): boolean {
  return families.every((f) => !carries(f.state, link) && carryingHealthy(f.state, f.facts));
}
