// Start-up reading of our nexthop group (pure, issue 21): when our main default route of a family
// points (nhid) at our resilient group, its members are the links the kernel carries, and the
// restart adopts them as the carrying set, so nothing is replaced and no bucket moves.
import type { AddressFamily } from '../bus/events.js';
import type { Config } from '../config/types.js';
import type { NetlinkSnapshot } from '../netlink/types.js';
import type { PolicyConfig } from '../policy/types.js';
import { leadLink } from '../policy/balance.js';
import { groupId, mainMetric, nexthopId, type Carrier } from '../routes/desired.js';
import { MAIN_TABLE } from '../routes/plan.js';

/** The carrying set, its lead and each member's gateway (our own nexthop is the best guess of it, as our route is in failover). */
export function adoptGroup(snap: NetlinkSnapshot, cfg: Config, family: AddressFamily, policy: PolicyConfig):
  { carriers: Carrier[]; lead: string; gateways: Map<string, string> } | null {
  const id = groupId(cfg.routeProtocol, family);
  const kf = family === 'ipv6' ? 'inet6' : 'inet';
  const metric = mainMetric(cfg, family);
  const route = snap.routes.find((r) => r.family === kf && r.table === MAIN_TABLE && r.dst === null && r.protocol === cfg.routeProtocol
    && r.nhid === id && (r.priority ?? 0) === (family === 'ipv6' && metric === 0 ? 1024 : metric));
  const group = route ? snap.nexthops?.find((n) => n.id === id && n.protocol === cfg.routeProtocol && n.group !== null) : undefined;
  if (!group?.group) return null;
  const carriers: Carrier[] = [];
  const gateways = new Map<string, string>();
  cfg.links.forEach((l, i) => {
    const id = nexthopId(cfg.routeProtocol, i, family);
    const m = group.group!.find((x) => x.id === id);
    if (!m) return;
    carriers.push({ link: l.name, weight: m.weight });
    const gw = snap.nexthops?.find((n) => n.id === id)?.gateway;
    if (gw) gateways.set(l.name, gw);
  });
  const lead = leadLink(policy, carriers.map((c) => c.link));
  return lead === null ? null : { carriers, lead, gateways };
}
