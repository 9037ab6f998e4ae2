// Reads the daemon's resident memory, open descriptors and start time from /proc (the daemon runs
// in a netns, but the root mount's /proc shows every pid). Parsers are pure; readers return null
// once the process is gone instead of throwing, so a crash is reported, not a stack trace.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcSample {
  rssKiB: number;
  fds: number;
  /** Clock ticks since boot at which the process started: a changed value means a new process. */
  startTicks: number;
}

/** VmRSS in KiB from the text of /proc/<pid>/status, or null. */
export function parseVmRssKiB(status: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m === null ? null : Number(m[1]);
}

/** Field 22 (starttime) of /proc/<pid>/stat; the command name may hold spaces and ')' so parse after the last ')'. */
export function parseStartTicks(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ") " come fields 3.. ; starttime is field 22, so index 19 of the rest.
  const v = Number(stat.slice(close + 2).split(' ')[19]);
  return Number.isFinite(v) ? v : null;
}

export function readProc(pid: number, procRoot = '/proc'): ProcSample | null {
  try {
    const rssKiB = parseVmRssKiB(readFileSync(`${procRoot}/${pid}/status`, 'utf8'));
    const startTicks = parseStartTicks(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
    const fds = readdirSync(`${procRoot}/${pid}/fd`).length;
    if (rssKiB === null || startTicks === null) return null;
    return { rssKiB, fds, startTicks };
  } catch {
    return null;
  }
}
