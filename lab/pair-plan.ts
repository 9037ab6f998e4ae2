// PURE: naming and addressing of the VRRP pair lab (issue 25), from a prefix. Two routers (A, B),
// each with two WANs into the lab's two ISPs (4 WAN veths), a LAN bridge in its own namespace and
// a LAN host whose default gateway is the virtual address keepalived moves between the routers.
// Only 100.64.0.0/10, 198.18.0.0/15, 198.51.100.0/24 and 203.0.113.0/24 are used.
//
//   PREFIX-ra  wan1 100.64.1.2/24 -> PREFIX-isp1 cpe1 100.64.1.1    lan0 100.64.100.2/24 (+ VIP)
//              wan2 100.64.2.2/24 -> PREFIX-isp2 cpe2 100.64.2.1
//   PREFIX-rb  wan1 100.64.11.2/24 -> PREFIX-isp1 cpe1b 100.64.11.1  lan0 100.64.100.3/24 (+ VIP)
//              wan2 100.64.12.2/24 -> PREFIX-isp2 cpe2b 100.64.12.1
//   PREFIX-ispI uplink 198.18.I.1 -> PREFIX-net ispI 198.18.I.2 (targets 198.51.100.1, 203.0.113.1, echo 203.0.113.7)
//   PREFIX-sw  br0 with ports pa, pb, ph (the LAN segment)
//   PREFIX-lan eth0 100.64.100.10/24, default via the VIP 100.64.100.1
import { ECHO_ADDRESS, ECHO_PORT, LAB_TARGETS, validatePrefix, type LabLinkPlan } from './lab-plan.js';

export type RouterId = 'a' | 'b';

export const PAIR_VIP = '100.64.100.1';
export const PAIR_LAN_PREFIX_LENGTH = 24;
export const PAIR_LAN_HOST = '100.64.100.10';
export const PAIR_VRID = 51;

/** One WAN of a router, as the single-router lab names it; cpeIface is the fault target of this router's link. */
export type PairLinkPlan = Pick<LabLinkPlan, 'index' | 'iface' | 'address' | 'gateway' | 'prefixLength' | 'ispNs' | 'cpeIface' | 'wanSubnet'>;

export interface PairRouterPlan {
  id: RouterId;
  ns: string;
  lanIface: string;
  lanAddress: string;
  /** The bridge port of this router in the switch namespace. */
  switchPort: string;
  /** VRRP priority: A is the preferred master. */
  priority: number;
  links: PairLinkPlan[];
}

export interface PairIspPlan {
  index: number;
  ns: string;
  uplinkIface: string;
  uplinkAddress: string;
  netIface: string;
  netAddress: string;
}

export interface PairPlan {
  prefix: string;
  routers: [PairRouterPlan, PairRouterPlan];
  isps: PairIspPlan[];
  netNs: string;
  switchNs: string;
  lanNs: string;
  lanHost: { iface: string; address: string; switchPort: string };
  vip: string;
  targets: string[];
  echoAddress: string;
  echoPort: number;
}

function router(prefix: string, id: RouterId, priority: number, lanAddress: string, third: (i: number) => number): PairRouterPlan {
  const links = [1, 2].map((i): PairLinkPlan => ({
    index: i, iface: `wan${i}`, address: `100.64.${third(i)}.2`, gateway: `100.64.${third(i)}.1`, prefixLength: 24,
    ispNs: `${prefix}-isp${i}`, cpeIface: id === 'a' ? `cpe${i}` : `cpe${i}b`, wanSubnet: `100.64.${third(i)}.0/24`,
  }));
  return { id, ns: `${prefix}-r${id}`, lanIface: 'lan0', lanAddress, switchPort: `p${id}`, priority, links };
}

export function planPair(prefix: string): PairPlan {
  validatePrefix(prefix);
  return {
    prefix,
    routers: [router(prefix, 'a', 150, '100.64.100.2', (i) => i), router(prefix, 'b', 100, '100.64.100.3', (i) => 10 + i)],
    isps: [1, 2].map((i) => ({ index: i, ns: `${prefix}-isp${i}`, uplinkIface: 'uplink', uplinkAddress: `198.18.${i}.1`, netIface: `isp${i}`, netAddress: `198.18.${i}.2` })),
    netNs: `${prefix}-net`,
    switchNs: `${prefix}-sw`,
    lanNs: `${prefix}-lan`,
    lanHost: { iface: 'eth0', address: PAIR_LAN_HOST, switchPort: 'ph' },
    vip: PAIR_VIP,
    targets: [...LAB_TARGETS],
    echoAddress: ECHO_ADDRESS,
    echoPort: ECHO_PORT,
  };
}

/** Every namespace of the pair lab, routers first. */
export function pairNamespaces(p: PairPlan): string[] {
  return [...p.routers.map((r) => r.ns), ...p.isps.map((i) => i.ns), p.netNs, p.switchNs, p.lanNs];
}
