// Pure: what the resolv file (dns.resolv_file, issue 22) should hold, from the links' state. The
// servers of the links that carry the main default route (either family), most preferred link
// first; with balancing every carrying link's. When no carrying link has a known server (a link
// without DHCP DNS and no static list), the servers of the other usable links in preference order,
// so the resolver keeps working; when no link has one, null: the file is left as it is (an empty
// file would leave dnsmasq with no upstream at all).

export interface ResolvLink {
  name: string;
  /** The kernel's default route (either family) goes over this link now. */
  carrying: boolean;
  /** The policy judges it usable (up or degraded). */
  usable: boolean;
  /** Its DNS servers in use (static, else its DHCP leases'). */
  servers: readonly string[];
}

export interface ResolvContent {
  /** The nameserver addresses, in order, each once. */
  servers: string[];
  /** The links they came from. */
  links: string[];
  /** True when no carrying link had servers and these are the other usable links'. */
  fallback: boolean;
  text: string;
}

/** `links` in preference order (tier, then config order). */
export function resolvContent(links: readonly ResolvLink[]): ResolvContent | null {
  const pick = (from: readonly ResolvLink[]): ResolvLink[] => from.filter((l) => l.servers.length > 0);
  let chosen = pick(links.filter((l) => l.carrying));
  let fallback = false;
  if (chosen.length === 0) {
    chosen = pick(links.filter((l) => !l.carrying && l.usable));
    fallback = true;
  }
  if (chosen.length === 0) return null;
  const servers = [...new Set(chosen.flatMap((l) => l.servers))];
  const names = chosen.map((l) => l.name);
  const why = fallback ? `no carrying link has DNS servers; the usable links' (${names.join(', ')})` : `the links carrying the default route (${names.join(', ')})`;
  const text = `# Written by wan-failover (dns.resolv_file): DNS servers of ${why}.\n`
    + servers.map((s) => `nameserver ${s}\n`).join('');
  return { servers, links: names, fallback, text };
}
