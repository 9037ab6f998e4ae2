// The dhclient exit hook's state file, <gateway_state_dir>/<iface>.json = {"gateway": "a.b.c.d", ...}:
// the fallback source of a link's gateway when netlink has not shown one.
import { readFile } from 'node:fs/promises';
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

export async function readStateFile(dir: string, iface: string): Promise<string | null> {
  try {
    return parseStateFile(await readFile(join(dir, `${iface}.json`), 'utf8'));
  } catch {
    return null;
  }
}
