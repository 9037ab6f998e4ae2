// `npm run bench:metered` (root): metered links (issue 24) with the real daemon in the namespace lab.
//   1. Bytes the probes put on a metered standby (both directions, IP level, gateway probes
//      included), counted in its ISP with nft over BENCH_METER_S seconds (default 300; the issue
//      asks 600) and scaled to 30 days, beside the unmetered primary probed in the same window.
//   2. Primary dies (total upstream loss; then carrier loss) with the metered link as the only
//      backup: time to switch, beside the same runs with the backup unmetered.
//   3. Usage after a 5 MB burst, fresh, after a restart and after the interface is re-created,
//      against the bytes its ISP counted.
// Each figure is printed with the config used and the bound it implies. Never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { createLab, type Lab } from '../lab/topology.js';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteWan, recreateWan } from '../lab/iface-churn.js';
import { startIspByteCounter, type IspByteCounter } from '../lab/isp-byte-counter.js';
import { linkLost, routeMovedTo, waitActive } from './route-events.js';
import { summary } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const METER_S = Number(process.env.BENCH_METER_S ?? 300);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bytes,switch,usage').split(','));
const CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2 };
const STANDBY_S = 60;
const MONTH_S = 30 * 86_400;
const BOUND_MB = 15;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function links(lab: Lab, metered: boolean): unknown[] {
  return lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, display_name: `ISP ${l.index}`,
    ...(i === 1 && metered ? { metered: { standby_probe_interval: STANDBY_S } } : {}) }));
}

async function withDaemon<T>(lab: Lab, metered: boolean, fn: (d: DaemonHandle) => Promise<T>): Promise<T> {
  const d = await startDaemon(lab, labConfig(lab, { ...CFG, links: links(lab, metered) }));
  try {
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    return await fn(d);
  } finally {
    await d.dispose().catch(() => undefined);
  }
}

async function bytesFigure(lab: Lab): Promise<void> {
  await withDaemon(lab, true, async () => {
    await sleep(5000); // the primary judged up: the metered link is in standby
    const isp1 = await startIspByteCounter(lab, 1);
    const isp2 = await startIspByteCounter(lab, 2);
    await sleep(METER_S * 1000);
    const a = await isp1.read();
    const b = await isp2.read();
    const scale = (bytes: number): number => (bytes * MONTH_S) / METER_S / 1e6;
    const metered = b.fromRouterBytes + b.toRouterBytes;
    const normal = a.fromRouterBytes + a.toRouterBytes;
    console.log(`probe bytes on the metered standby (standby_probe_interval ${STANDBY_S} s, one target per probe): `
      + `${metered} B in ${METER_S} s (${b.fromRouterPackets + b.toRouterPackets} packets) = ${scale(metered).toFixed(2)} MB per 30 days; bound ${BOUND_MB} MB`);
    console.log(`  same window, the unmetered primary (${lab.targets.length} targets + gateway every ${CFG.check_interval} s): `
      + `${normal} B = ${scale(normal).toFixed(0)} MB per 30 days`);
    await isp1.remove();
    await isp2.remove();
  });
}

/** Fault on wan1 -> the default route on wan2, RUNS times (the fault lands anywhere in a round). */
async function switchTimes(lab: Lab, agent: Agent, kind: 'upstream' | 'carrier'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await waitActive(agent, 'wan1', 60_000);
    await sleep(4000 + Math.random() * 1000); // back on wan1 long enough for the backup to be in standby again
    const moved = routeMovedTo(agent, 'wan2', 30_000);
    const lost = kind === 'carrier' ? linkLost(agent, 'wan1', 30_000) : null;
    await sleep(50);
    await lab.fail(1, kind);
    const t0 = lost ? await lost : performance.now();
    out.push((await moved) - t0);
    await lab.heal(1);
  }
  return out;
}

async function switchFigures(lab: Lab, agent: Agent): Promise<void> {
  const rows: string[] = [];
  for (const metered of [false, true]) {
    await withDaemon(lab, metered, async () => {
      const up = await switchTimes(lab, agent, 'upstream');
      const car = await switchTimes(lab, agent, 'carrier');
      const tag = metered ? `metered backup (standby every ${STANDBY_S} s)` : 'unmetered backup';
      rows.push(`upstream loss -> switch, ${tag}: ${summary(up.map((x) => x / 1000), 's', 2)}`);
      rows.push(`carrier loss -> switch, ${tag}: ${summary(car, 'ms', 1)}`);
    });
  }
  for (const r of rows) console.log(r);
  console.log(`  bound: metered at most one ping_timeout (${CFG.ping_timeout * 1000} ms) beyond unmetered; upstream loss bound from config `
    + `${((CFG.failure_threshold - 1) * CFG.check_interval + CFG.ping_timeout).toFixed(2)} .. ${(CFG.failure_threshold * CFG.check_interval + CFG.ping_timeout).toFixed(2)} s`);
}

const VOLUME = fileURLToPath(new URL('../lab/udp-volume.js', import.meta.url));

/** A 5 MB UDP burst through the metered link; its usage growth against the ISP's count (+14 B/packet of Ethernet header). */
async function burstError(lab: Lab, d: DaemonHandle, agent: Agent, isp: IspByteCounter): Promise<{ line: string; totalMb: number; ispTotalMb: number }> {
  const usage = async (): Promise<number> => {
    const res = await agent.http('GET', '/api/status', { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
    return (JSON.parse(res.body) as { links: Array<{ usage_mb: number }> }).links[1]!.usage_mb;
  };
  await sleep(2500);
  const u0 = await usage();
  const c0 = await isp.read();
  await lab.exec(lab.routerNs, process.execPath, [VOLUME, lab.targets[0]!, '9', '3500', '1472']);
  await sleep(3000);
  const u1 = await usage();
  const c1 = await isp.read();
  const packets = c1.fromRouterPackets + c1.toRouterPackets - c0.fromRouterPackets - c0.toRouterPackets;
  const ispMb = (c1.fromRouterBytes + c1.toRouterBytes - c0.fromRouterBytes - c0.toRouterBytes + 14 * packets) / 1e6;
  const ispTotalMb = (c1.fromRouterBytes + c1.toRouterBytes + 14 * (c1.fromRouterPackets + c1.toRouterPackets)) / 1e6;
  return { line: `${(u1 - u0).toFixed(2)} MB counted vs ${ispMb.toFixed(2)} MB in the ISP (${((((u1 - u0) - ispMb) / ispMb) * 100).toFixed(2)} %)`,
    totalMb: u1, ispTotalMb };
}

async function usageFigures(lab: Lab, agent: Agent): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-bench-metered-'));
  const isp = await startIspByteCounter(lab, 2);
  try {
    const cfg = labConfig(lab, { ...CFG, links: links(lab, true), state_dir: dir });
    const totals: Array<{ totalMb: number; ispTotalMb: number }> = [];
    await lab.fail(1, 'upstream');
    const run = async (what: string, before?: () => Promise<void>): Promise<void> => {
      const d = await startDaemon(lab, cfg);
      try {
        await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
        await waitActive(agent, 'wan2', 30_000);
        await before?.();
        if (before) await waitActive(agent, 'wan2', 30_000);
        const r = await burstError(lab, d, agent, isp);
        totals.push(r);
        console.log(`usage of a 5 MB burst ${what}: ${r.line}; bound 1 %`);
      } finally {
        await d.dispose().catch(() => undefined);
      }
    };
    await run('on the metered link (fresh install)');
    await run('after a restart (state_dir)');
    await run('after the interface was re-created (counters from 0)', async () => { await deleteWan(lab, 2); await recreateWan(lab, 2); });
    const last = totals.at(-1);
    if (last) {
      console.log(`usage over the whole run (3 daemons, a restart, a re-created interface): ${last.totalMb.toFixed(2)} MB vs ${last.ispTotalMb.toFixed(2)} MB `
        + `in the ISP since the first daemon started (${(((last.totalMb - last.ispTotalMb) / last.ispTotalMb) * 100).toFixed(2)} %); bound 1 %`);
    }
  } finally {
    await lab.heal(1);
    await isp.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench: needs root (it builds network namespaces)\n');
    process.exit(2);
  }
  const lab = await createLab({ prefix: `wfm-${randomBytes(2).toString('hex')}` });
  let agent: Agent | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    console.log(`wan-failover metered bench — lab: 2 WANs in network namespaces, ${lab.targets.length} targets + gateways; config: ${JSON.stringify(CFG)}`);
    if (ONLY.has('bytes')) await bytesFigure(lab);
    if (ONLY.has('switch')) await switchFigures(lab, agent);
    if (ONLY.has('usage')) await usageFigures(lab, agent);
  } finally {
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
