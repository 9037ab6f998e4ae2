// PURE: the lab's fixed naming and addressing, derived from a prefix and a link count, so the
// topology builder, the CLI and the tests agree on every name without asking the kernel.
// Only the documentation/CGNAT/benchmark ranges are used: 100.64.0.0/10, 198.18.0.0/15,
// 198.51.100.0/24, 203.0.113.0/24.

export const MAX_LINKS = 4;
export const DEFAULT_PREFIX = 'wflab';

/** Probe targets held by the "internet" namespace (on its loopback). */
export const LAB_TARGETS: readonly string[] = ['198.51.100.1', '203.0.113.1'];

/**
 * IPv6 probe targets on the internet namespace's loopback (opt-in dual-stack lab, issue 12). All
 * IPv6 addresses come from the documentation prefix 2001:db8::/32 (RFC 3849), plus link-local.
 */
export const LAB_TARGETS6: readonly string[] = ['2001:db8:ff00::1', '2001:db8:ff01::1'];
/** Every ISP's link-local address on its customer side: the next hop of the `proto ra` default. */
export const ISP_LINK_LOCAL = 'fe80::1';

/** The LAN (opt-in, lan.ts): the router's LAN side and one client namespace behind it. */
export const LAN_SUBNET = '100.64.100.0/24';
export const LAN_ROUTER_ADDRESS = '100.64.100.1';
export const LAN_CLIENT_ADDRESS = '100.64.100.2';
export const LAN_PREFIX_LENGTH = 24;
/** Router-side and client-side interface names of the LAN veth. */
export const LAN_ROUTER_IFACE = 'lan0';
export const LAN_CLIENT_IFACE = 'eth0';
/** UDP and TCP echo services in the internet namespace: not a probe target, so probes never touch them. */
export const ECHO_ADDRESS = '203.0.113.7';
export const ECHO_PORT = 7;

export interface LabLinkPlan {
  /** 1-based. */
  index: number;
  /** Router-side interface name: wanI. */
  iface: string;
  /** Router's address on wanI (100.64.I.2). */
  address: string;
  /** The ISP's gateway address on cpeI (100.64.I.1). */
  gateway: string;
  prefixLength: number;
  ispNs: string;
  /** ISP-side peer of wanI. */
  cpeIface: string;
  /** ISP's uplink towards the internet ns, and its address (198.18.I.1). */
  uplinkIface: string;
  uplinkAddress: string;
  /** The internet ns's end of that uplink, and its address (198.18.I.2). */
  netIface: string;
  netAddress: string;
  /** The subnet of wanI, routed back through this ISP by the internet ns. */
  wanSubnet: string;
  /** IPv6 (dual-stack labs only): the router's global address on wanI, 2001:db8:I::2/64. */
  address6: string;
  /** The ISP's global address on cpeI (2001:db8:I::1) and its link-local one (fe80::1), the RA-style next hop. */
  globalGateway6: string;
  gateway6: string;
  /** wanI's IPv6 prefix, routed back through this ISP by the internet ns. */
  wanSubnet6: string;
  /** The ISP's IPv6 uplink address (2001:db8:100:I::1) and the internet ns's end (::2). */
  uplinkAddress6: string;
  netAddress6: string;
}

export interface LabPlan {
  prefix: string;
  routerNs: string;
  netNs: string;
  /** The LAN client's namespace (exists only when the lab was built with a LAN). */
  lanNs: string;
  /** IPv6 targets (built only in a dual-stack lab). */
  targets6: string[];
  links: LabLinkPlan[];
  targets: string[];
}

const PREFIX_RE = /^[a-z0-9][a-z0-9-]{0,19}$/;

export function validatePrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(`invalid lab prefix "${prefix}": expected 1-20 chars of [a-z0-9-], starting alphanumeric`);
  }
}

export function planLab(prefix: string = DEFAULT_PREFIX, links = 2): LabPlan {
  validatePrefix(prefix);
  if (!Number.isInteger(links) || links < 1 || links > MAX_LINKS) {
    throw new Error(`invalid link count ${links}: expected 1..${MAX_LINKS}`);
  }
  const list: LabLinkPlan[] = [];
  for (let i = 1; i <= links; i++) {
    list.push({
      index: i,
      iface: `wan${i}`,
      address: `100.64.${i}.2`,
      gateway: `100.64.${i}.1`,
      prefixLength: 24,
      ispNs: `${prefix}-isp${i}`,
      cpeIface: `cpe${i}`,
      uplinkIface: 'uplink',
      uplinkAddress: `198.18.${i}.1`,
      netIface: `isp${i}`,
      netAddress: `198.18.${i}.2`,
      wanSubnet: `100.64.${i}.0/24`,
      address6: `2001:db8:${i}::2`,
      globalGateway6: `2001:db8:${i}::1`,
      gateway6: ISP_LINK_LOCAL,
      wanSubnet6: `2001:db8:${i}::/64`,
      uplinkAddress6: `2001:db8:100:${i}::1`,
      netAddress6: `2001:db8:100:${i}::2`,
    });
  }
  return { prefix, routerNs: `${prefix}-r`, netNs: `${prefix}-net`, lanNs: `${prefix}-lan`, links: list, targets: [...LAB_TARGETS], targets6: [...LAB_TARGETS6] };
}

/** Every namespace name that belongs to a lab of this prefix (the VRRP pair lab's ra, rb, sw too), out of a list of existing ones. */
export function labNamespaces(prefix: string, existing: readonly string[]): string[] {
  validatePrefix(prefix);
  const esc = prefix.replace(/[-]/g, '\\-');
  const re = new RegExp(`^${esc}-(r|ra|rb|sw|net|lan|isp[1-9][0-9]*)$`);
  return existing.filter((n) => re.test(n));
}

/** Parses `ip netns list` output ("name (id: 3)" per line) into names. */
export function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.length > 0);
}

/** Link count of an existing lab, from its namespaces (ispN present). */
export function countIspNamespaces(prefix: string, existing: readonly string[]): number {
  let n = 0;
  while (existing.includes(`${prefix}-isp${n + 1}`)) n++;
  return n;
}
