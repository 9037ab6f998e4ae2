// Start-up reading of our nexthop group (pure, issue 21): when our main default route of a family
// points (nhid) at our resilient group, its members are the links the kernel carries, and the
// restart adopts them as the carrying set, so nothing is replaced and no bucket moves.
import type { AddressFamily } from '../bus/events.js';
import type { Config } from '../config/types.js';
import type { NetlinkSnapshot } from '../netlink/types.js';
import type { PolicyConfig } from '../policy/types.js';
import { leadLink } from '../policy/balance.js';
import { groupId, mainMetric, type Carrier } from '../routes/desired.js';
import { MAIN_TABLE } from '../routes/plan.js';
import { kernelFamily } from '../family.js';

/** The carrying set, its lead and each member's gateway (our own nexthop is the best guess of it, as our route is in failover). */
export function adoptGroup(snap: NetlinkSnapshot, cfg: Config, family: AddressFamily, policy: PolicyConfig,
  ifindexOf: (link: string) => number | null): { carriers: Carrier[]; lead: string; gateways: Map<string, string> } | null {
  const id = groupId(cfg.routeProtocol, family);
  const kf = kernelFamily(family);
  const metric = mainMetric(cfg, family);
  const route = snap.routes.find((r) => r.family === kf && r.table === MAIN_TABLE && r.dst === null && r.protocol === cfg.routeProtocol
    && r.nhid === id && (r.priority ?? 0) === (family === 'ipv6' && metric === 0 ? 1024 : metric));
  const group = route ? snap.nexthops?.find((n) => n.id === id && n.protocol === cfg.routeProtocol && n.group !== null) : undefined;
  if (!group?.group) return null;
  const carriers: Carrier[] = [];
  const gateways = new Map<string, string>();
  // A member is the link whose interface its nexthop leaves by (ids follow list positions, which a
  // new config may have reordered).
  for (const l of cfg.links) {
    const ifindex = ifindexOf(l.name);
    const nh = ifindex === null ? undefined : snap.nexthops?.find((n) => n.group === null && n.oif === ifindex && n.protocol === cfg.routeProtocol
      && n.family === kf && group.group!.some((m) => m.id === n.id));
    if (!nh) continue;
    carriers.push({ link: l.name, weight: group.group.find((m) => m.id === nh.id)!.weight });
    if (nh.gateway) gateways.set(l.name, nh.gateway);
  }
  const lead = leadLink(policy, carriers.map((c) => c.link));
  return lead === null ? null : { carriers, lead, gateways };
}
