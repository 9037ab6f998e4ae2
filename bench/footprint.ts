// Bench part: the daemon's memory beside the floor of a bare Node process started with the same
// flags in the same namespace, and the V8 heap as the daemon itself reports it (/metrics).
import type { Agent } from '../lab/agent-client.js';
import type { DaemonHandle } from '../lab/daemon-runner.js';
import { daemonNodeFlags } from '../lab/node-flags.js';
import type { Lab } from '../lab/topology.js';
import { memoryKiB } from './proc.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number): string => (kib / 1024).toFixed(1);

/** RSS (KiB) of `node -e <idle>` with the daemon's flags after it settled: what any Node costs. */
export async function bareNodeKiB(lab: Lab): Promise<number> {
  const child = lab.spawn(lab.routerNs, process.execPath, [...daemonNodeFlags(), '-e', 'setTimeout(() => {}, 60000)']);
  try {
    await sleep(3000);
    // `ip netns exec` execs node in place, so the child's pid is node's.
    return memoryKiB(child.pid!).rss;
  } finally {
    child.kill('SIGTERM');
  }
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

export function footprintLine(steadyS: number, rss: { peak: number; last: number }, hwmKiB: number, floorKiB: number, heap: string): string {
  return `memory over ${steadyS} s of steady state: peak RSS ${mib(rss.peak)} MiB (last ${mib(rss.last)}; VmHWM since start ${mib(hwmKiB)}), `
    + `bare Node floor ${mib(floorKiB)} MiB (node ${daemonNodeFlags().join(' ')} -e <idle>), so ${mib(rss.peak - floorKiB)} MiB are the daemon's own; ${heap}`;
}
