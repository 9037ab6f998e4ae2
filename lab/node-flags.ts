// The daemon's node flags (install/daemon-node-flags, one owner): install.sh writes them into the
// installed wrapper, and the lab, tests and benchmarks start the daemon with them, so what they
// measure is what ships.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DAEMON_NODE_FLAGS_FILE = fileURLToPath(new URL('../../install/daemon-node-flags', import.meta.url));

/** PURE: the flags of the file's text: # lines are comments, the rest split on white space. */
export function parseNodeFlags(text: string): string[] {
  return text.split('\n').filter((l) => !/^\s*#/.test(l)).join(' ').split(/\s+/).filter((f) => f !== '');
}

export function daemonNodeFlags(): string[] {
  return parseNodeFlags(readFileSync(DAEMON_NODE_FLAGS_FILE, 'utf8'));
}
