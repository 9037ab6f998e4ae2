// How the daemon is launched (install/daemon-launch, one owner): install.sh writes it into the
// installed wrapper, and the lab, tests and benchmarks start the daemon the same way, so what they
// measure is what ships.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DAEMON_LAUNCH_FILE = fileURLToPath(new URL('../../install/daemon-launch', import.meta.url));

export interface DaemonLaunch {
  /** NAME=value entries, for the daemon's environment. */
  env: string[];
  /** node/V8 flags, before the entry script. */
  flags: string[];
}

/** PURE: # lines are comments; NAME=value entries are environment, the rest node flags. */
export function parseDaemonLaunch(text: string): DaemonLaunch {
  const words = text.split('\n').filter((l) => !/^\s*#/.test(l)).join(' ').split(/\s+/).filter((w) => w !== '');
  const isEnv = (w: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w);
  return { env: words.filter(isEnv), flags: words.filter((w) => !isEnv(w)) };
}

export function daemonLaunch(): DaemonLaunch {
  return parseDaemonLaunch(readFileSync(DAEMON_LAUNCH_FILE, 'utf8'));
}

/** The command (and its leading arguments) that runs node as the daemon runs: `env NAME=value... node`. */
export function daemonCommand(node: string = process.execPath): string[] {
  const { env } = daemonLaunch();
  return env.length > 0 ? ['env', ...env, node] : [node];
}

/** The daemon's node flags. */
export function daemonNodeFlags(): string[] {
  return daemonLaunch().flags;
}
