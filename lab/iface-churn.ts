// Interface churn in the lab: deletes a WAN veth and re-creates it with the same names and
// addresses (as topology.ts built it), so it comes back under a NEW ifindex, the way a USB modem
// or a PPP link does. Only the lab's own namespaces are touched.
import { run } from './exec.js';
import { planLab, type LabLinkPlan } from './lab-plan.js';
import type { Lab } from './topology.js';

function linkPlan(lab: Lab, i: number): LabLinkPlan {
  const l = planLab(lab.prefix, lab.links.length).links[i - 1];
  if (l === undefined) throw new Error(`lab has no link ${i} (links: 1..${lab.links.length})`);
  return l;
}

/** The ifindex of an interface inside a namespace (from `ip -j link show`). */
export async function ifindexOf(ns: string, iface: string): Promise<number> {
  const out = (await run('ip', ['-j', '-n', ns, 'link', 'show', 'dev', iface])).stdout;
  const parsed: unknown = JSON.parse(out);
  const first = Array.isArray(parsed) ? (parsed[0] as { ifindex?: unknown } | undefined) : undefined;
  if (typeof first?.ifindex !== 'number') throw new Error(`no ifindex for ${iface} in ${ns}: ${out.slice(0, 200)}`);
  return first.ifindex;
}

/** Deletes wanI in the router ns; the kernel removes its veth peer (cpeI) in the ISP ns too. */
export async function deleteWan(lab: Lab, i: number): Promise<void> {
  await run('ip', ['-n', lab.routerNs, 'link', 'del', linkPlan(lab, i).iface]);
}

/**
 * Re-creates the wanI <-> cpeI veth pair with the lab's addresses (the ISP's current gateway
 * address, should a test have changed it) and brings both ends up. Returns the new ifindex.
 */
export async function recreateWan(lab: Lab, i: number): Promise<number> {
  const l = linkPlan(lab, i);
  const gateway = lab.links[i - 1]!.gateway;
  const r = lab.routerNs;
  await run('ip', ['-n', r, 'link', 'add', l.iface, 'type', 'veth', 'peer', 'name', l.cpeIface, 'netns', l.ispNs]);
  await run('ip', ['-n', r, 'addr', 'add', `${l.address}/${l.prefixLength}`, 'dev', l.iface]);
  await run('ip', ['-n', l.ispNs, 'addr', 'add', `${gateway}/${l.prefixLength}`, 'dev', l.cpeIface]);
  await run('ip', ['-n', l.ispNs, 'link', 'set', l.cpeIface, 'up']);
  await run('ip', ['-n', r, 'link', 'set', l.iface, 'up']);
  return ifindexOf(r, l.iface);
}
