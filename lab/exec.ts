// The lab's one process runner: every external program (ip, nft, sysctl, the daemon, the agent)
// is started here, bounded in time, and every long-lived child is tracked by pid so teardown
// kills only what this process started.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface RunOptions {
  /** Hard deadline; the child gets SIGKILL when it passes. */
  timeoutMs?: number;
  /** Text written to the child's stdin (e.g. an nft script for `nft -f -`). */
  input?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class RunError extends Error {
  constructor(
    message: string,
    readonly cmd: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Runs a program to completion; throws RunError (with its stderr) on a non-zero exit or timeout. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      [...args],
      { timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ stdout, stderr });
          return;
        }
        const code = typeof err.code === 'number' ? err.code : null;
        const why = err.killed ? `timed out after ${timeout} ms` : `exited with ${code ?? err.code}`;
        const line = `${cmd} ${args.join(' ')}`;
        reject(new RunError(`${line}: ${why}: ${stderr.trim() || err.message}`, cmd, args, code, stderr));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Runs a program inside a network namespace (`ip netns exec NS ...`). */
export function runInNs(ns: string, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

const tracked = new Set<ChildProcess>();

/**
 * Starts a long-lived program inside a namespace. `ip netns exec` execs the command in place
 * (iproute2 only forks in batch mode), so the returned pid is the program itself.
 */
export function spawnInNs(ns: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  child.once('error', () => tracked.delete(child));
  return child;
}

/** spawnInNs, and the child kept in `into` until it exits (a lab's own children, for its teardown). */
export function spawnInNsInto(into: Set<ChildProcess>, ns: string, cmd: string, args: readonly string[]): ChildProcess {
  const child = spawnInNs(ns, cmd, args);
  into.add(child);
  child.once('exit', () => into.delete(child));
  return child;
}

/** Children started by spawnInNs that have not exited yet. */
export function trackedChildren(): ChildProcess[] {
  return [...tracked];
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when the child has exited, or after timeoutMs (then false). */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Signals one child, escalating to SIGKILL after graceMs. Only children we started reach here. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (!isRunning(child)) return;
  child.kill(signal);
  if (await waitExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitExit(child, 2000);
}
