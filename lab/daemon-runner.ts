// Starts the REAL daemon (dist/src/main.js) inside the lab's router namespace and follows its JSON
// log lines, so tests, the demo and the bench can wait on what the daemon says it did.
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { isRunning, spawnInNs, terminate, waitExit } from './exec.js';
import { onLines, parseJsonLine, type JsonObject } from './json-lines.js';
import { writeDaemonFiles, type DaemonConfig, type DaemonFiles } from './daemon-config.js';
import type { Lab } from './topology.js';
import { daemonCommand, daemonNodeFlags } from './daemon-launch.js';

export { labConfig, type DaemonConfig } from './daemon-config.js';

/** One pino line (an object with `msg`), or a non-JSON stdout line kept as { msg, raw: true }. */
export type LogLine = JsonObject & { msg?: string };

export interface DaemonHandle {
  readonly pid: number;
  readonly logs: LogLine[];
  /** Everything the daemon wrote to stderr (last 64 KiB). */
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly stateDir: string;
  readonly configPath: string;
  readonly logFile: string;
  readonly dir: string;
  readonly apiPort: number;
  readonly apiKey: string;
  /** Resolves with the first line (already logged or future) matching pred; rejects on timeout or exit. */
  waitForLog(pred: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Signals the daemon, SIGKILL after timeoutMs; resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
  /** Stops the daemon and removes its temp dir (unless the caller supplied the dir). */
  dispose(): Promise<void>;
}

export interface StartDaemonOptions {
  /** Use this dir instead of a fresh temp dir (it is then never removed). */
  dir?: string;
  /** Path of the daemon entry; default <repo>/dist/src/main.js. */
  mainPath?: string;
  /** Node arguments; default the shipped ones (install/daemon-launch, whose environment is always used). */
  nodeArgs?: string[];
  /** Echo each log line (e.g. for the demo's verbose mode). */
  onLog?: (line: LogLine) => void;
  /** Write the dhclient state files for the lab's links (default true; false when real DHCP writes them). */
  stateFiles?: boolean;
  /** Run node under this command (e.g. setpriv with capabilities, as the unit's sandbox does). */
  commandPrefix?: readonly string[];
  /** Hand the daemon's dir and files to this user before it starts (an unprivileged daemon). */
  owner?: { uid: number; gid: number };
}

/** What starting a daemon needs of a lab: a single-router Lab, or one router of the VRRP pair (pair.ts). */
export type DaemonLab = Pick<Lab, 'prefix' | 'routerNs' | 'links' | 'targets' | 'spawn'>;

export const DAEMON_MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

interface Waiter {
  pred: (line: LogLine) => boolean;
  resolve: (line: LogLine) => void;
}

class RunningDaemon implements DaemonHandle {
  readonly logs: LogLine[] = [];
  private readonly waiters = new Set<Waiter>();
  private stderrText = '';

  constructor(
    private readonly child: ChildProcess,
    readonly configPath: string,
    readonly stateDir: string,
    readonly logFile: string,
    readonly dir: string,
    readonly apiPort: number,
    readonly apiKey: string,
    private readonly ownsDir: boolean,
    onLog: ((line: LogLine) => void) | undefined,
  ) {
    onLines(child.stdout!, (text) => {
      const line: LogLine = parseJsonLine(text) ?? { msg: text, raw: true };
      this.logs.push(line);
      onLog?.(line);
      for (const w of [...this.waiters]) {
        if (w.pred(line)) {
          this.waiters.delete(w);
          w.resolve(line);
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      this.stderrText = (this.stderrText + s).slice(-65536);
    });
  }

  get pid(): number { return this.child.pid ?? -1; }
  get stderr(): string { return this.stderrText; }
  get exitCode(): number | null { return this.child.exitCode; }

  waitForLog(pred: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const seen = this.logs.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        this.child.off('exit', onExit);
        const tail = this.logs.slice(-5).map((l) => l.msg).join(' | ');
        reject(new Error(`${why}; last log lines: ${tail}; stderr: ${this.stderrText.slice(-1500).trim()}`));
      };
      const onExit = (code: number | null, sig: string | null): void => {
        // Let the last stdout lines arrive before judging.
        setImmediate(() => {
          const late = this.logs.find(pred);
          if (late !== undefined) finish(late);
          else fail(`daemon exited (code ${code}, signal ${sig}) before the awaited log line`);
        });
      };
      const finish = (line: LogLine): void => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        this.waiters.delete(waiter);
        resolve(line);
      };
      const waiter: Waiter = { pred, resolve: finish };
      const timer = setTimeout(() => fail(`no matching daemon log line within ${timeoutMs} ms`), timeoutMs);
      if (!isRunning(this.child)) {
        onExit(this.child.exitCode, this.child.signalCode);
        return;
      }
      this.waiters.add(waiter);
      this.child.once('exit', onExit);
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5000): Promise<number | null> {
    await terminate(this.child, signal, timeoutMs);
    return this.child.exitCode;
  }

  async kill9(): Promise<void> {
    if (isRunning(this.child)) this.child.kill('SIGKILL');
    await waitExit(this.child, 2000);
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await chownTree(p, uid, gid);
    else await chown(p, uid, gid);
  }
}

/** Writes the config into a fresh temp dir and starts the daemon inside the lab's router ns. */
export async function startDaemon(lab: DaemonLab, config: DaemonConfig, opts: StartDaemonOptions = {}): Promise<DaemonHandle> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), `${lab.prefix}-daemon-`)));
  const files = await writeDaemonFiles(lab, config, dir, opts.stateFiles ?? true);
  const args = [...(opts.nodeArgs ?? daemonNodeFlags()), opts.mainPath ?? DAEMON_MAIN, '--config', files.configPath];
  if (opts.owner) await chownTree(dir, opts.owner.uid, opts.owner.gid);
  const [cmd, ...pre] = [...(opts.commandPrefix ?? []), ...daemonCommand()];
  const child = lab.spawn(lab.routerNs, cmd!, [...pre, ...args]);
  return new RunningDaemon(
    child, files.configPath, files.stateDir, files.logFile, dir, files.apiPort, files.apiKey, opts.dir === undefined, opts.onLog,
  );
}

/**
 * Starts the daemon detached, output appended to <dir>/daemon.out, so it outlives this process
 * (`npm run lab -- up`, `npm run lab -- --keep`). `npm run lab -- down` ends it with the namespace.
 */
export async function startDetachedDaemon(lab: Lab, config: DaemonConfig, dir: string): Promise<{ pid: number; files: DaemonFiles }> {
  const files = await writeDaemonFiles(lab, config, dir);
  const outFd = openSync(join(dir, 'daemon.out'), 'a');
  try {
    const [cmd, ...pre] = daemonCommand();
    const child = spawnInNs(lab.routerNs, cmd!, [...pre, ...daemonNodeFlags(), DAEMON_MAIN, '--config', files.configPath], {
      detached: true,
      stdio: ['ignore', outFd, outFd],
    });
    child.unref();
    return { pid: child.pid ?? -1, files };
  } finally {
    closeSync(outFd);
  }
}
