// The planner of DNS that follows the link (pure, issue 22): for every DNS server of every link, a
// rule `to <server>/32 (/128) lookup <that link's table>` at rule_priority (beside the link's `oif`
// rule and the reply rules, before the policy rules), so a resolver that uses both ISPs' servers
// asks each one through its own line, whichever link carries the default route. A server two links
// list belongs to the first of them (one `to` rule per server: at one priority the kernel would
// only ever use the first anyway). Servers of an unmanaged family get no rule.
import type { AddressFamily } from '../bus/events.js';
import type { KernelObject } from './desired.js';
import { kernelFamily, familyOfAddress } from '../family.js';

export interface DnsLink {
  name: string;
  table: number;
  /** The servers in use (static, else the dhclient hook's), most preferred first. */
  servers: readonly string[];
}

export function planDnsRules(links: readonly DnsLink[], cfg: { rulePriority: number; routeProtocol: number },
  families: readonly AddressFamily[]): KernelObject[] {
  const out: KernelObject[] = [];
  const taken = new Set<string>();
  for (const l of links) {
    for (const dst of l.servers) {
      const family = familyOfAddress(dst);
      if (!families.includes(family) || taken.has(dst)) continue;
      taken.add(dst);
      out.push({ key: `rule/${family}/dns/${l.name}/${dst}`, kind: 'rule', role: 'rule', family, link: l.name,
        spec: { family: kernelFamily(family), priority: cfg.rulePriority, table: l.table, protocol: cfg.routeProtocol,
          dst, dstLength: family === 'ipv6' ? 128 : 32 } });
    }
  }
  return out;
}
