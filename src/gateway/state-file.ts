// The dhclient exit hook's state files (install/dhclient-exit-hook):
// <gateway_state_dir>/<iface>.json = {"gateway": "a.b.c.d", "dns": ["a.b.c.d", ...], ...} from the
// IPv4 lease, the fallback source of a link's gateway when netlink has not shown one, and
// <iface>.dhcp6.json = {"dns": ["2001:db8::53", ...], ...} from a DHCPv6 lease (dhclient -6), kept
// apart so a v6 lease never touches the IPv4 gateway's file.
import { readFileSync, statSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { canonicalIpv6 } from '../config/formats.js';

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const data: unknown = JSON.parse(text);
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/** Pure: the gateway in a state file's text, or null when absent or malformed. */
export function parseStateFile(text: string): string | null {
  const gw = parseObject(text)?.gateway;
  return typeof gw === 'string' && isIPv4(gw) ? gw : null;
}

/**
 * Pure: the DNS servers in a state file's text (either file), in lease order, each once; IPv6 in
 * RFC 5952 form. Anything that is not an address of the file's family is dropped, not the list.
 */
export function parseStateFileDns(text: string, family: 'ipv4' | 'ipv6'): string[] {
  const list = parseObject(text)?.dns;
  if (!Array.isArray(list)) return [];
  const out = list.flatMap((a: unknown) => {
    if (typeof a !== 'string') return [];
    if (family === 'ipv4') return isIPv4(a) ? [a] : [];
    return isIPv6(a) ? [canonicalIpv6(a) ?? a] : [];
  });
  return [...new Set(out)];
}

const readOr = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/**
 * A file's text, read again only when the file changed: one stat(2) per call at rest instead of
 * open, fstat, read, close and a decode (the housekeeping asks for every link's files every second;
 * issue 20 measured the reads at a tenth of the daemon's JavaScript time at rest). The hook replaces
 * a file by rename (a new inode), and an edit by hand changes its size or mtime.
 */
export class ChangedFileReader {
  private readonly cache = new Map<string, { key: string; text: string }>();

  read(file: string): string | null {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st === undefined) {
      this.cache.delete(file);
      return null;
    }
    const key = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const hit = this.cache.get(file);
    if (hit !== undefined && hit.key === key) return hit.text;
    const text = readOr(file);
    if (text === null) this.cache.delete(file);
    else this.cache.set(file, { key, text });
    return text;
  }
}

/** The daemon's one reader of the state files (the files are few: two per link). */
const files = new ChangedFileReader();

/**
 * Read on the event loop, on purpose: the file is a few dozen bytes on a local disk, read once per
 * housekeeping period per link; fs/promises would hand each open/stat/read/close to the libuv
 * thread pool, four thread hand-offs and wake-ups per file for microseconds of work (issue 20).
 */
export async function readStateFile(dir: string, iface: string): Promise<string | null> {
  const text = files.read(join(dir, `${iface}.json`));
  return text === null ? null : parseStateFile(text);
}

/** The link's DHCP DNS servers: the IPv4 lease's, then the DHCPv6 lease's (issue 22). */
export async function readStateDns(dir: string, iface: string): Promise<string[]> {
  const v4 = files.read(join(dir, `${iface}.json`));
  const v6 = files.read(join(dir, `${iface}.dhcp6.json`));
  return [...(v4 === null ? [] : parseStateFileDns(v4, 'ipv4')), ...(v6 === null ? [] : parseStateFileDns(v6, 'ipv6'))];
}
