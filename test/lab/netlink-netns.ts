// Test-side helpers for the netlink lab: create/delete `wfm-` namespaces and veth pairs with
// `ip`, and run a Node script inside a namespace (Node cannot setns() by itself).
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const IP_TIMEOUT_MS = 10_000;

export function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
}

/** A fresh namespace named wfm-<tag>-<hex>, with lo up. */
export function addNetns(tag: string): string {
  const name = `wfm-${tag}-${randomBytes(3).toString('hex')}`;
  ip(['netns', 'add', name]);
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** Deletes the namespaces that exist; never throws (used in finally/after). */
export function deleteNetns(names: string[]): void {
  for (const n of names) {
    try {
      ip(['netns', 'del', n]);
    } catch {
      // Already gone.
    }
  }
}

/** veth pair created directly inside two namespaces: the root namespace never sees either end. */
export function addVethPair(nsA: string, ifA: string, nsB: string, ifB: string): void {
  ip(['-n', nsA, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
}

export function nodeInNetns(ns: string, script: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, script, ...args], { stdio: 'pipe' });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
