// Reads a process's CPU time, memory and children from /proc (the daemon runs in a netns, but
// /proc of the root mount shows every pid). Linux-only, like the daemon.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
}

export function memoryKiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: get('VmRSS'), peak: get('VmHWM') };
}

/** Pids of the process's direct children, over all its threads. */
export function children(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.push(...readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch { /* thread ended */ }
  }
  return out;
}

/**
 * Context switches of every thread of the process (voluntary + nonvoluntary, from
 * /proc/PID/task/TID/status): each one is a thread that went to sleep or was preempted, so their
 * rate is the process's wake-up rate. `main` is the event-loop thread (TID = PID) alone.
 */
export function contextSwitches(pid: number): { total: number; main: number } {
  let total = 0;
  let main = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    } catch { continue; /* thread ended */ }
    const get = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    const n = get('voluntary_ctxt_switches') + get('nonvoluntary_ctxt_switches');
    total += n;
    if (Number(tid) === pid) main = n;
  }
  return { total, main };
}

/** CPU seconds of every thread of the process, at nanosecond resolution (/proc/PID/task/TID/schedstat). */
export function cpuSecondsPrecise(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch { /* thread ended */ }
  }
  return ns / 1e9;
}
