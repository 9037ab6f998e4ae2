// Gateway discovery from rtnetlink routes (pure), per address family. IPv4: a default route via a
// gateway on the interface wins; any other via-route on it is the fallback. IPv6: only default
// routes count (what router advertisements leave: `proto ra`, usually a link-local next hop, in
// whichever table the kernel was told to use). Routes the daemon itself made (tagged with its
// protocol) are ignored, or it would only ever learn what it already believed.
import type { Family, RouteEntry } from '../netlink/types.js';

export interface LearnedGateway {
  gateway: string;
  /** The interface the next hop is on: a link-local IPv6 gateway means nothing without it. */
  oif: number;
  isDefault: boolean;
}

const isDefaultRoute = (r: RouteEntry): boolean => r.dst === null || r.dstLength === 0;

export function gatewayFromRoute(r: RouteEntry, ifindex: number, ownProtocol: number, family: Family = 'inet'): LearnedGateway | null {
  if (r.family !== family || r.gateway === null || r.oif !== ifindex || r.protocol === ownProtocol) return null;
  const isDefault = isDefaultRoute(r);
  // RFC 4861 6.3.4: IPv6 routers are learned from default routes; a more specific route
  // (an RFC 4191 route information option, a static route to a LAN) names some other router.
  if (family === 'inet6' && !isDefault) return null;
  return { gateway: r.gateway, oif: ifindex, isDefault };
}

export function gatewayFromRoutes(routes: RouteEntry[], ifindex: number, ownProtocol: number, family: Family = 'inet'): string | null {
  let fallback: string | null = null;
  for (const r of routes) {
    const g = gatewayFromRoute(r, ifindex, ownProtocol, family);
    if (g === null) continue;
    if (g.isDefault) return g.gateway;
    fallback ??= g.gateway;
  }
  return fallback;
}
