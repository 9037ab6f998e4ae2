// Shared scaffolding for the daemon's lab tests: a fresh lab + agent per test, always torn
// down, and bounded waits on real netlink state. Waits have generous deadlines; tests assert
// behaviour, never speed.
import { randomBytes } from 'node:crypto';
import { createLab, type Lab } from '../../lab/topology.js';
import type { LanOptions } from '../../lab/lan.js';
import { openAgent, type Agent } from '../../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonConfig, type DaemonHandle, type LogLine } from '../../lab/daemon-runner.js';

export const notRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces, raw sockets)' : false;

export interface Rig {
  lab: Lab;
  agent: Agent;
  start(over?: DaemonConfig, opts?: { stateFiles?: boolean; nodeArgs?: string[]; commandPrefix?: readonly string[] }): Promise<DaemonHandle>;
}

/** Runs fn with a fresh lab, an agent in the router namespace and a daemon starter; cleans up everything. */
export interface RigOptions {
  links?: number;
  /** Namespace prefix of the suite (default `wfd`). */
  prefix?: string;
  /** Another build of the daemon's entry (default dist/src/main.js). */
  mainPath?: string;
  /** Build the LAN lab too (lab/lan.ts: LAN client ns, NAT, BCP38, echo services). */
  lan?: LanOptions;
  /** Dual-stack lab (lab/topology.ts: IPv6 addresses, RA-style routes, IPv6 targets). */
  ipv6?: boolean;
}

export async function withRig(tag: string, fn: (rig: Rig) => Promise<void>, opts: RigOptions = {}): Promise<void> {
  const lab = await createLab({
    prefix: `${opts.prefix ?? 'wfd'}-${tag}-${randomBytes(2).toString('hex')}`, links: opts.links ?? 2,
    ...(opts.lan === undefined ? {} : { lan: opts.lan }),
    ...(opts.ipv6 === true ? { ipv6: true } : {}),
  });
  const daemons: DaemonHandle[] = [];
  let agent: Agent | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    const rig: Rig = {
      lab,
      agent,
      start: async (over = {}, startOpts = {}) => {
        const d = await startDaemon(lab, labConfig(lab, over), { ...startOpts, ...(opts.mainPath ? { mainPath: opts.mainPath } : {}) });
        daemons.push(d);
        await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
        return d;
      },
    };
    await fn(rig);
  } finally {
    for (const d of daemons) await d.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}

/** Interface name of the lowest-metric IPv4 default route in main, or null. */
export async function activeIface(rig: Rig): Promise<string | null> {
  const snap = await rig.agent.dump();
  const routes = snap.routes.filter((r) => r.family === 'inet' && r.table === 254 && r.dst === null)
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  const oif = routes[0]?.oif;
  return snap.links.find((l) => l.index === oif)?.name ?? null;
}

/** Polls until pred holds (bounded in time and count). */
export async function waitFor(what: string, pred: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / everyMs) + 1; i++) {
    if (await pred()) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const switches = (d: DaemonHandle): LogLine[] => d.logs.filter((l) => l.msg === 'default route switched');

/**
 * The daemon's last 'default route switched' line, once it says `to`. The kernel's route changes
 * first and the daemon's log line reaches us through its stdout a moment later: a test that saw
 * the route move waits here before reading the line (under load the line can trail by a while).
 */
export async function switchedTo(d: DaemonHandle, to: string, timeoutMs = 5000): Promise<LogLine> {
  await waitFor(`the daemon's log line of the switch to ${to}`, async () => switches(d).at(-1)?.to === to, timeoutMs, 50);
  return switches(d).at(-1)!;
}

export async function status(rig: Rig, d: DaemonHandle): Promise<Record<string, any>> {
  const res = await rig.agent.http('GET', '/api/status', { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body}`);
  return JSON.parse(res.body) as Record<string, any>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
