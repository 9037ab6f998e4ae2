// The planner of reply routing (pure, issue 22): for every global address of every link, per family,
// a rule `from <address> lookup <that link's table>` at rule_priority (beside the link's `oif` rule,
// before the policy rules), so what the router itself sends from a link's address (the answer of a
// service reached through that link) leaves by that link even while the default route is elsewhere.
// Addresses come from the link facts, so a DHCP renew with a new address moves the rule with it.
import type { AddressFamily } from '../bus/events.js';
import type { KernelObject } from './desired.js';
import { kernelFamily } from '../family.js';

export interface ReplyLink {
  name: string;
  table: number;
  /** The link's interface exists (its addresses are current). */
  present: boolean;
  addresses: Record<AddressFamily, readonly string[]>;
}

/** Not global: IPv4 link-local (169.254/16) and loopback, IPv6 link-local (fe80::/10) and loopback. */
export function isGlobalAddress(family: AddressFamily, a: string): boolean {
  if (family === 'ipv4') return !a.startsWith('169.254.') && !a.startsWith('127.');
  const head = parseInt(a.split(':')[0] || '0', 16);
  return a !== '::1' && (head & 0xffc0) !== 0xfe80;
}

export function planReplyRules(links: readonly ReplyLink[], cfg: { rulePriority: number; routeProtocol: number },
  families: readonly AddressFamily[]): KernelObject[] {
  const out: KernelObject[] = [];
  for (const family of families) {
    for (const l of links) {
      if (!l.present) continue;
      for (const src of l.addresses[family].filter((a) => isGlobalAddress(family, a))) {
        out.push({ key: `rule/${family}/reply/${l.name}/${src}`, kind: 'rule', role: 'rule', family, link: l.name,
          spec: { family: kernelFamily(family), priority: cfg.rulePriority, table: l.table, protocol: cfg.routeProtocol,
            src, srcLength: family === 'ipv6' ? 128 : 32 } });
      }
    }
  }
  return out;
}
