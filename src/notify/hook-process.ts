// Runs one hook program: no shell, a minimal environment plus the WAN_* variables, the event as
// JSON on stdin, output captured (bounded), and a timeout after which its whole process group is
// killed (SIGTERM, then SIGKILL after a grace period). This file and the hooks extension are the
// only place the daemon starts a program, and only programs the admin configured.
import { spawn } from 'node:child_process';

export interface HookRun {
  path: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  stdin: string;
  timeoutMs: number;
  /** Aborted at daemon stop: the hook's process group is killed as at its timeout (SIGTERM, SIGKILL after the grace). */
  signal?: AbortSignal;
  /** From SIGTERM to SIGKILL (default 2 s). */
  killGraceMs?: number;
}

export interface HookResult {
  /** Exit status; null when killed by a signal or not started. */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** errno code when the program could not be started (ENOENT, EACCES). */
  spawnError: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export type HookSpawner = (run: HookRun) => Promise<HookResult>;

/** Captured output per stream, for the debug log. */
const OUTPUT_LIMIT = 4096;
const KILL_GRACE_MS = 2000;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    // Negative pid: the process group (detached: true made the hook its leader), so a shell
    // script's `sleep` dies with it instead of holding the pipes open (kill(2)).
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export const spawnHook: HookSpawner = (run) => new Promise<HookResult>((resolve) => {
  const started = performance.now();
  const out = { stdout: '', stderr: '' };
  let timedOut = false;
  let settled = false;
  const child = spawn(run.path, [...run.args], {
    env: { PATH: process.env['PATH'] ?? DEFAULT_PATH, ...run.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    cwd: '/',
  });
  const collect = (key: 'stdout' | 'stderr') => (chunk: Buffer): void => {
    if (out[key].length < OUTPUT_LIMIT) out[key] += chunk.toString('utf8').slice(0, OUTPUT_LIMIT - out[key].length);
  };
  child.stdout.on('data', collect('stdout'));
  child.stderr.on('data', collect('stderr'));
  // A hook that does not read stdin closes it: EPIPE is not an error of the hook.
  child.stdin.on('error', () => undefined);
  const graceTimer: { t: NodeJS.Timeout | null } = { t: null };
  const kill = (): void => {
    if (settled || graceTimer.t) return;
    killGroup(child.pid, 'SIGTERM');
    // A hook that ignores SIGTERM (trap '' TERM) still goes: the group gets SIGKILL after the grace.
    graceTimer.t = setTimeout(() => killGroup(child.pid, 'SIGKILL'), run.killGraceMs ?? KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, run.timeoutMs);
  // Daemon stop (issue 19, defect 6): without this the daemon exits first and the hook lives on with PPID 1.
  const onAbort = (): void => kill();
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (run.signal?.aborted === true) queueMicrotask(onAbort);
  const finish = (r: Omit<HookResult, 'stdout' | 'stderr' | 'durationMs' | 'timedOut'>): void => {
    if (settled) return;
    settled = true;
    run.signal?.removeEventListener('abort', onAbort);
    clearTimeout(timer);
    if (graceTimer.t) clearTimeout(graceTimer.t);
    // Children the hook left behind must not keep our pipes (and this promise) alive.
    child.stdout.destroy();
    child.stderr.destroy();
    resolve({ ...r, timedOut, ...out, durationMs: Math.round(performance.now() - started) });
  };
  child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: err.code ?? err.message }));
  child.on('exit', (code, signal) => finish({ code, signal, spawnError: null }));
  child.stdin.end(run.stdin);
});
