// The test/demo side of the in-namespace agent: spawns `node agent.js` inside a namespace and
// offers a typed API over its JSON-line protocol. Every request has a deadline.
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { NetlinkEvent, NetlinkSnapshot, RouteEntry } from '../src/netlink/types.js';
import { spawnInNs, terminate } from './exec.js';
import { JsonLineRequests, onLines, parseJsonLine, type JsonObject } from './json-lines.js';
import type { HttpResponse } from './agent-protocol.js';

export interface AgentHttpOptions {
  headers?: Record<string, string>;
  body?: string;
  /** The daemon API port inside the namespace (default 8780). */
  port?: number;
  timeoutMs?: number;
}

export interface Agent {
  readonly ns: string;
  readonly pid: number;
  dump(): Promise<NetlinkSnapshot>;
  /** IPv4 default routes of one table (main = 254), lowest metric first. */
  defaultRoutes(table?: number): Promise<RouteEntry[]>;
  /** Starts the event stream on first use; returns an unsubscribe function. */
  onEvent(cb: (e: NetlinkEvent) => void): Promise<() => void>;
  http(method: string, path: string, opts?: AgentHttpOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface OpenAgentOptions {
  /** Per-request deadline (default 5000 ms). */
  timeoutMs?: number;
  /** Deadline for the agent to start and open netlink (default 10000 ms). */
  startTimeoutMs?: number;
}

const AGENT_JS = fileURLToPath(new URL('./agent.js', import.meta.url));

/** Pure: the IPv4 default routes of a table, lowest metric first. */
export function pickDefaultRoutes(routes: readonly RouteEntry[], table = 254): RouteEntry[] {
  return routes
    .filter((r) => r.family === 'inet' && r.table === table && r.dst === null && r.dstLength === 0)
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
}

class AgentConnection implements Agent {
  private readonly requests: JsonLineRequests;
  private readonly listeners = new Set<(e: NetlinkEvent) => void>();
  private subscribed: Promise<unknown> | null = null;
  private stderr = '';
  private closed = false;

  constructor(readonly ns: string, private readonly child: ChildProcess, private readonly timeoutMs: number) {
    this.requests = new JsonLineRequests(child, `agent ${ns}`);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Wires stdout/stderr; resolves on the agent's hello line. */
  start(startTimeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent in ${this.ns} did not start: ${this.stderr.trim()}`)), startTimeoutMs);
      this.child.stderr?.setEncoding('utf8');
      this.child.stderr?.on('data', (s: string) => {
        this.stderr = (this.stderr + s).slice(-4000);
      });
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        const err = new Error(`agent in ${this.ns} exited (${code}): ${this.stderr.trim()}`);
        reject(err);
        this.requests.failAll(err);
      });
      onLines(this.child.stdout!, (line) => {
        const msg = parseJsonLine(line);
        if (msg === null) return;
        if (msg.hello !== undefined) {
          clearTimeout(timer);
          resolve();
        } else if (msg.event !== undefined) {
          for (const cb of this.listeners) cb(msg.event as NetlinkEvent);
        } else {
          this.requests.answer(msg);
        }
      });
    });
  }

  private request(req: JsonObject, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.requests.request(req, timeoutMs);
  }

  async dump(): Promise<NetlinkSnapshot> {
    return (await this.request({ op: 'dump' })) as NetlinkSnapshot;
  }

  async defaultRoutes(table = 254): Promise<RouteEntry[]> {
    return pickDefaultRoutes((await this.dump()).routes, table);
  }

  async onEvent(cb: (e: NetlinkEvent) => void): Promise<() => void> {
    this.listeners.add(cb);
    this.subscribed ??= this.request({ op: 'subscribe' });
    await this.subscribed;
    return () => {
      this.listeners.delete(cb);
    };
  }

  async http(method: string, path: string, opts: AgentHttpOptions = {}): Promise<HttpResponse> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const req = { op: 'http', method, path, headers: opts.headers, body: opts.body, port: opts.port, timeoutMs };
    // The agent's own fetch deadline is timeoutMs; ours allows a little more for the round trip.
    return (await this.request(req, timeoutMs + 1000)) as HttpResponse;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.requests.close();
    this.listeners.clear();
    this.child.stdin?.end();
    await terminate(this.child, 'SIGTERM', 2000);
  }
}

/** Starts an agent inside `ns` (root). Close it when done; lab teardown also kills it. */
export async function openAgent(ns: string, opts: OpenAgentOptions = {}): Promise<Agent> {
  const child = spawnInNs(ns, process.execPath, [AGENT_JS]);
  const conn = new AgentConnection(ns, child, opts.timeoutMs ?? 5000);
  try {
    await conn.start(opts.startTimeoutMs ?? 10_000);
  } catch (e) {
    await terminate(child, 'SIGKILL', 1000);
    throw e;
  }
  return conn;
}
