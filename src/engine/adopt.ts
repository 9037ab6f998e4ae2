// Start-up reading of the main table (pure): which configured link the current default route
// already uses (so a restart does not flap), and which foreign default routes would shadow ours.
import type { Family, RouteEntry } from '../netlink/types.js';
import { MAIN_TABLE } from '../routes/plan.js';

const isMainDefault = (r: RouteEntry, family: Family = 'inet'): boolean =>
  r.family === family && r.table === MAIN_TABLE && (r.dst === null || r.dstLength === 0) && r.type === 1;

/**
 * Our own route at the configured metric comes first: it is what the last run of this config chose.
 * Then own routes at other metrics (an earlier config's; the reconciler's start-up sweep removes them
 * once ours is in), lowest first as the kernel routes by it; then (IPv4) foreign routes.
 * `ownMetric` undefined: any metric of ours ranks the same (by metric).
 */
export function adoptableLink(routes: RouteEntry[], links: Array<{ cfg: { name: string }; ifindex: number | null }>,
  ownProtocol: number, family: Family = 'inet', ownMetric?: number): { link: string; gateway: string | null } | null {
  const rank = (r: RouteEntry): number => (r.protocol !== ownProtocol ? 2 : ownMetric === undefined || (r.priority ?? 0) === ownMetric ? 0 : 1);
  // IPv6: only our own route is adopted; the kernel's RA routes are not ours to take over.
  const candidates = routes.filter((r) => isMainDefault(r, family) && (family === 'inet' || r.protocol === ownProtocol)).sort((a, b) =>
    rank(a) - rank(b) || (a.priority ?? 0) - (b.priority ?? 0));
  for (const r of candidates) {
    const l = links.find((x) => x.ifindex !== null && x.ifindex === r.oif);
    if (l) return { link: l.cfg.name, gateway: r.gateway };
  }
  return null;
}

/** Foreign IPv4 default routes in main with a lower metric than ours: traffic would ignore our route. */
export function shadowingRoutes(routes: RouteEntry[], ownMetric: number, ownProtocol: number): RouteEntry[] {
  return routes.filter((r) => isMainDefault(r, 'inet') && r.protocol !== ownProtocol && (r.priority ?? 0) < ownMetric);
}
