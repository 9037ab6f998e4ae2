// The dhclient exit hook's state file, <gateway_state_dir>/<iface>.json = {"gateway": "a.b.c.d", ...}:
// the fallback source of a link's gateway when netlink has not shown one.
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';

/** Pure: the gateway in a state file's text, or null when absent or malformed. */
export function parseStateFile(text: string): string | null {
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null) return null;
    const gw = (data as Record<string, unknown>).gateway;
    return typeof gw === 'string' && isIPv4(gw) ? gw : null;
  } catch {
    return null;
  }
}

/**
 * Read on the event loop, on purpose: the file is a few dozen bytes on a local disk, read once per
 * housekeeping period per link; fs/promises would hand each open/stat/read/close to the libuv
 * thread pool, four thread hand-offs and wake-ups per file for microseconds of work (issue 20).
 */
export async function readStateFile(dir: string, iface: string): Promise<string | null> {
  try {
    return parseStateFile(readFileSync(join(dir, `${iface}.json`), 'utf8'));
  } catch {
    return null;
  }
}
