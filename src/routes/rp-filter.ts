// Strict reverse-path filtering drops the replies to probes sent through a standby link
// (their source is routed via the active link). Loose mode (2) keeps the check but accepts them.
// rp_filter is a sysctl, not an rtnetlink attribute, so this writes /proc/sys (per network namespace).
import { readFile, writeFile } from 'node:fs/promises';

export interface RpFilterChange { iface: string; from: number; to: number }

const path = (iface: string): string => `/proc/sys/net/ipv4/conf/${iface}/rp_filter`;

/** Sets rp_filter to loose on the interface when it is strict; returns what changed. */
export async function ensureLooseRpFilter(iface: string): Promise<RpFilterChange | null> {
  const from = Number((await readFile(path(iface), 'utf8')).trim());
  if (from !== 1) return null;
  await writeFile(path(iface), '2\n');
  return { iface, from, to: 2 };
}
