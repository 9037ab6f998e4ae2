// Names the missing Debian package up front instead of failing mid-build with "exec of nft failed":
// the lab needs iproute2 (ip), nftables (nft) and procps (sysctl); tests also use iputils-ping.
// And what a run that starts the daemon needs: root and the built daemon.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_MAIN } from './daemon-runner.js';

const PACKAGE_OF: Record<string, string> = { ip: 'iproute2', nft: 'nftables', sysctl: 'procps', ping: 'iputils-ping' };

export function findOnPath(cmd: string, pathVar: string = process.env.PATH ?? ''): string | null {
  const dirs = [...pathVar.split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter((d) => d.length > 0);
  for (const d of dirs) {
    const p = join(d, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Throws one error naming every missing tool and the apt command that installs it. */
export function requireTools(cmds: readonly string[] = ['ip', 'nft', 'sysctl']): void {
  const missing = cmds.filter((c) => findOnPath(c) === null);
  if (missing.length === 0) return;
  const pkgs = missing.map((c) => PACKAGE_OF[c] ?? c);
  throw new Error(`the lab needs ${missing.join(', ')}: apt-get install -y ${pkgs.join(' ')}`);
}

/**
 * What a lab run that starts the daemon needs before it builds anything: root (it builds network
 * namespaces) and the built daemon. Null when both hold; otherwise the line is printed and the
 * exit code returned (2: run it as root, 1: build first).
 */
export function daemonRunPreflight(needsRoot: string): number | null {
  if (process.getuid?.() !== 0) {
    console.error(needsRoot);
    return 2;
  }
  if (!existsSync(DAEMON_MAIN)) {
    console.error(`the daemon is not built (${DAEMON_MAIN} missing): run npm run build`);
    return 1;
  }
  return null;
}
