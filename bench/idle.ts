// Bench part: the daemon at rest. Wake-ups per second (context switches of all its threads, and of
// the event-loop thread alone, bench/proc.ts) and CPU seconds per 30 s, over a window of steady
// state, printed with the config and the bound issue 20 sets for it. A figure, never a pass/fail.
import { cpus, loadavg } from 'node:os';
import { contextSwitches, cpuSecondsPrecise } from './proc.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface IdleFigures {
  seconds: number;
  wakeupsPerS: number;
  mainWakeupsPerS: number;
  cpuPer30S: number;
  /** The machine's 1-minute load average at the end (the cores are shared). */
  load: number;
}

export async function idleFigures(pid: number, seconds: number): Promise<IdleFigures> {
  const c0 = contextSwitches(pid);
  const cpu0 = cpuSecondsPrecise(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const c1 = contextSwitches(pid);
  const cpu1 = cpuSecondsPrecise(pid);
  const s = (performance.now() - t0) / 1000;
  return { seconds: s, wakeupsPerS: (c1.total - c0.total) / s, mainWakeupsPerS: (c1.main - c0.main) / s, cpuPer30S: ((cpu1 - cpu0) / s) * 30, load: loadavg()[0] ?? 0 };
}

export interface IdleBounds { wakeupsPerS: number; cpuPer30S: number }

export function idleLines(mode: string, config: string, f: IdleFigures, bound: IdleBounds): string[] {
  return [
    `at rest, ${mode} (${config}), over ${f.seconds.toFixed(0)} s: wake-ups ${f.wakeupsPerS.toFixed(1)}/s all threads `
      + `(event-loop thread ${f.mainWakeupsPerS.toFixed(1)}/s; bound ${bound.wakeupsPerS}/s); `
      + `CPU ${f.cpuPer30S.toFixed(3)} s per 30 s (bound ${bound.cpuPer30S} s); machine load average ${f.load.toFixed(1)} on ${cpus().length} cores`,
  ];
}
