// `npm run lab -- balance` (root): balancing shown live (issue 21). A lab of three WANs in tier 1
// with weights 5:3:2 and a LAN host; the real daemon balancing through resilient nexthop groups.
// The LAN host opens new flows, the count per link is shown (real packets and the kernel's own
// placement of each flow); wan3 fails and only its flows move; it heals and rejoins without moving
// a live flow; once the flows end, new ones split by weight again. Bounded: about a minute.
import { randomBytes } from 'node:crypto';
import { openAgent, type Agent } from './agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from './daemon-runner.js';
import { countByLink, keepLive, lanPacketsPerLink, movedFlows, placements } from './flow-placement.js';
import { createLab, type Lab } from './topology.js';

const FLOWS = 1000;
const WEIGHTS = [5, 3, 2];
const IDLE_S = 3;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function counts(m: Map<string, number>, links: readonly string[]): string {
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  return links.map((l) => `${l} ${String(m.get(l) ?? 0).padStart(4)} (${Math.round((100 * (m.get(l) ?? 0)) / Math.max(1, total))}%)`).join('   ');
}

async function story(lab: Lab, agent: Agent, d: DaemonHandle, say: (s: string) => void): Promise<void> {
  const links = lab.links.map((l) => l.iface);
  const dst = lab.targets[0]!;
  say(`weights ${links.map((l, i) => `${l}:${WEIGHTS[i]}`).join(' ')}, all in tier 1; balance idle_timer ${IDLE_S} s`);
  await d.waitForLog((l) => l.msg === 'carrying links changed in the kernel' && Array.isArray(l.started) && l.started.length > 0, 20_000).catch(() => undefined);
  await sleep(3000);
  say(`the LAN host sends ${FLOWS} new UDP flows; packets per link: ${counts(await lanPacketsPerLink(lab, agent, FLOWS), links)}`);
  const before = await placements(lab, dst, FLOWS);
  say(`the kernel places ${FLOWS} flows:                    ${counts(countByLink(before), links)}`);
  const live = keepLive(lab, dst, FLOWS);
  await sleep(1500);
  say('wan3 fails upstream ...');
  await lab.fail(3, 'upstream');
  await d.waitForLog((l) => l.msg === 'carrying links changed in the kernel' && JSON.stringify(l.stopped) === '["wan3"]', 20_000).catch(() => undefined);
  const failed = await placements(lab, dst, FLOWS);
  say(`  wan3 left the group:                              ${counts(countByLink(failed), links)}`);
  say(`  flows of wan1/wan2 that changed link: ${movedFlows(before, failed, (x) => x !== 'wan3')}; wan3's flows moved: ${movedFlows(before, failed, (x) => x === 'wan3')}`);
  say('wan3 heals ...');
  await lab.heal(3);
  await d.waitForLog((l) => l.msg === 'carrying links changed in the kernel' && JSON.stringify(l.started) === '["wan3"]', 40_000).catch(() => undefined);
  await sleep((IDLE_S + 1) * 1000);
  const healed = await placements(lab, dst, FLOWS);
  await live();
  say(`  wan3 rejoined; the flows stayed live: flows that changed link: ${movedFlows(failed, healed, () => true)}`);
  say(`  the flows end; after idle_timer their buckets move to wan3 ...`);
  await sleep((IDLE_S + 3) * 1000);
  say(`  new flows split by weight again:                  ${counts(countByLink(await placements(lab, dst, FLOWS)), links)}`);
}

export async function runBalanceDemo(argv: readonly string[]): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error('lab balance: needs root (network namespaces)');
    return 2;
  }
  const say = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  const lab = await createLab({ prefix: `wfbd-${randomBytes(2).toString('hex')}`, links: 3, lan: { nat: 'snat' } });
  let d: DaemonHandle | null = null;
  let agent: Agent | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    d = await startDaemon(lab, labConfig(lab, {
      check_interval: 1, ping_timeout: 0.5, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2,
      links: lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, display_name: `ISP ${l.index}`, tier: 1, weight: WEIGHTS[i] })),
      balance: { buckets: 256, idle_timer: IDLE_S },
    }), argv.includes('--verbose') ? { onLog: (l) => console.log(JSON.stringify(l)) } : {});
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    await story(lab, agent, d, say);
    return 0;
  } finally {
    await d?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}
