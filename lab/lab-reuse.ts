// PURE: what to do about a lab that already exists under the prefix we are about to build.
// A lab is IN USE while any process lives in one of its namespaces (the daemon of a demo run or
// of `npm run lab -- up`, a test's agent): it is refused, never destroyed under its user. A lab
// with no process left is STALE (a crashed or killed run): it is removed, and the caller says so.

export interface LabProcess {
  pid: number;
  /** Its namespace. */
  ns: string;
  /** /proc/PID/comm, '' when unknown. */
  name: string;
}

export interface ExistingLab {
  prefix: string;
  /** The namespaces of this prefix that exist now. */
  namespaces: readonly string[];
  /** Processes alive inside them (never the caller itself). */
  processes: readonly LabProcess[];
}

export type ReuseDecision =
  | { kind: 'fresh' }
  | { kind: 'remove-stale'; namespaces: string[]; note: string }
  | { kind: 'refuse'; message: string };

/** ' --prefix NAME' to append to a lab command line; '' for the default prefix. */
export function prefixOption(prefix: string, defaultPrefix: string): string {
  return prefix === defaultPrefix ? '' : ` --prefix ${prefix}`;
}

/** How to tear down a lab of this prefix by hand. */
export function downCommand(prefix: string, defaultPrefix: string): string {
  return `npm run lab -- down${prefixOption(prefix, defaultPrefix)}`;
}

export function decideExistingLab(e: ExistingLab, defaultPrefix: string): ReuseDecision {
  if (e.namespaces.length === 0) return { kind: 'fresh' };
  const names = [...e.namespaces].sort();
  if (e.processes.length === 0) {
    return {
      kind: 'remove-stale',
      namespaces: names,
      note: `removing a stale lab "${e.prefix}" (no process left in ${names.join(', ')})`,
    };
  }
  const shown = e.processes.slice(0, 5).map((p) => `${p.pid}${p.name === '' ? '' : ` ${p.name}`} in ${p.ns}`);
  const more = e.processes.length > shown.length ? ` and ${e.processes.length - shown.length} more` : '';
  return {
    kind: 'refuse',
    message:
      `lab "${e.prefix}" is in use: ${e.processes.length} process(es) run in its namespaces (${shown.join(', ')}${more}). ` +
      `Remove it with '${downCommand(e.prefix, defaultPrefix)}' (stops them), or build another lab beside it with ` +
      `'--prefix NAME' (e.g. npm run lab -- --prefix ${e.prefix}2).`,
  };
}
