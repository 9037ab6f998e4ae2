// Test-side: puts one labelled conntrack entry of each kind into a NAT lab's router, by sending a
// UDP datagram from a fixed source port (the label). Sources ports identify entries in
// /proc/net/nf_conntrack ("sport=41001") independently of the code under test.
import type { NatLab } from '../../lab/nat-lab.js';

export interface LabelledFlow {
  sport: number;
  family: 'ipv4' | 'ipv6';
  what: string;
  /** NATed to WAN index (0 = wan1, 1 = wan2), or null when not NATed. */
  natTo: 0 | 1 | null;
}

export const FLOWS: readonly LabelledFlow[] = [
  { sport: 41001, family: 'ipv4', what: 'LAN -> server via wan1 (SNAT to wan1)', natTo: 0 },
  { sport: 41002, family: 'ipv6', what: 'LAN -> server via wan1 (SNAT66 to wan1)', natTo: 0 },
  { sport: 41003, family: 'ipv4', what: 'LAN -> server via wan2 (SNAT to wan2)', natTo: 1 },
  { sport: 41004, family: 'ipv6', what: 'LAN -> server via wan2 (SNAT66 to wan2)', natTo: 1 },
  { sport: 41005, family: 'ipv4', what: 'LAN -> router LAN address (LAN-internal)', natTo: null },
  { sport: 41006, family: 'ipv6', what: 'LAN -> router LAN address (LAN-internal)', natTo: null },
  { sport: 41007, family: 'ipv4', what: 'router own socket from wan1 address (not NATed)', natTo: null },
  { sport: 41008, family: 'ipv6', what: 'router own socket from wan1 address (not NATed)', natTo: null },
];

export async function sendUdp(lab: NatLab, ns: string, fam: 4 | 6, dst: string, dport: number, count: number,
  sport?: number, bind?: string): Promise<void> {
  await lab.udp(ns, fam, dst, dport, count, { ...(sport !== undefined ? { sport } : {}), ...(bind !== undefined ? { bind } : {}) });
}

/** Creates the FLOWS entries (the router's default routes must point at wan1). */
export async function makeFlows(lab: NatLab): Promise<void> {
  const [w1, w2] = lab.wans;
  await sendUdp(lab, lab.lan, 4, w1.server4, 7000, 1, 41001);
  await sendUdp(lab, lab.lan, 6, w1.server6, 7000, 1, 41002);
  await sendUdp(lab, lab.lan, 4, w2.server4, 7000, 1, 41003);
  await sendUdp(lab, lab.lan, 6, w2.server6, 7000, 1, 41004);
  await sendUdp(lab, lab.lan, 4, lab.routerLan4, 7000, 1, 41005);
  await sendUdp(lab, lab.lan, 6, lab.routerLan6, 7000, 1, 41006);
  await sendUdp(lab, lab.router, 4, w1.server4, 7000, 1, 41007, w1.v4);
  await sendUdp(lab, lab.router, 6, w1.server6, 7000, 1, 41008, w1.v6);
}

/** Source ports of the labelled flows present in the router's conntrack table. */
export async function presentFlows(lab: NatLab): Promise<number[]> {
  const lines = await lab.conntrackLines();
  return FLOWS.map((f) => f.sport).filter((p) => lines.some((l) => l.includes(`sport=${p} `)));
}
