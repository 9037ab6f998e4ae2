// Gateway discovery from rtnetlink routes (pure). A default route via a gateway on the
// interface wins; any other via-route on it is the fallback. Routes the daemon itself made
// (tagged with its protocol) are ignored, or it would only ever learn what it already believed.
import type { RouteEntry } from '../netlink/types.js';

export function gatewayFromRoute(r: RouteEntry, ifindex: number, ownProtocol: number): { gateway: string; isDefault: boolean } | null {
  if (r.family !== 'inet' || r.gateway === null || r.oif !== ifindex || r.protocol === ownProtocol) return null;
  return { gateway: r.gateway, isDefault: r.dst === null || r.dstLength === 0 };
}

export function gatewayFromRoutes(routes: RouteEntry[], ifindex: number, ownProtocol: number): string | null {
  let fallback: string | null = null;
  for (const r of routes) {
    const g = gatewayFromRoute(r, ifindex, ownProtocol);
    if (g === null) continue;
    if (g.isDefault) return g.gateway;
    fallback ??= g.gateway;
  }
  return fallback;
}
