// Runs the REAL keepalived (Debian package `keepalived`) inside one router namespace of the pair
// lab, with its own config and pid files in a temp dir: never /etc/keepalived, never a systemd
// service. Started through the lab's spawn (tracked, ended by pid at teardown); its console log
// lines are kept with their arrival time, so tests and the bench can wait on state changes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { isRunning, terminate, waitExit } from './exec.js';
import { onLines } from './json-lines.js';
import { epochNow } from './lan.js';

export interface KeepalivedLine {
  /** epochNow() when the line arrived. */
  at: number;
  text: string;
}

export interface KeepalivedHandle {
  readonly pid: number;
  readonly lines: readonly KeepalivedLine[];
  /** The first line (already seen, or arriving after `afterAt`) matching re; rejects on timeout or exit. */
  waitFor(re: RegExp, timeoutMs: number, afterAt?: number): Promise<KeepalivedLine>;
  stop(): Promise<void>;
}

export interface KeepalivedHost {
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess;
}

/**
 * keepalived(8): -n no fork, -l log to the console, -G no syslog, -P the VRRP subsystem only; the
 * pid files in `dir` (the parent's and the VRRP child's) keep it off /run/keepalived*.
 */
export async function startKeepalived(host: KeepalivedHost, ns: string, dir: string, conf: string): Promise<KeepalivedHandle> {
  const file = join(dir, 'keepalived.conf');
  await writeFile(file, conf, { mode: 0o644 });
  const child = host.spawn(ns, 'keepalived', ['-n', '-l', '-G', '-P', '-f', file, '-p', join(dir, 'keepalived.pid'), '-r', join(dir, 'keepalived-vrrp.pid')]);
  const lines: KeepalivedLine[] = [];
  const waiters = new Set<() => void>();
  const take = (text: string): void => {
    lines.push({ at: epochNow(), text });
    if (lines.length > 5000) lines.splice(0, lines.length - 5000);
    for (const w of [...waiters]) w();
  };
  onLines(child.stdout!, take);
  onLines(child.stderr!, take);
  child.once('exit', () => { for (const w of [...waiters]) w(); });
  return {
    get pid() { return child.pid ?? -1; },
    lines,
    waitFor(re, timeoutMs, afterAt = -Infinity) {
      const find = (): KeepalivedLine | undefined => lines.find((l) => l.at > afterAt && re.test(l.text));
      const now = find();
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const w = (): void => {
          const hit = find();
          if (hit) {
            done();
            resolve(hit);
          } else if (!isRunning(child)) {
            done();
            reject(new Error(`keepalived in ${ns} exited (${child.exitCode}); last lines: ${lines.slice(-5).map((l) => l.text).join(' | ')}`));
          }
        };
        const done = (): void => {
          waiters.delete(w);
          clearTimeout(timer);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`keepalived in ${ns}: no line matching ${re} within ${timeoutMs} ms; last lines: ${lines.slice(-5).map((l) => l.text).join(' | ')}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async stop() {
      // SIGTERM: keepalived releases the virtual address and its VRRP child stops with it.
      await terminate(child, 'SIGTERM', 3000);
      await waitExit(child, 1000);
    },
  };
}
