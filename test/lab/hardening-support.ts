// Scaffolding for the hardening lab tests: the same rig as support.ts but in this suite's own
// `wfh-` namespaces, plus what these tests measure on the real daemon process (RSS from /proc,
// switch times from its log lines).
import { readFile } from 'node:fs/promises';
import type { DaemonHandle, LogLine } from '../../lab/daemon-runner.js';
import { switches, withRig, type Rig } from './support.js';

export { activeIface, notRoot, sleep, status, switchedTo, switches, waitFor, type Rig } from './support.js';

/** Optional: run the suite against another build of the daemon (e.g. a patched copy). */
const MAIN_OVERRIDE = process.env.WFH_DAEMON_MAIN;

/** Runs fn with a fresh `wfh-` lab, an agent in the router ns and a daemon starter; always cleans up. */
export function withHardRig(tag: string, fn: (rig: Rig) => Promise<void>): Promise<void> {
  return withRig(tag, fn, { prefix: 'wfh', mainPath: MAIN_OVERRIDE });
}

/** Resident set size of a process in KiB, from /proc/<pid>/status (VmRSS). */
export async function rssKiB(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** True while a process exists (signal 0 probes without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface SwitchAt {
  to: string;
  from: string;
  reason: string;
  atMs: number;
}

/** The daemon's "default route switched" lines with their log times (pino ISO `time`). */
export function switchTimes(d: DaemonHandle): SwitchAt[] {
  return switches(d).map((l: LogLine) => ({
    to: String(l.to), from: String(l.from), reason: String(l.reason), atMs: Date.parse(String(l.time)),
  }));
}

/** Resolves with the first log line after index `from` matching pred (bounded). */
export function logAfter(d: DaemonHandle, from: number, pred: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
  return d.waitForLog((l) => d.logs.indexOf(l) >= from && pred(l), timeoutMs);
}
