// While a tier balances, the kernel must hash flows by their ports (L4) so the flows of one LAN host
// spread over the group's links: fib_multipath_hash_policy 1 (Documentation/networking/ip-sysctl.rst,
// "1 - Layer 4"), for IPv4 and IPv6 alike. The default 0 hashes by addresses only (L3), which sends
// every flow of a host to one link. A sysctl, not an rtnetlink attribute; per network namespace.
import type { AddressFamily } from '../bus/events.js';
import { procSysctl, type SysctlPort } from './accept-ra.js';

export interface HashPolicyChange { family: AddressFamily; from: number; to: number }

const PATHS: Record<AddressFamily, string> = {
  ipv4: '/proc/sys/net/ipv4/fib_multipath_hash_policy',
  ipv6: '/proc/sys/net/ipv6/fib_multipath_hash_policy',
};

/** Sets the L4 hash where it is L3 (0); leaves any other choice of the operator (1, 2, 3) alone. Returns what changed. */
export async function ensureL4MultipathHash(families: readonly AddressFamily[], port: SysctlPort = procSysctl): Promise<HashPolicyChange[]> {
  const changed: HashPolicyChange[] = [];
  for (const family of families) {
    const from = Number((await port.read(PATHS[family])).trim());
    if (from !== 0) continue;
    await port.write(PATHS[family], '1\n');
    changed.push({ family, from, to: 1 });
  }
  return changed;
}
