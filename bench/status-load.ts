// Bench part: GET /api/status under keep-alive load (autocannon inside the router namespace), and
// what that load does to probing: probes sent, answered in time and their mean RTT (the daemon's own
// metrics) over a quiet window and over the load window, and the RSS the load leaves behind.
import { createRequire } from 'node:module';
import type { Agent } from '../lab/agent-client.js';
import type { DaemonHandle } from '../lab/daemon-runner.js';
import { runInNs } from '../lab/exec.js';
import type { Lab } from '../lab/topology.js';
import { rttTotals, type RttTotals } from './metrics-load.js';
import { memoryKiB } from './proc.js';

const CONNECTIONS = 16;

interface ProbeTotals extends RttTotals { sent: number; answered: number }

function counterSum(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

async function probeTotals(agent: Agent, d: DaemonHandle): Promise<ProbeTotals> {
  const r = await agent.http('GET', '/metrics', { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
  return { ...rttTotals(r.body), sent: counterSum(r.body, 'wan_failover_probes_sent_total'), answered: counterSum(r.body, 'wan_failover_probes_received_total') };
}

/** Mean RTT and how many probes went out and came back in time between two readings. */
function window(a: ProbeTotals, b: ProbeTotals): string {
  const n = b.count - a.count;
  const rtt = n > 0 ? `${(((b.sum - a.sum) / n) * 1000).toFixed(3)} ms` : 'no replies';
  return `${b.sent - a.sent} sent, ${b.answered - a.answered} answered in time, mean RTT ${rtt}`;
}

export async function statusLoadBench(lab: Lab, agent: Agent, d: DaemonHandle, seconds: number): Promise<string[]> {
  const t0 = await probeTotals(agent, d);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const t1 = await probeTotals(agent, d);
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const res = await runInNs(lab.routerNs, process.execPath, [bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j',
    '-H', `authorization=Bearer ${d.apiKey}`, `http://127.0.0.1:${d.apiPort}/api/status`], { timeoutMs: (seconds + 30) * 1000 });
  const t2 = await probeTotals(agent, d);
  const mem = memoryKiB(d.pid);
  const j = JSON.parse(res.stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number;
    throughput: { average: number } };
  return [
    `GET /api/status: ${j.requests.average.toFixed(0)} req/s, latency p50 ${j.latency.p50} ms, p99 ${j.latency.p99} ms, `
      + `${j.errors + j.non2xx} errors (autocannon -c ${CONNECTIONS} keep-alive, ${seconds} s, inside the router namespace, on the same cores as the daemon)`,
    `  probes meanwhile (daemon metrics, ${seconds} s each): quiet: ${window(t0, t1)}; under load: ${window(t1, t2)} `
      + '(RTTs are kernel receive timestamps, so the load shows as late rounds or replies past ping_timeout, not as RTT; '
      + 'bound: the status is serialised once per change and per second, so a request is a cache hit)',
    `  RSS after the load ${(mem.rss / 1024).toFixed(1)} MiB`,
  ];
}
