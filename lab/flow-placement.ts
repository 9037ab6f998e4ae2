// Which WAN each flow takes, as the kernel decides it (used by bench/balance.ts and the balancing
// demo): a flow is a UDP 5-tuple with its own source port, looked up with the kernel's own FIB
// (`ip route get DST ipproto udp sport S dport D`, batched in one `ip -batch`), which goes through
// the resilient group's bucket selection and marks the bucket busy as a forwarded packet does
// (nexthop_select_path_res). And real LAN packets per WAN from the router's interface counters.
import { fileURLToPath } from 'node:url';
import type { Agent } from './agent-client.js';
import { runInNs } from './exec.js';
import type { Lab } from './topology.js';

export const FLOW_BASE_PORT = 20000;
const BURST = fileURLToPath(new URL('./udp-burst.js', import.meta.url));

/** The interface each of n flows (source port FLOW_BASE_PORT + i) takes to `dst`. */
export async function placements(lab: Lab, dst: string, n: number): Promise<string[]> {
  const lines = Array.from({ length: n }, (_, i) => `route get ${dst} ipproto udp sport ${FLOW_BASE_PORT + i} dport 5000`).join('\n');
  const r = await runInNs(lab.routerNs, 'ip', ['-batch', '-'], { input: `${lines}\n` });
  const devs = [...r.stdout.matchAll(/ dev (\S+)/g)].map((m) => m[1]!);
  if (devs.length !== n) throw new Error(`expected ${n} lookups, got ${devs.length}`);
  return devs;
}

/** Flows per interface. */
export function countByLink(devs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of devs) m.set(d, (m.get(d) ?? 0) + 1);
  return m;
}

/** Flows whose link changed between two placements, among those `keep` selects by their old link. */
export const movedFlows = (a: readonly string[], b: readonly string[], keep: (dev: string) => boolean): number =>
  a.reduce((n, d, i) => n + (keep(d) && b[i] !== d ? 1 : 0), 0);

/** Keeps the flows live: one lookup of each every second (bounded to 10 minutes), until stopped. */
export function keepLive(lab: Lab, dst: string, n: number): () => Promise<void> {
  let on = true;
  const loop = (async () => {
    for (let i = 0; on && i < 600; i++) {
      await placements(lab, dst, n).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => { on = false; await loop; };
}

async function txPackets(agent: Agent, links: readonly string[]): Promise<number[]> {
  const snap = await agent.dump();
  return links.map((l) => snap.links.find((x) => x.name === l)?.stats?.txPackets ?? 0);
}

/**
 * Real LAN packets (IPv4; the lab's LAN is IPv4): one datagram from the LAN host to each of n
 * destination ports (lab/udp-burst.ts: n new flows), counted per WAN by the router's interface
 * counters, minus the probes sent in an equally long quiet window just before.
 */
export async function lanPacketsPerLink(lab: Lab, agent: Agent, n: number): Promise<Map<string, number>> {
  const lan = lab.lan;
  if (!lan) throw new Error('the lab has no LAN');
  const links = lab.links.map((l) => l.iface);
  const t0 = performance.now();
  const q0 = await txPackets(agent, links);
  const quiet = await new Promise<number>((r) => setTimeout(() => r(performance.now()), 1000));
  const q1 = await txPackets(agent, links);
  const burstStart = performance.now();
  await runInNs(lan.ns, process.execPath, [BURST, '4', lan.echoAddress, String(FLOW_BASE_PORT), String(n)]);
  const b1 = await txPackets(agent, links);
  const burstMs = performance.now() - burstStart;
  return new Map(links.map((l, i) => [l, Math.max(0, b1[i]! - q1[i]! - Math.round(((q1[i]! - q0[i]!) / (quiet - t0)) * burstMs))]));
}
