// `npm run bench:balance` (root): balancing (issue 21) on the real kernel. The real daemon in a lab of
// four WANs, both families: wan1..wan3 in tier 1 with weights 5:3:2, wan4 in tier 2. A flow is a UDP
// 5-tuple with its own source port; the kernel's own FIB lookup (`ip route get ... ipproto udp sport
// S dport D`, batched in one `ip -batch`) says which link each of 3,000 flows takes, with the L4
// multipath hash the daemon sets. Every lookup goes through the resilient group's bucket selection,
// which marks the bucket busy as a forwarded packet does (nexthop_select_path_res), so looking the
// flows up once a second keeps them "live". Figures:
//   - each link's share of 3,000 flows vs 50/30/20 % (bound: within +-3 points);
//   - wan3 fails upstream: flows of wan1/wan2 that changed link (bound: 0); time from the fault until
//     no flow takes wan3 (bound: the detection window + 0.2 s);
//   - wan3 heals and rejoins while the flows stay live: flows that changed link (bound: 0); once they
//     end and their buckets fall idle (idle_timer), new flows split by weight again;
//   - wan4 (tier 2) carries 0 flows while a tier-1 link is up, and all when tier 1 is down.
// Never a moment without our default route: RTM_DELROUTE of it is counted (bound: 0).
// A benchmark, never a pass/fail test; figures measured under whatever load the machine has.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createLab, type Lab } from '../lab/topology.js';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import { countByLink, keepLive, lanPacketsPerLink, movedFlows, placements } from '../lab/flow-placement.js';
import type { NetlinkEvent } from '../src/netlink/types.js';

const FLOWS = Number(process.env.BENCH_BALANCE_FLOWS ?? 3000);
const WEIGHTS = [5, 3, 2];
const IDLE_S = 3;
const CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2 };
const PROTO = 201;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const placementsOf = (lab: Lab, dst: string, n = FLOWS): Promise<string[]> => placements(lab, dst, n);
const shares = countByLink;

function shareLine(devs: readonly string[], links: readonly string[]): string {
  const s = shares(devs);
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  return links.map((l, i) => {
    const pct = (100 * (s.get(l) ?? 0)) / devs.length;
    const want = i < WEIGHTS.length ? (100 * WEIGHTS[i]!) / total : 0;
    return `${l} ${pct.toFixed(1)}% (want ${want.toFixed(0)}%, off ${(pct - want).toFixed(1)} points)`;
  }).join(', ');
}

const moved = movedFlows;

async function family(lab: Lab, agent: Agent, d: DaemonHandle, fam: 'inet' | 'inet6'): Promise<void> {
  const dst = fam === 'inet' ? lab.targets[0]! : lab.targets6[0]!;
  const links = lab.links.map((l) => l.iface);
  const tag = fam === 'inet' ? 'IPv4' : 'IPv6';
  const dels: number[] = [];
  const stop = await agent.onEvent((e: NetlinkEvent) => {
    if (e.kind === 'route' && e.op === 'del' && e.route.family === fam && e.route.table === 254 && e.route.dst === null && e.route.protocol === PROTO) dels.push(Date.now());
  });

  const before = await placementsOf(lab, dst);
  console.log(`${tag} shares of ${FLOWS} flows, weights 5:3:2, tier-2 wan4: ${shareLine(before, links)}`);
  console.log(`  bound: each tier-1 link within +-3 points; wan4 (tier 2) 0 while tier 1 is up: wan4 got ${shares(before).get('wan4') ?? 0}`);

  const live = keepLive(lab, dst, FLOWS);
  await sleep(1500);
  const t0 = performance.now();
  await lab.fail(3, 'upstream', { family: fam === 'inet' ? 'ipv4' : 'ipv6' });
  const wan3 = before.map((x, i) => (x === 'wan3' ? i : -1)).filter((i) => i >= 0);
  let gone = NaN;
  for (let i = 0; i < 400; i++) {
    const now = await placementsOf(lab, dst, Math.max(...wan3) + 1);
    if (wan3.every((k) => now[k] !== 'wan3')) { gone = performance.now() - t0; break; }
    await sleep(50);
  }
  const failed = await placementsOf(lab, dst);
  const window = `${((CFG.failure_threshold - 1) * CFG.check_interval + CFG.ping_timeout).toFixed(1)}..${(CFG.failure_threshold * CFG.check_interval + CFG.ping_timeout).toFixed(1)} s`;
  console.log(`${tag} wan3 fails upstream: flows of wan1/wan2 that changed link: ${moved(before, failed, (x) => x === 'wan1' || x === 'wan2')} (bound 0); ` +
    `wan3's ${wan3.length} flows on others after ${(gone / 1000).toFixed(2)} s (bound: detection window ${window} + 0.2 s; includes ${'ip -batch'} polling)`);
  console.log(`  shares meanwhile: ${shareLine(failed, links)}`);

  const rejoin = (l: { msg?: string; after?: unknown; family?: unknown }): boolean => typeof l.msg === 'string' && l.msg.startsWith('carrying links change')
    && JSON.stringify(l.after ?? []).includes('wan3') && l.family === (fam === 'inet' ? 'ipv4' : 'ipv6');
  const seen = d.logs.filter(rejoin).length;
  await lab.heal(3);
  let rejoined = false;
  for (let i = 0; i < 400 && !rejoined; i++) {
    rejoined = d.logs.filter(rejoin).length > seen;
    if (!rejoined) await sleep(100);
  }
  if (!rejoined) console.log(`${tag} (wan3 was not seen rejoining within 40 s: the next figure is not meaningful)`);
  await sleep((IDLE_S + 2) * 1000);
  const healed = await placementsOf(lab, dst);
  await live();
  console.log(`${tag} wan3 heals and rejoins while the flows stay live (${IDLE_S + 2} s, idle_timer ${IDLE_S} s): flows that changed link: ${moved(failed, healed, () => true)} (bound 0)`);
  await sleep((IDLE_S + 3) * 1000);
  const rebalanced = await placementsOf(lab, dst);
  console.log(`  after the flows ended and their buckets fell idle: ${shareLine(rebalanced, links)}`);

  for (const i of [1, 2, 3]) await lab.fail(i, 'upstream', { family: fam === 'inet' ? 'ipv4' : 'ipv6' });
  for (let i = 0; i < 200; i++) {
    if ((shares(await placementsOf(lab, dst, 50)).get('wan4') ?? 0) === 50) break;
    await sleep(100);
  }
  const tier2 = await placementsOf(lab, dst);
  console.log(`${tag} every tier-1 link down: wan4 (tier 2) carries ${shares(tier2).get('wan4') ?? 0} of ${FLOWS} flows (bound: all)`);
  if (fam === 'inet' && lab.lan) await lanBurst(lab, agent, 'IPv4 LAN, every tier-1 link down', [0, 0, 0, 100]);
  for (const i of [1, 2, 3]) await lab.heal(i);
  stop();
  console.log(`${tag} RTM_DELROUTE of our default route during all of it: ${dels.length} (bound 0)`);
}

async function lanBurst(lab: Lab, agent: Agent, tag: string, want: readonly number[]): Promise<void> {
  const sent = await lanPacketsPerLink(lab, agent, FLOWS);
  const total = [...sent.values()].reduce((x, y) => x + y, 0);
  console.log(`${tag}: ${FLOWS} LAN UDP flows (distinct destination ports), packets per WAN minus probes: ` +
    [...sent].map(([l, n], i) => `${l} ${n} (${((100 * n) / Math.max(1, total)).toFixed(1)}%, want ${want[i] ?? 0}%)`).join(', '));
}

async function main(): Promise<void> {
  const lab = await createLab({ prefix: `wfbb-${randomBytes(2).toString('hex')}`, links: 4, ipv6: true, lan: { nat: 'snat' } });
  let d: DaemonHandle | null = null;
  let agent: Agent | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    const cfg = labConfig(lab, {
      ...CFG, ping_targets: [...lab.targets, ...lab.targets6],
      links: lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, ...(i < 3 ? { tier: 1, weight: WEIGHTS[i] } : { tier: 2 }) })),
      balance: { buckets: 512, idle_timer: IDLE_S, unbalanced_timer: 0 },
    });
    console.log(`config: ${JSON.stringify({ ...CFG, balance: cfg.balance, links: cfg.links })}`);
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (shared machine: figures measured under load)`);
    d = await startDaemon(lab, cfg);
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    await sleep(4000);
    await lanBurst(lab, agent, 'IPv4 LAN, tier 1 up', [50, 30, 20, 0]);
    await family(lab, agent, d, 'inet');
    await sleep(6000);
    await family(lab, agent, d, 'inet6');
  } finally {
    await d?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}

await main();
