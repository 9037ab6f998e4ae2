// `npm run lab -- --pair [--script] [--nopreempt]`: the VRRP pair live (issue 25). Builds the pair
// lab with the real daemon and keepalived on both routers, starts a LAN host's UDP flow through the
// virtual address, and plays a bounded story: steady, router A loses both WANs (the address moves
// to B, the flow resumes through B), A heals (with preemption the address returns). The live view
// shows which router holds the address, each router's keepalived state, links and track file, and
// the flow. Everything is torn down at the end (also on Ctrl-C).
import { randomBytes } from 'node:crypto';
import { epochNow, openLanClient, type UdpFlow } from './lan.js';
import { LiveScreen } from './live-screen.js';
import { startPairRig, type HealthMethod, type PairRig, type PairRouter } from './pair-rig.js';
import { daemonRunPreflight } from './preflight.js';

const VIEW_EVERY_MS = 500;
const MOVE_TIMEOUT_MS = 30_000;
const HOLD_MS = 6000;

export const PAIR_USAGE = 'usage: npm run lab -- --pair [--script] [--nopreempt]   (the VRRP pair with keepalived, live)';

function keepalivedState(r: PairRouter): string {
  for (let i = r.keepalived.lines.length - 1; i >= 0; i--) {
    const m = /Entering (\w+) STATE/.exec(r.keepalived.lines[i]!.text);
    if (m) return m[1]!;
  }
  return 'starting';
}

/** Each link's last judged state and the active link, from the daemon's own log lines. */
function daemonView(r: PairRouter): string {
  const state = new Map<string, string>([['wan1', 'unknown'], ['wan2', 'unknown']]);
  let active = 'wan1';
  for (const l of r.daemon.logs) {
    if (l.msg === 'link state changed' && l.family === 'ipv4' && typeof l.link === 'string') state.set(l.link, String(l.to));
    if (l.msg === 'default route switched' && typeof l.to === 'string') active = l.to;
  }
  return `${[...state].map(([k, v]) => `${k}=${v}`).join(' ')}, route via ${active}`;
}

async function view(rig: PairRig, flow: UdpFlow): Promise<string[]> {
  const holder = await rig.pair.vipHolder();
  const now = epochNow();
  const recent = flow.echoes.filter((e) => e.at > now - 1000).length;
  const last = flow.echoes.at(-1);
  const lines = [`virtual address ${rig.pair.plan.vip}: on ${holder === null ? 'nobody' : holder.toUpperCase()}`];
  for (const r of [rig.a, rig.b]) {
    lines.push(`  ${r.id.toUpperCase()} (priority ${r.id === 'a' ? 150 : 100}): keepalived ${keepalivedState(r).padEnd(6)} daemon ${daemonView(r)}; track file ${await r.weight() ?? '-'}`);
  }
  lines.push(`  LAN host ${rig.pair.plan.lanHost.address} -> echo ${rig.pair.plan.echoAddress}: ${recent} echoes in the last second`
    + `${last ? `, last ${((now - last.at) / 1000).toFixed(1)} s ago` : ''}; longest gap ${Math.max(0, ...flow.gaps(150).map((g) => g.ms)).toFixed(0)} ms`);
  return lines;
}

export async function runPairDemo(argv: readonly string[]): Promise<number> {
  const rest = argv.filter((a) => a !== '--pair');
  const script = rest.includes('--script');
  const preempt = !rest.includes('--nopreempt');
  const unknown = rest.find((a) => a !== '--script' && a !== '--nopreempt');
  if (unknown !== undefined) {
    console.error(`unknown argument "${unknown}"; ${PAIR_USAGE}`);
    return 2;
  }
  const pre = daemonRunPreflight('npm run lab -- --pair needs root (network namespaces, keepalived): sudo npm run lab -- --pair');
  if (pre !== null) return pre;
  // nopreempt needs FAULT tracking: a backup with nopreempt never takes over from a lower-priority master.
  const health: HealthMethod = script ? (preempt ? 'script' : 'script_fault') : (preempt ? 'track_file' : 'track_file_fault');
  const screen = new LiveScreen();
  screen.log(`building the VRRP pair (health: ${health}, ${preempt ? 'preemption' : 'nopreempt'}) ...`);
  const rig = await startPairRig({ prefix: `wfpair-${randomBytes(2).toString('hex')}`, health, preempt });
  const client = await openLanClient(rig.pair);
  let timer: NodeJS.Timeout | undefined;
  try {
    const flow = await client.startUdpFlow({ maxMs: 300_000 });
    await flow.waitForEcho(epochNow(), 5000);
    const draw = async (): Promise<void> => {
      const lines = await view(rig, flow);
      screen.view(lines, lines.join('|').replace(/\d+ echoes|last [\d.]+ s ago/g, ''), Date.now());
    };
    timer = setInterval(() => { void draw().catch(() => undefined); }, VIEW_EVERY_MS);
    await new Promise((r) => setTimeout(r, HOLD_MS));
    screen.log('router A loses both WANs (upstream) ...');
    const t0 = epochNow();
    await rig.pair.fail('a', 1, 'upstream');
    await rig.pair.fail('a', 2, 'upstream');
    await rig.waitVip('b', MOVE_TIMEOUT_MS);
    const moved = epochNow();
    const echo = await flow.waitForEcho(moved, 10_000);
    screen.log(`the address is on B ${((moved - t0) / 1000).toFixed(1)} s after A's last link failed; the LAN flow resumed through B after ${((echo.at - t0) / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, HOLD_MS));
    screen.log('router A heals ...');
    const t1 = epochNow();
    await rig.pair.heal('a', 1);
    await rig.pair.heal('a', 2);
    if (preempt) {
      await rig.waitVip('a', MOVE_TIMEOUT_MS);
      screen.log(`preemption: the address is back on A ${((epochNow() - t1) / 1000).toFixed(1)} s after it healed`);
    } else {
      await new Promise((r) => setTimeout(r, HOLD_MS));
      screen.log(`nopreempt: the address stays on ${(await rig.pair.vipHolder())?.toUpperCase() ?? 'nobody'}`);
    }
    await new Promise((r) => setTimeout(r, HOLD_MS / 2));
    await draw();
    screen.freeze();
    await flow.stop();
    return 0;
  } finally {
    clearInterval(timer);
    await client.close().catch(() => undefined);
    await rig.stop();
  }
}
