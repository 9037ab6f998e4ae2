// `npm run bench:vrrp` (root): the VRRP pair (issue 25) with the real daemon and the real
// keepalived on both routers (lab/pair-rig.ts), per health method: the time from router A's last
// link failing (both WANs lose upstream at once) to A's daemon reporting all links down, to the
// virtual address on B (B's own `ip monitor address` line) and to the LAN host's UDP flow resuming
// through B; what a kill -9 of A's daemon does; then `wanctl status --check`'s wall time. Prints each figure with its config and the
// bound it implies. A benchmark, never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { epochNow, openLanClient, type UdpFlow } from '../lab/lan.js';
import { masterDownMs } from '../lab/keepalived-conf.js';
import { onLines } from '../lab/json-lines.js';
import { startPairRig, WANCTL_JS, type HealthMethod, type PairRig } from '../lab/pair-rig.js';
import type { LogLine } from '../lab/daemon-runner.js';
import { summary } from './stats.js';

const RUNS = Number(process.env.BENCH_VRRP_RUNS ?? 3);
const CHECK_RUNS = Number(process.env.BENCH_VRRP_CHECKS ?? 20);
const METHODS = (process.env.BENCH_VRRP_METHODS ?? 'track_file,script,track_file_fault,script_fault').split(',') as HealthMethod[];
const DAEMON_CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 3 };
const ADVERT_INT = 1;
const B_PRIORITY = 100;
const SCRIPT = { interval: 1, fall: 2 };
const FLOW_EVERY_MS = 20;
const KILL_WINDOW_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const logAt = (l: LogLine): number => (typeof l.time === 'string' ? Date.parse(l.time) : Number.NaN);

/** epochNow() of each `ip monitor address` line in the namespace that adds the address. */
function watchAddress(rig: PairRig, ns: string, address: string): { added: number[]; stop(): void } {
  const child = rig.pair.spawn(ns, 'ip', ['-4', 'monitor', 'address']);
  const added: number[] = [];
  onLines(child.stdout!, (line) => {
    if (!line.startsWith('Deleted') && line.includes(` ${address}/`)) added.push(epochNow());
  });
  return { added, stop: () => { child.kill('SIGTERM'); } };
}

async function until<T>(timeoutMs: number, what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

interface Run { allDownMs: number; vipMs: number; flowMs: number; bSwitches: number }

async function oneRun(rig: PairRig, flow: UdpFlow, watch: { added: number[] }): Promise<Run> {
  const { pair, a, b } = rig;
  await rig.waitVip('a', 30_000);
  await until(30_000, 'A healthy again', () => (a.daemon.logs.filter((l) => l.msg === 'link state changed' && l.to === 'up').length > 0 ? true : undefined));
  await sleep(3000 + Math.random() * 1000); // land the fault anywhere in the probe cycle and advert interval
  const seenAdds = watch.added.length;
  await pair.fail('a', 1, 'upstream');
  await pair.fail('a', 2, 'upstream');
  const t0 = epochNow(); // A's last link fails: the second rule is in place
  const allDown = await until(30_000, 'A reports all down', () => a.daemon.logs.find((l) => l.msg === 'All links are down; keeping the default route where it is' && logAt(l) >= t0 - 5));
  const vip = await until(30_000, 'the address on B', () => watch.added[seenAdds]);
  const resumed = await until(30_000, 'the flow through B', () => flow.echoes.find((e) => e.sentAt > t0));
  const bSwitches = b.daemon.logs.filter((l) => l.msg === 'default route switched' && logAt(l) >= t0).length;
  await pair.heal('a', 1);
  await pair.heal('a', 2);
  return { allDownMs: logAt(allDown) - t0, vipMs: vip - t0, flowMs: resumed.at - t0, bSwitches };
}

/** From A's daemon reporting all down to B holding the address: keepalived's part, per method. */
function boundText(method: HealthMethod): string {
  const down = masterDownMs(ADVERT_INT, B_PRIORITY) / 1000;
  const skew = ((256 - B_PRIORITY) / 256) * ADVERT_INT;
  const scriptS = method.startsWith('script') ? (SCRIPT.fall + 1) * SCRIPT.interval : 0;
  const script = scriptS > 0 ? `${SCRIPT.fall} x ${SCRIPT.interval} s (fall x interval) + up to ${SCRIPT.interval} s (the check's phase) + ` : '';
  const vrrp = method.endsWith('_fault')
    ? { s: skew, text: `B's Skew_Time ${skew.toFixed(2)} s (A in FAULT sends priority 0: B takes over after Skew_Time)` }
    : { s: down, text: `3 x advert_int + skew = ${down.toFixed(2)} s (RFC 3768 Master_Down_Interval, advert_int ${ADVERT_INT} s, B priority ${B_PRIORITY})` };
  return `${script}${vrrp.text}${scriptS > 0 ? ` = ${(scriptS + vrrp.s).toFixed(2)} s` : ''}`;
}

async function method(m: HealthMethod): Promise<void> {
  const rig = await startPairRig({ prefix: `wfbv-${randomBytes(2).toString('hex')}`, health: m, preempt: true, advertInt: ADVERT_INT, daemon: DAEMON_CFG });
  const client = await openLanClient(rig.pair);
  const watch = watchAddress(rig, rig.pair.plan.routers[1].ns, rig.pair.plan.vip);
  try {
    const flow = await client.startUdpFlow({ everyMs: FLOW_EVERY_MS, maxMs: 600_000 });
    await flow.waitForEcho(epochNow(), 5000);
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun(rig, flow, watch));
    const s = (f: (r: Run) => number): string => summary(runs.map((r) => f(r) / 1000), 's', 2);
    console.log(`\n${m} (${m.startsWith('track_file') ? `track_file weight ${m.endsWith('_fault') ? '0: non-zero = FAULT' : '1, down_weight -100'}` : `vrrp_script wanctl status --check, interval ${SCRIPT.interval} fall ${SCRIPT.fall} weight ${m.endsWith('_fault') ? '0 (FAULT)' : '-100'}`}; preemption):`);
    console.log(`  A's last link fails -> A's daemon reports all down: ${s((r) => r.allDownMs)}`);
    console.log(`  A's daemon reports all down -> address on B:        ${s((r) => r.vipMs - r.allDownMs)}`);
    console.log(`    bound: ${boundText(m)}`);
    console.log(`  A's last link fails -> address on B:                 ${s((r) => r.vipMs)}`);
    console.log(`  A's last link fails -> LAN UDP flow resumes via B:   ${s((r) => r.flowMs)} (flow: one datagram / ${FLOW_EVERY_MS} ms)`);
    console.log(`  B's daemon switched meanwhile: ${runs.map((r) => r.bSwitches).join(', ')} time(s) (its links are fine: 0 expected)`);
    if (m === 'track_file') await checkTimes(rig);
    console.log(`  kill -9 of A's daemon (its links fine): ${await killNine(rig, watch)}`);
    await flow.stop();
  } finally {
    watch.stop();
    await client.close();
    await rig.stop();
  }
}

/** kill -9 of A's daemon while it holds the address and its links are fine: what keepalived does. */
async function killNine(rig: PairRig, watch: { added: number[] }): Promise<string> {
  await rig.waitVip('a', 30_000);
  await sleep(3000);
  const seen = watch.added.length;
  const t0 = epochNow();
  await rig.a.daemon.kill9();
  const deadline = Date.now() + KILL_WINDOW_MS;
  while (Date.now() < deadline && watch.added.length === seen) await sleep(20);
  const moved = watch.added[seen];
  return moved === undefined
    ? `the address stayed on A for the ${KILL_WINDOW_MS / 1000} s watched (track file: ${await rig.a.weight()})`
    : `the address moved to B after ${((moved - t0) / 1000).toFixed(2)} s`;
}

function timed(ns: string, args: readonly string[]): Promise<{ ms: number; code: number }> {
  return new Promise((resolve) => {
    const t = epochNow();
    execFile('ip', ['netns', 'exec', ns, ...args], { timeout: 10_000 }, (err) => {
      resolve({ ms: epochNow() - t, code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1 });
    });
  });
}

/** `wanctl status --check` against A's live daemon, beside `wanctl status` and a bare node. */
async function checkTimes(rig: PairRig): Promise<void> {
  const ns = rig.pair.plan.routers[0].ns;
  const cfg = rig.a.daemon.configPath;
  const series = async (args: readonly string[]): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < CHECK_RUNS; i++) out.push((await timed(ns, args)).ms);
    return out;
  };
  const check = await series([process.execPath, WANCTL_JS, 'status', '--check', '-c', cfg]);
  const full = await series([process.execPath, WANCTL_JS, 'status', '-c', cfg]);
  const bare = await series([process.execPath, '-e', '0']);
  console.log(`\nwanctl status --check against the live daemon (A, healthy), ${CHECK_RUNS} runs each, wall time incl. ip netns exec:`);
  console.log(`  status --check: ${summary(check, 'ms')} (aim: < 300 ms)`);
  console.log(`  status (full):  ${summary(full, 'ms')}`);
  console.log(`  node -e 0:      ${summary(bare, 'ms')}`);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('bench:vrrp needs root (network namespaces, keepalived)');
    process.exitCode = 2;
    return;
  }
  console.log(`wan-failover VRRP pair bench — 2 routers x 2 WANs, the real keepalived (advert_int ${ADVERT_INT} s, A priority 150, B ${B_PRIORITY}) `
    + `and daemon (${JSON.stringify(DAEMON_CFG)}); ${RUNS} runs per method; machine: ${cpus().length} CPUs, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const m of METHODS) await method(m);
  console.log(`\nload at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on this machine inflates the figures)`);
}

await main();
