// Pure: which conntrack entries belong to a link we just left. A flow source-NATed to the link
// (nft `snat to <addr>` or `masquerade` on its interface) is tracked with the original tuple
// LAN host -> server and the reply tuple server -> <link address>; IPS_SRC_NAT says the source
// was rewritten (nf_nat_setup_info sets it only when the mapping changed the tuple). So:
//   - reply destination is one of the old link's addresses, and
//   - IPS_SRC_NAT is set (the router's own sockets on that address are not NATed and stay), and
//   - the family matches.
// LAN-internal entries (reply to a LAN host) and entries NATed to another link do not match.
// Masqueraded entries do match, on purpose: the kernel would drop them itself at their next
// packet through another interface (nf_nat_oif_changed in nf_nat_masquerade.c), so deleting them
// now changes nothing for them and keeps one rule for both NAT styles.
import type { AddressFamily } from '../bus/events.js';
import { ipToBytes } from '../netlink/ip-format.js';
import type { CtEntry } from './ctnetlink-codec.js';
import { IPS_SRC_NAT } from './ctnetlink-constants.js';

/** Canonical text of an address (so "2001:db8::1" and "2001:DB8:0::1" compare equal); null if not one. */
export function canonicalAddress(ip: string): string | null {
  try {
    return ipToBytes(ip).toString('hex');
  } catch {
    return null;
  }
}

export function isNatedTo(entry: CtEntry, family: AddressFamily, addresses: ReadonlySet<string>): boolean {
  if (entry.family !== family) return false;
  if ((entry.status & IPS_SRC_NAT) === 0) return false;
  const dst = canonicalAddress(entry.reply.dst);
  return dst !== null && addresses.has(dst);
}

/** Identity of an entry across dumps (the same flow may be returned by two per-address dumps). */
function entryKey(e: CtEntry): string {
  return e.id !== null ? `id:${e.id}` : `tuple:${e.origAttr.toString('hex')}:${e.zone ?? 0}`;
}

/** The entries to delete, each once, in dump order. */
export function selectNatEntries(entries: readonly CtEntry[], family: AddressFamily, addresses: readonly string[]): CtEntry[] {
  const wanted = new Set(addresses.map(canonicalAddress).filter((a): a is string => a !== null));
  if (wanted.size === 0) return [];
  const seen = new Set<string>();
  const out: CtEntry[] = [];
  for (const e of entries) {
    if (!isNatedTo(e, family, wanted)) continue;
    const key = entryKey(e);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}
