// Pure: the integer the daemon keeps in keepalived's track file (issue 25), from the daemon's own
// view of its links. 0 while at least one link carries traffic; down_weight when every link is
// down; plus per_link_weight for each link that is down, when set. The policy owns "all down"
// (status.allDown, src/policy/step.ts) and each link's health: nothing is judged again here.
import type { Health } from '../policy/types.js';
import type { VrrpConfig } from '../config/types.js';

/** The part of the engine's status the weight depends on (EngineStatus fits). */
export interface WeightInput {
  allDown: boolean;
  links: ReadonlyArray<{ state: Health }>;
}

/**
 * The weight, or null while nothing is known yet (no link judged up, not all down: a daemon that
 * just started). Null leaves the file as it is, so a restart on a router whose links are down does
 * not write 0 for the seconds its first probes take and pull the gateway address back.
 */
export function trackWeight(s: WeightInput, cfg: Pick<VrrpConfig, 'downWeight' | 'perLinkWeight'>): number | null {
  const down = s.links.filter((l) => l.state === 'down').length;
  const carrying = s.links.some((l) => l.state === 'up' || l.state === 'degraded');
  if (!s.allDown && !carrying) return null;
  return (s.allDown ? cfg.downWeight : 0) + (cfg.perLinkWeight ?? 0) * down;
}
