// Names the missing Debian package up front instead of failing mid-build with "exec of nft failed":
// the lab needs iproute2 (ip), nftables (nft) and procps (sysctl); tests also use iputils-ping.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
