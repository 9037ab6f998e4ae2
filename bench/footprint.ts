// Bench part: the daemon's memory beside the floor of a bare Node process started with the same
// flags in the same namespace, and the V8 heap as the daemon itself reports it (/metrics).
import type { Agent } from '../lab/agent-client.js';
import type { DaemonHandle } from '../lab/daemon-runner.js';
import { daemonCommand, daemonLaunch, daemonNodeFlags } from '../lab/daemon-launch.js';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../lab/topology.js';
import { memoryKiB } from './proc.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number): string => (kib / 1024).toFixed(1);

const IMPORT_FLOOR = fileURLToPath(new URL('./import-floor.js', import.meta.url));

/** RSS (KiB) of an idle node launched as the daemon is, after it settled: `-e <idle>` or a script. */
async function idleNodeKiB(lab: Lab, script: string[]): Promise<number> {
  const [cmd, ...pre] = daemonCommand();
  const child = lab.spawn(lab.routerNs, cmd!, [...pre, ...daemonNodeFlags(), ...script]);
  try {
    await sleep(3000);
    // `ip netns exec` and `env` exec in place, so the child's pid is node's.
    return memoryKiB(child.pid!).rss;
  } finally {
    child.kill('SIGTERM');
  }
}

/** What any Node costs, launched as the daemon is. */
export function bareNodeKiB(lab: Lab): Promise<number> {
  return idleNodeKiB(lab, ['-e', 'setTimeout(() => {}, 60000)']);
}

/** What loading the daemon's modules costs, before it builds or runs anything (bench/import-floor.ts). */
export function importFloorKiB(lab: Lab): Promise<number> {
  return idleNodeKiB(lab, [IMPORT_FLOOR]);
}

/** Samples RSS every second for `seconds`; returns the peak and last sample (KiB). */
export async function sampleRss(pid: number, seconds: number): Promise<{ peak: number; last: number }> {
  let peak = 0;
  let last = 0;
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    last = memoryKiB(pid).rss;
    peak = Math.max(peak, last);
  }
  return { peak, last };
}

/** nodejs_heap_size_used/total_bytes and nodejs_external_memory_bytes from the daemon's /metrics, in MiB. */
export async function heapFigures(agent: Agent, d: DaemonHandle): Promise<string> {
  const r = await agent.http('GET', '/metrics', { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
  const get = (name: string): string => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(r.body);
    return m ? (Number(m[1]) / 1048576).toFixed(1) : '?';
  };
  return `V8 heap used ${get('nodejs_heap_size_used_bytes')} MiB of ${get('nodejs_heap_size_total_bytes')} MiB, external ${get('nodejs_external_memory_bytes')} MiB`;
}

/** The shipped launch, as printed beside the figures. */
export function launchText(): string {
  const l = daemonLaunch();
  return [...l.env, 'node', ...l.flags].join(' ');
}

export function footprintLines(steadyS: number, rss: { peak: number; last: number }, hwmKiB: number, floor: { bare: number; imports: number }, heap: string): string[] {
  return [
    `memory over ${steadyS} s of steady state: peak RSS ${mib(rss.peak)} MiB (last ${mib(rss.last)}; VmHWM since start ${mib(hwmKiB)}); ${heap}`,
    `  floors, launched the same way (${launchText()}): bare Node ${mib(floor.bare)} MiB (-e <idle>); the daemon's modules loaded, nothing built or run `
      + `${mib(floor.imports)} MiB (bench/import-floor.ts); so running costs ${mib(rss.peak - floor.imports)} MiB above loading`,
  ];
}
