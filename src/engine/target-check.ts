// Ping targets that cannot tell whether a link reaches the internet (issue 19, defect 8).
// A target that is one of the router's own addresses is answered by the router itself, so the
// link it is probed over can never fail; a target inside a WAN's own subnet (its gateway excepted)
// is reached on that segment directly, so it says nothing about what lies behind the gateway. The
// original daemon ran such configs, so this warns (drop-in) and never refuses; the daemon says so
// at start and on every reload, naming the link, the target and why.
import { BlockList, isIPv4 } from 'node:net';
import type { LinkFacts } from '../facts/link-facts.js';
import type { AddressEntry, NetlinkSnapshot } from '../netlink/types.js';

export interface TargetLink {
  name: string;
  ifindex: number | null;
  gateways: { ipv4: string | null; ipv6: string | null };
}

export interface TargetWarning {
  /** The configured link concerned (null: the address is on another interface of the router). */
  link: string | null;
  target: string;
  why: string;
}

const familyOf = (ip: string): 'ipv4' | 'ipv6' => (isIPv4(ip) ? 'ipv4' : 'ipv6');
const fullLength = (family: 'ipv4' | 'ipv6'): number => (family === 'ipv4' ? 32 : 128);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** PURE: the targets that cannot judge a link, with the link and why. */
export function targetsOnRouter(targets: readonly string[], addresses: readonly AddressEntry[],
  links: readonly TargetLink[], ifaceName: (index: number) => string | null): TargetWarning[] {
  const out: TargetWarning[] = [];
  const linkAt = (index: number): TargetLink | undefined => links.find((l) => l.ifindex === index);
  for (const target of targets) {
    const family = familyOf(target);
    const own = addresses.find((a) => same(a.address, target));
    if (own) {
      const l = linkAt(own.index);
      out.push({ link: l?.name ?? null, target, why: `it is an address of this router (interface ${ifaceName(own.index) ?? own.index}): `
        + 'the router answers it itself, so a link probed with it never fails' });
      continue;
    }
    for (const l of links) {
      if (l.ifindex === null || (l.gateways[family] !== null && same(l.gateways[family]!, target))) continue;
      const subnet = addresses.find((a) => a.index === l.ifindex && familyOf(a.address) === family
        && a.prefixLength < fullLength(family) && !a.address.toLowerCase().startsWith('fe80:') && inSubnet(target, a));
      if (!subnet) continue;
      out.push({ link: l.name, target, why: `it is inside the link's own subnet ${subnet.address}/${subnet.prefixLength} and not its gateway: `
        + 'it is reached on the segment directly, so it says nothing about the internet behind the gateway' });
    }
  }
  return out;
}

function inSubnet(target: string, a: AddressEntry): boolean {
  const family = familyOf(a.address);
  const list = new BlockList();
  try {
    list.addSubnet(a.address, a.prefixLength, family);
    return list.check(target, family);
  } catch {
    return false;
  }
}

/** One warning per such target, from a netlink snapshot and the links' facts (start and reload). */
export function warnTargetsOnRouter(log: { warn(obj: object, msg: string): void }, targets: readonly string[], snap: NetlinkSnapshot,
  facts: readonly LinkFacts[]): void {
  const links = facts.map((l) => ({ name: l.cfg.name, ifindex: l.ifindex, gateways: { ipv4: l.families.ipv4.gateway, ipv6: l.families.ipv6.gateway } }));
  const iface = (i: number): string | null => snap.links.find((l) => l.index === i)?.name ?? null;
  for (const w of targetsOnRouter(targets, snap.addresses, links, iface)) {
    log.warn({ link: w.link, target: w.target, why: w.why }, `ping target ${w.target} cannot judge ${w.link ?? 'any link'}: ${w.why}`);
  }
}
