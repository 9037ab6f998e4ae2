// The namespace lab of the probe-socket tests (probe-raw-socket*.test.ts, probe-native-socket.test.ts):
// a router namespace with two veths to two peer namespaces, each link with IPv4 and/or IPv6
// addresses (the family is a parameter of the link, not a copy of the builder), optionally a
// link-local gateway and a target beyond it reached through a per-link IPv6 table + `oif` rule
// like the daemon's. Both veth ends are created inside namespaces: the root namespace is never
// touched. The drivers run inside the router namespace and print one JSON line.
import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { run, runInNs } from '../../lab/exec.js';
import { guardExit } from '../../lab/exit-guard.js';

export interface ProbeLink {
  /** The router's end of the veth; the peer's end is eth0. */
  routerIf: string;
  /** IPv4 /24 addresses of the router and the peer. */
  v4?: { router: string; peer: string };
  /** IPv6 /64 addresses of the router and the peer. */
  v6?: { router: string; peer: string };
  /** IPv6: the peer also answers as this link-local gateway (as RA routers do) ... */
  gateway6?: string;
  /** ... holds this address on lo, beyond the gateway ... */
  target6?: string;
  /** ... which the router reaches through this per-link table (default via gateway6) and an oif rule. */
  table6?: string;
}

export interface ProbeLab {
  ns: { router: string; a: string; b: string };
  /** Runs a driver script in the router namespace; its last stdout line, parsed. */
  drive<T>(script: string, args: readonly string[]): Promise<T>;
}

const DRIVER_DEADLINE_MS = 15_000;
/** Bound of the readiness wait: tries per peer address, and the pause between them. */
const READY_TRIES = 20;
const READY_PAUSE_MS = 200;

/** Builds the lab before the suite (root only: call inside a suite skipped otherwise) and deletes it after. */
export function useProbeLab(prefix: string, a: ProbeLink, b: ProbeLink): ProbeLab {
  const id = randomBytes(3).toString('hex');
  const ns = { router: `${prefix}-${id}-r`, a: `${prefix}-${id}-a`, b: `${prefix}-${id}-b` };
  let unguard: () => void = () => {};

  /** Synchronous so it can also run from the exit guard; deletes only our namespaces. */
  const destroy = (): void => {
    for (const n of Object.values(ns)) {
      try {
        execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // Already gone (or never made): nothing to clean.
      }
    }
  };

  before(async () => {
    unguard = guardExit(destroy);
    await build(ns, [[ns.a, a], [ns.b, b]]);
    await waitReady(ns.router, [a, b]);
  });

  after(() => {
    destroy();
    unguard();
  });

  return {
    ns,
    async drive<T>(script: string, args: readonly string[]): Promise<T> {
      const { stdout } = await runInNs(ns.router, process.execPath, [script, '--driver', ...args], { timeoutMs: DRIVER_DEADLINE_MS });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T;
    },
  };
}

async function build(ns: ProbeLab['ns'], links: ReadonlyArray<readonly [string, ProbeLink]>): Promise<void> {
  const v6 = links.some(([, l]) => l.v6 !== undefined);
  for (const n of Object.values(ns)) {
    await run('ip', ['netns', 'add', n]);
    // IPv6 addresses usable at once (no duplicate address detection wait), deterministic for the tests.
    if (v6) await runInNs(n, 'sysctl', ['-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
    await run('ip', ['-n', n, 'link', 'set', 'lo', 'up']);
  }
  for (const [peerNs, l] of links) {
    await run('ip', ['-n', ns.router, 'link', 'add', l.routerIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs]);
    if (l.v4) await run('ip', ['-n', ns.router, 'addr', 'add', `${l.v4.router}/24`, 'dev', l.routerIf]);
    if (l.v6) await run('ip', ['-n', ns.router, '-6', 'addr', 'add', `${l.v6.router}/64`, 'dev', l.routerIf, 'nodad']);
    await run('ip', ['-n', ns.router, 'link', 'set', l.routerIf, 'up']);
    if (l.v4) await run('ip', ['-n', peerNs, 'addr', 'add', `${l.v4.peer}/24`, 'dev', 'eth0']);
    if (l.v6) await run('ip', ['-n', peerNs, '-6', 'addr', 'add', `${l.v6.peer}/64`, 'dev', 'eth0', 'nodad']);
    if (l.gateway6) await run('ip', ['-n', peerNs, '-6', 'addr', 'add', `${l.gateway6}/64`, 'dev', 'eth0', 'nodad']);
    if (l.target6) await run('ip', ['-n', peerNs, '-6', 'addr', 'add', `${l.target6}/128`, 'dev', 'lo']);
    await run('ip', ['-n', peerNs, 'link', 'set', 'eth0', 'up']);
    if (l.gateway6 && l.table6) {
      // The daemon's per-link IPv6 table and rule: a probe bound to this link finds a default route via it.
      await run('ip', ['-n', ns.router, '-6', 'route', 'add', 'default', 'via', l.gateway6, 'dev', l.routerIf, 'table', l.table6, 'metric', '1']);
      await run('ip', ['-n', ns.router, '-6', 'rule', 'add', 'oif', l.routerIf, 'lookup', l.table6, 'priority', '1000']);
    }
  }
}

/**
 * A veth pair that has just come up may drop the first packets (link-local addresses, carrier and
 * neighbours settle asynchronously): wait, bounded, until ping(8) gets through to each peer on its
 * link, so the assertions judge the socket, not the lab's start-up.
 */
async function waitReady(router: string, links: readonly ProbeLink[]): Promise<void> {
  for (const l of links) {
    for (const peer of [l.v4?.peer, l.v6?.peer]) {
      if (peer === undefined) continue;
      for (let i = 0; i < READY_TRIES; i++) {
        try {
          await runInNs(router, 'ping', ['-c', '1', '-W', '1', '-I', l.routerIf, peer], { timeoutMs: 3000 });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, READY_PAUSE_MS));
        }
      }
    }
  }
}
