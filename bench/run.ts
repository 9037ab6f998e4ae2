// `npm run bench` (root): the real daemon in the namespace lab. Measures time from an injected
// upstream loss and from carrier loss to the default-route switch (seen on netlink), child
// processes spawned, steady-state CPU and memory, and /api/status throughput. Prints each figure
// with the config used and the bound that config implies. A benchmark, never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createLab, type Lab } from '../lab/topology.js';
import { runInNs } from '../lab/exec.js';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import type { NetlinkEvent } from '../src/netlink/types.js';
import { children, cpuSeconds, memoryKiB } from './proc.js';
import { summary } from './stats.js';
import { benchMqtt } from './mqtt-delay.js';
import { metricsBench } from './metrics-load.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 30);
const SCRAPE_S = Number(process.env.BENCH_SCRAPE_S ?? 20);
const CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the time (performance.now) of the first netlink event that matches. */
async function firstEvent(agent: Agent, what: string, match: (e: NetlinkEvent) => boolean, timeoutMs: number): Promise<number> {
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      void agent.onEvent((e) => { if (match(e)) resolve(performance.now()); }).then((u) => { off = u; });
    });
  } finally {
    clearTimeout(timer);
    (off as (() => void) | null)?.();
  }
}

async function ifindexOf(agent: Agent, iface: string): Promise<number> {
  return (await agent.dump()).links.find((l) => l.name === iface)!.index;
}

async function routeMovedTo(agent: Agent, iface: string, timeoutMs: number): Promise<number> {
  const idx = await ifindexOf(agent, iface);
  return firstEvent(agent, `switch to ${iface}`, (e) =>
    e.kind === 'route' && e.op === 'new' && e.route.table === 254 && e.route.dst === null && e.route.oif === idx, timeoutMs);
}

async function linkLost(agent: Agent, iface: string, timeoutMs: number): Promise<number> {
  return firstEvent(agent, `carrier loss on ${iface}`, (e) => e.kind === 'link' && e.link.name === iface && !e.link.carrier, timeoutMs);
}

async function activeIs(agent: Agent, iface: string): Promise<boolean> {
  const snap = await agent.dump();
  const idx = snap.links.find((l) => l.name === iface)?.index;
  const r = snap.routes.filter((x) => x.family === 'inet' && x.table === 254 && x.dst === null).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))[0];
  return r?.oif === idx;
}

async function waitActive(agent: Agent, iface: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await activeIs(agent, iface)) return;
    await sleep(200);
  }
  throw new Error(`route did not return to ${iface}`);
}

async function measure(lab: Lab, agent: Agent, kind: 'upstream' | 'carrier'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await waitActive(agent, 'wan1', 30_000);
    await sleep(1500 + Math.random() * 1000); // land the fault anywhere in the probe cycle
    const moved = routeMovedTo(agent, 'wan2', 20_000);
    const carrierLost = kind === 'carrier' ? linkLost(agent, 'wan1', 20_000) : null;
    await sleep(50); // the subscriptions are live
    await lab.fail(1, kind);
    // Upstream: the nft rule is active once nft returns. Carrier: the kernel's own link event is t0.
    const t0 = carrierLost ? await carrierLost : performance.now();
    const t1 = await moved;
    out.push(t1 - t0);
    await lab.heal(1);
  }
  return out;
}

async function apiThroughput(lab: Lab, d: DaemonHandle): Promise<{ rps: number; p99: number; errors: number }> {
  const require = createRequire(import.meta.url);
  const bin = require.resolve('autocannon/autocannon.js');
  const res = await runInNs(lab.routerNs, process.execPath, [bin, '-c', '10', '-d', '10', '-j', '-H', `authorization=Bearer ${d.apiKey}`,
    `http://127.0.0.1:${d.apiPort}/api/status`], { timeoutMs: 30_000 });
  const j = JSON.parse(res.stdout) as { requests: { average: number }; latency: { p99: number }; errors: number; non2xx: number };
  return { rps: j.requests.average, p99: j.latency.p99, errors: j.errors + j.non2xx };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench: needs root (it builds network namespaces)\n');
    process.exit(2);
  }
  const lab = await createLab({ prefix: `wfb-${randomBytes(2).toString('hex')}` });
  let d: DaemonHandle | null = null;
  let agent: Agent | null = null;
  let watch: NodeJS.Timeout | undefined;
  try {
    agent = await openAgent(lab.routerNs);
    d = await startDaemon(lab, labConfig(lab, CFG));
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    const kids = new Set<number>();
    watch = setInterval(() => {
      try { for (const c of children(d!.pid)) kids.add(c); } catch { /* the daemon has exited */ }
    }, 20);

    console.log(`wan-failover bench — lab: 2 WANs in network namespaces; config: ${JSON.stringify(CFG)}`);
    if (process.env.BENCH_ONLY === 'metrics') {
      for (const line of await metricsBench(lab, agent, d, SCRAPE_S)) console.log(line);
      return;
    }
    const ci = CFG.check_interval, ft = CFG.failure_threshold, pt = CFG.ping_timeout;
    const up = await measure(lab, agent, 'upstream');
    console.log(`upstream loss -> switch: ${summary(up.map((x) => x / 1000), 's', 2)}`);
    console.log(`  bound from config: ${((ft - 1) * ci + pt).toFixed(2)} .. ${(ft * ci + pt).toFixed(2)} s ((failure_threshold-1) x check_interval + ping_timeout .. failure_threshold x check_interval + ping_timeout)`);
    const car = await measure(lab, agent, 'carrier');
    console.log(`carrier loss -> switch: ${summary(car, 'ms', 1)} (aim: < 100 ms; no probe cycle involved)`);

    await waitActive(agent, 'wan1', 30_000);
    const cpu0 = cpuSeconds(d.pid);
    const mem0 = memoryKiB(d.pid);
    await sleep(STEADY_S * 1000);
    const cpu1 = cpuSeconds(d.pid);
    const mem1 = memoryKiB(d.pid);
    console.log(`steady state over ${STEADY_S} s (2 links, ${labConfig(lab).ping_targets instanceof Array ? (labConfig(lab).ping_targets as string[]).length : '?'} targets + gateways, every ${ci} s): `
      + `CPU ${(cpu1 - cpu0).toFixed(2)} s (${(((cpu1 - cpu0) / STEADY_S) * 100).toFixed(2)} % of one core), RSS ${(mem1.rss / 1024).toFixed(1)} MiB (was ${(mem0.rss / 1024).toFixed(1)}), peak RSS ${(mem1.peak / 1024).toFixed(1)} MiB`);

    const api = await apiThroughput(lab, d);
    console.log(`GET /api/status: ${api.rps.toFixed(0)} req/s, p99 ${api.p99} ms, ${api.errors} errors (autocannon, 10 connections, 10 s, inside the router namespace; daemon probing meanwhile)`);
    for (const line of await metricsBench(lab, agent, d, SCRAPE_S)) console.log(line);
    clearInterval(watch);
    console.log(`child processes spawned by the daemon: ${kids.size} (sampled every 20 ms over the whole run; no hooks configured)`);
  } finally {
    clearInterval(watch);
    await d?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
  await benchMqtt(RUNS);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
