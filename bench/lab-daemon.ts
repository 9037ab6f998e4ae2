// What the lab benchmarks share: a daemon run for the length of one measurement, and the time from
// an upstream fault on wan1 to the kernel's default route on wan2, seen on netlink.
import type { Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import type { Lab } from '../lab/topology.js';
import { cpuSeconds, memoryKiB } from './proc.js';
import { routeMovedTo, waitActive } from './route-events.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts the daemon with `cfg` over the lab's defaults, runs fn once it is ready, always disposes it. */
export async function withDaemon<T>(lab: Lab, cfg: Record<string, unknown>, fn: (d: DaemonHandle) => Promise<T>): Promise<T> {
  const d = await startDaemon(lab, labConfig(lab, cfg));
  try {
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    return await fn(d);
  } finally {
    await d.dispose().catch(() => undefined);
  }
}

/**
 * Upstream fault on wan1 (total, or lossPct) -> the default route on wan2, `runs` times, in seconds.
 * Before each run it waits for wan1 to be active and then settleMs plus up to 1 s at random, so the
 * fault lands anywhere in a round; it heals after each.
 */
export async function switchTimes(lab: Lab, agent: Agent, o: { runs: number; settleMs: number; lossPct?: number }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    await waitActive(agent, 'wan1', 90_000);
    await sleep(o.settleMs + Math.random() * 1000);
    const moved = routeMovedTo(agent, 'wan2', 60_000);
    await sleep(50);
    await lab.fail(1, 'upstream', o.lossPct === undefined ? {} : { lossPct: o.lossPct });
    const t0 = performance.now();
    out.push(((await moved) - t0) / 1000);
    await lab.heal(1);
  }
  return out;
}

/** `lossPct` random loss on both links for `seconds` while `d` runs: the daemon's log lines meanwhile. */
export async function bothLinksLossy(lab: Lab, agent: Agent, d: DaemonHandle, lossPct: number, seconds: number): Promise<DaemonHandle['logs']> {
  await waitActive(agent, 'wan1', 60_000);
  const before = d.logs.length;
  await lab.fail(1, 'upstream', { lossPct });
  await lab.fail(2, 'upstream', { lossPct });
  await sleep(seconds * 1000);
  await lab.heal(1);
  await lab.heal(2);
  return d.logs.slice(before);
}

/** CPU (% of one core) and RSS of a daemon run with `cfg` over `seconds`, after 5 s to settle. */
export function steadyCost(lab: Lab, cfg: Record<string, unknown>, seconds: number): Promise<string> {
  return withDaemon(lab, cfg, async (d) => {
    await sleep(5000);
    const c0 = cpuSeconds(d.pid);
    await sleep(seconds * 1000);
    const c1 = cpuSeconds(d.pid);
    const m = memoryKiB(d.pid);
    return `CPU ${(((c1 - c0) / seconds) * 100).toFixed(2)} % of one core, RSS ${(m.rss / 1024).toFixed(1)} MiB (peak ${(m.peak / 1024).toFixed(1)})`;
  });
}
