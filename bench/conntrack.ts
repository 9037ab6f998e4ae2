// `npm run bench:conntrack` (root): the conntrack flush (src/conntrack/) against a real kernel.
// 1. The real daemon in the LAN lab (lab/lan.ts, `snat to`): time from the switch (the kernel's
//    route event) to the first UDP echo of a LAN host's running flow on the new link, after the
//    failover and after the return, and the entries each switch flushed.
// 2. The module in a NAT lab (lab/nat-lab.ts): how long deleting the entries NATed to a link takes
//    with 10,000 unrelated entries present, how many go, and that the unrelated ones stay.
// Prints each figure with its setup and the bound. A benchmark, never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle, type LogLine } from '../lab/daemon-runner.js';
import { epochNow, openLanClient, type LanClient } from '../lab/lan.js';
import { createNatLab, type NatLab } from '../lab/nat-lab.js';
import { RouteWatch } from '../lab/route-watch.js';
import { createLab } from '../lab/topology.js';
import { summary } from './stats.js';

const CYCLES = Number(process.env.BENCH_CT_CYCLES ?? 5);
const FLOW_EVERY_MS = 20;
const DAEMON_CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 3 };
const FLUSHED = 'conntrack entries NATed to the old link flushed';

const ROUNDS = Number(process.env.BENCH_CT_ROUNDS ?? 15);
const UNRELATED = Number(process.env.BENCH_CT_UNRELATED ?? 10_000);

interface Round { wallMs: number; cpuMs: number; deleted: number }

/** Entries of the router's table whose reply does not go to wan1 (a flush of wan1 must leave them). */
async function unrelatedCount(lab: NatLab): Promise<number> {
  const w1 = lab.wans[0];
  return (await lab.conntrackLines()).filter((l) => !l.includes(`dst=${w1.v4} `) && !l.includes('dst=2001:0db8:000a:0000:0000:0000:0000:0001 ')).length;
}

async function series(lab: NatLab, fam: 4 | 6, matching: number): Promise<string> {
  const w1 = lab.wans[0];
  const before = await unrelatedCount(lab);
  const rounds = await lab.driver(['bench', fam === 4 ? 'ipv4' : 'ipv6', fam === 4 ? w1.v4 : w1.v6,
    fam === 4 ? lab.routerLan4 : lab.routerLan6, fam === 4 ? w1.server4 : w1.server6, String(matching), String(ROUNDS + 1)]) as Round[];
  const touched = before - await unrelatedCount(lab);
  const [cold, ...warm] = rounds;
  const deleted = warm.map((r) => r.deleted);
  return `  IPv${fam}, ${String(matching).padStart(4)} entries NATed to wan1 per round: deleted ${Math.min(...deleted)}..${Math.max(...deleted)}, unrelated touched ${touched}\n`
    + `      flush wall ${summary(warm.map((r) => r.wallMs), 'ms', 2)}; first (cold code) ${cold!.wallMs.toFixed(2)} ms\n`
    + `      flush CPU  ${summary(warm.map((r) => r.cpuMs), 'ms', 2)} (user + kernel time of the flushing process)\n`;
}

interface Resume { resumeMs: number; entries: number; flushMs: number }

/** One switch: the kernel route event on `to`, then the flow's first echo after it, and the daemon's flush line. */
async function oneSwitch(watch: RouteWatch, d: DaemonHandle, flow: { waitForEcho(after: number, t: number): Promise<{ at: number }> },
  to: string, from: string, flushesBefore: number): Promise<Resume> {
  const atMs = await watch.waitFor(to, 60_000);
  const switchAt = performance.timeOrigin + atMs;
  const echo = await flow.waitForEcho(switchAt, 10_000);
  const line = await d.waitForLog((l: LogLine) => l.msg === FLUSHED && l.link === from
    && d.logs.filter((x) => x.msg === FLUSHED).indexOf(l) >= flushesBefore, 5000);
  return { resumeMs: echo.at - switchAt, entries: Number(line.entries), flushMs: Number(line.durationMs) };
}

async function daemonPart(): Promise<void> {
  const lab = await createLab({ prefix: `wfb-ct-${randomBytes(2).toString('hex')}`, lan: { nat: 'snat' } });
  let agent: Agent | null = null;
  let d: DaemonHandle | null = null;
  let client: LanClient | null = null;
  let watch: RouteWatch | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    watch = new RouteWatch(agent);
    await watch.start();
    d = await startDaemon(lab, labConfig(lab, DAEMON_CFG));
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    await watch.waitFor('wan1', 20_000);
    client = await openLanClient(lab);
    const flow = await client.startUdpFlow({ everyMs: FLOW_EVERY_MS, maxMs: 600_000 });
    await flow.waitForEcho(epochNow(), 5000);
    const failover: Resume[] = [];
    const back: Resume[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const count = (): number => d!.logs.filter((l) => l.msg === FLUSHED).length;
      let n = count();
      await lab.fail(1, 'upstream');
      failover.push(await oneSwitch(watch, d, flow, 'wan2', 'wan1', n));
      n = count();
      await lab.heal(1);
      back.push(await oneSwitch(watch, d, flow, 'wan1', 'wan2', n));
    }
    await flow.stop();
    const cfg = Object.entries(DAEMON_CFG).map(([k, v]) => `${k}: ${v}`).join(', ');
    const line = (what: string, rs: Resume[]): string =>
      `  ${what}: first UDP echo after the route event ${summary(rs.map((r) => r.resumeMs), 'ms', 1)}; `
      + `flushed ${Math.min(...rs.map((r) => r.entries))}..${Math.max(...rs.map((r) => r.entries))} entries in ${summary(rs.map((r) => r.flushMs), 'ms', 2)}\n`;
    process.stdout.write(`conntrack flush with the daemon (LAN lab, \`snat to\` per WAN, BCP38 in the ISPs; ${cfg}; `
      + `one LAN UDP flow, a datagram every ${FLOW_EVERY_MS} ms, echoed; ${CYCLES} failover + return cycles)\n`
      + line('failover wan1 -> wan2', failover) + line('return   wan2 -> wan1', back)
      + `  bound: aim under 100 ms, as with masquerade; the flow's own spacing (${FLOW_EVERY_MS} ms) and RTT are part of it; `
      + `without the flush (conntrack_flush: never) the flow never resumes\n`);
  } finally {
    await client?.close().catch(() => undefined);
    watch?.stop();
    await d?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}

async function modulePart(): Promise<void> {
  const lab = await createNatLab('bench', 'snat');
  try {
    await lab.defaultVia(0);
    // Unreplied UDP entries live 30 s by default; the bench needs them for its whole run.
    await lab.exec(lab.router, 'sysctl', ['-q', '-w', 'net.netfilter.nf_conntrack_udp_timeout=600']);
    const { stdout: buckets } = await lab.exec(lab.router, 'cat', ['/proc/sys/net/netfilter/nf_conntrack_buckets']);
    process.stdout.write(`conntrack flush (NAT lab, \`snat to\`; kernel-filtered dump + one batched delete, open socket; ${ROUNDS} rounds per line)\n`);
    process.stdout.write(`  conntrack hash: ${buckets.trim()} buckets (the dump walks them all, whatever their content)\n`);
    process.stdout.write(` with no other entries:\n${await series(lab, 4, 0)}`);
    const [, w2] = lab.wans;
    const half = Math.floor(UNRELATED / 2);
    await lab.udp(lab.lan, 4, w2.server4, 10_000, half);
    await lab.udp(lab.lan, 4, lab.routerLan4, 10_000, UNRELATED - half);
    process.stdout.write(` with ${await unrelatedCount(lab)} unrelated entries (${half} NATed to wan2, ${UNRELATED - half} LAN-internal):\n`);
    for (const [fam, m] of [[4, 0], [4, 1], [4, 100], [4, 1000], [6, 100]] as const) process.stdout.write(await series(lab, fam, m));
    process.stdout.write(`  bound: well under 10 ms with ${UNRELATED} unrelated entries, none of them touched\n`
      + `  machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (wall times include waiting for a CPU; min is the least disturbed run)\n`);
  } finally {
    await lab.destroy();
  }
}

async function main(): Promise<void> {
  await daemonPart();
  await modulePart();
}

void main();
