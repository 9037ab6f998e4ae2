// Pure: DNS that follows the link (issue 22). A link's static `dns: [addr, ...]` (either family;
// it wins over what the dhclient hook records) and the optional top-level `dns:` section with
// `resolv_file`, where the daemon keeps the servers of the links carrying the default route. Like
// vrrp.ts, the section is checked key by key outside the convict pass (a mapping in a convict leaf
// crashes convict); the per-link list too (links.ts calls checkLinkDns).
import { isAbsolute } from 'node:path';
import { isIPv6 } from 'node:net';
import { canonicalIpv6, checkIpv4, checkPingTarget } from './formats.js';
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import type { DnsConfig } from './types.js';

export const DNS_SECTION = 'dns';
/** The per-link key (links[i].dns, primary.dns, secondary.dns). */
export const LINK_DNS_KEY = 'dns';

/** Every key of the section and what it means (config.example.yaml and README say the same). */
export const DNS_KEYS: Readonly<Record<string, string>> = {
  resolv_file: 'Absolute path of the resolv.conf-style file the daemon keeps: the DNS servers of the links carrying the default route (dnsmasq resolv-file=); unset = not written.',
};

const LIST_EXPECTED = 'a list of DNS server addresses, e.g. [198.51.100.53, 2001:db8::53] (unicast IPv4, or global IPv6 without %zone), each once';

/** One static server list: null when fine (canonical form via canonicalDns), else what was expected. */
export function checkLinkDns(v: unknown): string | null {
  if (!Array.isArray(v) || v.length === 0) return LIST_EXPECTED;
  const seen = new Set<string>();
  for (const a of v) {
    // The ping target check: unicast IPv4, or global IPv6 (a link-local server needs a zone a rule cannot name).
    if (typeof a !== 'string' || (isIPv6(a) ? checkPingTarget(a) : checkIpv4(a)) !== null) return LIST_EXPECTED;
    const c = canonicalDns(a);
    if (seen.has(c)) return LIST_EXPECTED;
    seen.add(c);
  }
  return null;
}

/** IPv4 as written, IPv6 in RFC 5952 form (the kernel's dumps compare with it). */
export const canonicalDns = (a: string): string => (isIPv6(a) ? canonicalIpv6(a) ?? a : a);


export interface DnsResult {
  dns: DnsConfig | null;
  problems: ConfigProblem[];
}

/** `section` is the raw value of `dns:` (undefined when absent). Absent or null = no resolv file. */
export function buildDns(section: unknown): DnsResult {
  if (section === undefined || section === null) return { dns: null, problems: [] };
  if (!isMapping(section)) {
    return { dns: null, problems: [{ key: DNS_SECTION, value: section, expected: `a mapping {${Object.keys(DNS_KEYS).join(', ')}}` }] };
  }
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(section)) {
    if (!(key in DNS_KEYS)) problems.push({ key: `${DNS_SECTION}.${key}`, value: section[key], expected: UNKNOWN_KEY });
  }
  const file = section['resolv_file'];
  let resolvFile: string | null = null;
  if (file !== undefined && file !== null) {
    if (typeof file === 'string' && isAbsolute(file) && !file.endsWith('/') && !file.includes('\u0000')) resolvFile = file;
    else problems.push({ key: `${DNS_SECTION}.resolv_file`, value: file, expected: 'an absolute file path, e.g. /run/wan-failover/resolv.conf' });
  }
  if (problems.some((p) => p.expected !== UNKNOWN_KEY)) return { dns: null, problems };
  return { dns: { resolvFile }, problems };
}
