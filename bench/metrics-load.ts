// Bench part: the cost of Prometheus scrapes. Probe RTT (the daemon's own histogram, targets
// only) over a quiet window and over a window with 10 scrapes/s of GET /metrics (autocannon
// -R 10 inside the router namespace, which also gives the scrape latency).
import { createRequire } from 'node:module';
import type { Agent } from '../lab/agent-client.js';
import type { DaemonHandle } from '../lab/daemon-runner.js';
import { runInNs } from '../lab/exec.js';
import type { Lab } from '../lab/topology.js';

export interface RttTotals { sum: number; count: number }

/** Sum and count of wan_failover_probe_rtt_seconds over every non-gateway target. */
export function rttTotals(text: string): RttTotals {
  const out: RttTotals = { sum: 0, count: 0 };
  for (const m of text.matchAll(/^wan_failover_probe_rtt_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
    if (/target="gateway"/.test(m[2]!)) continue;
    out[m[1] as 'sum' | 'count'] += Number(m[3]);
  }
  return out;
}

async function scrape(agent: Agent, d: DaemonHandle): Promise<string> {
  const r = await agent.http('GET', '/metrics', { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
  if (r.status !== 200) throw new Error(`/metrics: ${r.status}`);
  return r.body;
}

function meanMs(a: RttTotals, b: RttTotals): string {
  const n = b.count - a.count;
  return n > 0 ? `${(((b.sum - a.sum) / n) * 1000).toFixed(3)} ms over ${n} probes` : 'no probes';
}

export async function metricsBench(lab: Lab, agent: Agent, d: DaemonHandle, seconds: number): Promise<string[]> {
  const t0 = rttTotals(await scrape(agent, d));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const t1 = rttTotals(await scrape(agent, d));
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const res = await runInNs(lab.routerNs, process.execPath, [bin, '-c', '1', '-R', '10', '-d', String(seconds), '-j',
    '-H', `authorization=Bearer ${d.apiKey}`, `http://127.0.0.1:${d.apiPort}/metrics`], { timeoutMs: (seconds + 30) * 1000 });
  const t2 = rttTotals(await scrape(agent, d));
  const j = JSON.parse(res.stdout) as { requests: { total: number }; latency: { p50: number; p99: number; max: number }; errors: number; non2xx: number;
    throughput: { total: number } };
  const size = (await scrape(agent, d)).length;
  return [
    `GET /metrics at 10 scrapes/s for ${seconds} s (autocannon -c 1 -R 10, inside the router namespace; ${size} bytes per scrape): `
      + `${j.requests.total} scrapes, latency p50 ${j.latency.p50} ms, p99 ${j.latency.p99} ms, max ${j.latency.max} ms, ${j.errors + j.non2xx} errors`,
    `probe RTT to the targets (daemon histogram, mean): quiet ${meanMs(t0, t1)}; during the scrapes ${meanMs(t1, t2)}`
      + ' (bound: scrapes read memory only and share one render per second (RENDER_REUSE_MS), so a probe reply waits behind'
      + ' at most one render per second plus the HTTP handling of each scrape; the load generator runs on the same cores)',
  ];
}
