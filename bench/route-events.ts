// Shared by the benchmarks: watch the router namespace's netlink for the moment the default route
// moves (or a carrier drops), and poll which link holds the lowest-metric default route. The
// address family is a parameter, so the IPv4 and IPv6 figures are measured the same way.
import type { Agent } from '../lab/agent-client.js';
import type { NetlinkEvent } from '../src/netlink/types.js';

export type BenchFamily = 'inet' | 'inet6';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the time (performance.now) of the first netlink event that matches. */
export async function firstEvent(agent: Agent, what: string, match: (e: NetlinkEvent) => boolean, timeoutMs: number): Promise<number> {
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      void agent.onEvent((e) => { if (match(e)) resolve(performance.now()); }).then((u) => { off = u; });
    });
  } finally {
    clearTimeout(timer);
    (off as (() => void) | null)?.();
  }
}

async function ifindexOf(agent: Agent, iface: string): Promise<number> {
  const l = (await agent.dump()).links.find((x) => x.name === iface);
  if (!l) throw new Error(`no interface ${iface} in the router namespace`);
  return l.index;
}

/** The time of the RTM_NEWROUTE that puts the main table's default route of `family` on `iface`. */
export async function routeMovedTo(agent: Agent, iface: string, timeoutMs: number, family: BenchFamily = 'inet'): Promise<number> {
  const idx = await ifindexOf(agent, iface);
  return firstEvent(agent, `${family} switch to ${iface}`, (e) =>
    e.kind === 'route' && e.op === 'new' && e.route.family === family && e.route.table === 254 && e.route.dst === null && e.route.oif === idx, timeoutMs);
}

/** The time of the kernel's link event that says `iface` lost its carrier. */
export function linkLost(agent: Agent, iface: string, timeoutMs: number): Promise<number> {
  return firstEvent(agent, `carrier loss on ${iface}`, (e) => e.kind === 'link' && e.link.name === iface && !e.link.carrier, timeoutMs);
}

/** True when the lowest-metric default route of `family` in main leaves through `iface`. */
export async function activeIs(agent: Agent, iface: string, family: BenchFamily = 'inet'): Promise<boolean> {
  const snap = await agent.dump();
  const idx = snap.links.find((l) => l.name === iface)?.index;
  const r = snap.routes.filter((x) => x.family === family && x.table === 254 && x.dst === null).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))[0];
  return r?.oif === idx;
}

/** Polls (every 200 ms, bounded) until `iface` holds the default route of `family`. */
export async function waitActive(agent: Agent, iface: string, timeoutMs: number, family: BenchFamily = 'inet'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await activeIs(agent, iface, family)) return;
    await sleep(200);
  }
  throw new Error(`the ${family} default route did not return to ${iface} within ${timeoutMs} ms`);
}
