// Follows the router's main-table IPv4 default route through the agent's netlink events, so the
// demo (and tests) can measure when the kernel route really moved, not when the daemon said so.
import { performance } from 'node:perf_hooks';
import type { NetlinkEvent, RouteEntry } from '../src/netlink/types.js';
import { pickDefaultRoutes, type Agent } from './agent-client.js';

export interface DefaultRouteView {
  iface: string | null;
  gateway: string | null;
  /** performance.now() when this route was seen. */
  atMs: number;
}

const MAIN_TABLE = 254;

function isMainDefault(r: RouteEntry): boolean {
  return r.family === 'inet' && r.table === MAIN_TABLE && r.dst === null && r.dstLength === 0;
}

export class RouteWatch {
  private names = new Map<number, string>();
  private route: DefaultRouteView = { iface: null, gateway: null, atMs: performance.now() };
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(route: DefaultRouteView) => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly agent: Agent) {}

  /** Subscribes first, then dumps, so no change between the two is lost. */
  async start(): Promise<void> {
    this.unsubscribe = await this.agent.onEvent((e) => this.onEvent(e));
    const snap = await this.agent.dump();
    for (const l of snap.links) this.names.set(l.index, l.name);
    const best = pickDefaultRoutes(snap.routes, MAIN_TABLE)[0];
    if (best !== undefined) this.set(best);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Calls fn on every change of the default route (e.g. to redraw a view at once); returns an unsubscribe. */
  onChange(fn: (route: DefaultRouteView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get current(): DefaultRouteView {
    return this.route;
  }

  private set(r: RouteEntry | null): void {
    const iface = r?.oif == null ? null : (this.names.get(r.oif) ?? `if${r.oif}`);
    this.route = { iface, gateway: r?.gateway ?? null, atMs: performance.now() };
    for (const w of [...this.waiters]) w();
    for (const fn of [...this.listeners]) fn(this.route);
  }

  private onEvent(e: NetlinkEvent): void {
    if (e.kind === 'link') {
      if (e.op === 'new') this.names.set(e.link.index, e.link.name);
      return;
    }
    if (e.kind !== 'route' || !isMainDefault(e.route)) return;
    if (e.op === 'new') this.set(e.route);
    else if (this.route.iface !== null && this.names.get(e.route.oif ?? -1) === this.route.iface) this.set(null);
  }

  /** Resolves with the time the default route was seen on `iface`; rejects after timeoutMs. */
  waitFor(iface: string, timeoutMs: number): Promise<number> {
    if (this.route.iface === iface) return Promise.resolve(this.route.atMs);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.route.iface !== iface) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.route.atMs);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`default route not on ${iface} within ${timeoutMs} ms (it is on ${this.route.iface ?? 'nothing'})`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}
