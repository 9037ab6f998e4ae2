// The LAN lab: a client namespace behind the router, NAT on the router's WANs, BCP38 in each ISP,
// and UDP/TCP echo services in the internet namespace, so tests can watch what a LAN host's
// connections do across a failover (issue 11). Opt-in; a lab without `lan` is unchanged.
//
// Topology (addresses from 100.64.0.0/10 and 203.0.113.0/24 only):
//   PREFIX-lan  eth0 100.64.100.2/24, default via 100.64.100.1
//   PREFIX-r    lan0 100.64.100.1/24, ip_forward=1; table ip wanlab_nat: per WAN `masquerade` or
//               `snat to <the WAN's address>`
//   PREFIX-ispI table inet wanlab_bcp38: from cpeI, source not in 100.64.I.0/24 -> counted, dropped
//   PREFIX-net  echo (RFC 862) on 203.0.113.7 port 7, UDP and TCP (not a probe target)
//
// Use:
//   const lab = await createLab({ prefix, lan: { nat: 'snat' } });   // nat default 'masquerade'
//   lab.lan                         // LanInfo: ns, addresses, echo address/port, current NAT style
//   await lab.setNat('masquerade')  // switch the NAT style at run time ('none' removes NAT)
//   await lab.bcp38Drops(2)         // packets ISP 2 dropped for a foreign source address
//   const client = await openLanClient(lab);
//   const flow = await client.startUdpFlow();          // one datagram / 50 ms, source port 40000
//   ... switch ...; const echo = await flow.waitForEcho(epochNow(), 5000);
//   flow.gaps(150)                  // [{ afterSeq, fromAt, toAt, ms }]: echo gaps over 150 ms
//   const tcp = await client.openTcp();                // to the echo service
//   await tcp.echo({ timeoutMs: 2000 })                // RTT ms; rejects with 'ECONNRESET', ...
//   tcp.ended / await tcp.waitEnd(10_000)              // { code: 'ECONNRESET' | 'closed' | ..., at }
//   await client.close();
// Times (`at`, `sentAt`) are wall-clock ms with sub-ms precision (epochNow()), comparable across
// the lab's processes; for a RouteWatch time use performance.timeOrigin + view.atMs.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import { run, runInNs, spawnInNs, terminate } from './exec.js';
import { JsonLineRequests, onLines, parseJsonLine, type JsonObject } from './json-lines.js';
import {
  ECHO_ADDRESS, ECHO_PORT, LAN_CLIENT_ADDRESS, LAN_CLIENT_IFACE, LAN_PREFIX_LENGTH, LAN_ROUTER_ADDRESS, LAN_ROUTER_IFACE,
  LAN_SUBNET, type LabPlan,
} from './lab-plan.js';
import { bcp38Ruleset, natRuleset, parseCounterPackets, BCP38_COUNTER, BCP38_TABLE, NAT_TABLE, type NatStyle } from './nat-rules.js';

export type { NatStyle } from './nat-rules.js';

export interface LanOptions {
  /** NAT on the router's WANs (default 'masquerade'). */
  nat?: NatStyle;
  /** BCP38 source filtering in each ISP (default true). */
  bcp38?: boolean;
}

export interface LanInfo {
  ns: string;
  clientAddress: string;
  clientIface: string;
  routerAddress: string;
  routerIface: string;
  subnet: string;
  echoAddress: string;
  echoPort: number;
  nat: NatStyle | 'none';
  bcp38: boolean;
}

/** What buildLan needs of the lab: its spawn (tracked, killed at teardown). */
export interface LanHost {
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess;
}

const ECHO_JS = fileURLToPath(new URL('./echo-server.js', import.meta.url));
const CLIENT_JS = fileURLToPath(new URL('./lan-client.js', import.meta.url));
const START_TIMEOUT_MS = 10_000;

/** Wall-clock ms with sub-ms precision: the time base of every LAN flow record. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves on the child's first JSON line that satisfies `ok`; rejects on exit or timeout. */
function firstLine(child: ChildProcess, what: string, ok: (m: JsonObject) => boolean, timeoutMs: number): Promise<JsonObject> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    stderr = (stderr + s).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${stderr.trim()}`));
    });
    onLines(child.stdout!, (line) => {
      const m = parseJsonLine(line);
      if (m !== null && ok(m)) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

/** The UDP/TCP echo service on ECHO_ADDRESS in the internet namespace (also the VRRP pair lab's). */
export async function startEcho(host: LanHost, netNs: string): Promise<ChildProcess> {
  await run('ip', ['-n', netNs, 'addr', 'add', `${ECHO_ADDRESS}/32`, 'dev', 'lo']);
  const echo = host.spawn(netNs, process.execPath, [ECHO_JS, ECHO_ADDRESS, String(ECHO_PORT)]);
  await firstLine(echo, `echo server in ${netNs}`, (m) => m.ready === true, START_TIMEOUT_MS);
  return echo;
}

/** The router's NAT table in one style, or removed ('none'). */
export async function applyNat(plan: LabPlan, style: NatStyle | 'none'): Promise<void> {
  if (style === 'none') {
    await runInNs(plan.routerNs, 'nft', ['delete', 'table', 'ip', NAT_TABLE]).catch(() => undefined);
    return;
  }
  await runInNs(plan.routerNs, 'nft', ['-f', '-'], { input: natRuleset(style, plan.links.map((l) => ({ iface: l.iface, address: l.address }))) });
}

/** Packets ISP i's BCP38 filter dropped so far. */
export async function bcp38Drops(plan: LabPlan, i: number): Promise<number> {
  const l = plan.links[i - 1];
  if (l === undefined) throw new Error(`lab has no link ${i}`);
  const { stdout } = await runInNs(l.ispNs, 'nft', ['-j', 'list', 'counter', 'inet', BCP38_TABLE, BCP38_COUNTER]);
  const n = parseCounterPackets(stdout);
  if (n === null) throw new Error(`no BCP38 counter in ${l.ispNs}`);
  return n;
}

/** Builds the LAN into an existing lab (namespaces, NAT, BCP38, echo services). */
export async function buildLan(host: LanHost, plan: LabPlan, opts: LanOptions = {}): Promise<{ info: LanInfo; echo: ChildProcess }> {
  const nat = opts.nat ?? 'masquerade';
  const bcp38 = opts.bcp38 ?? true;
  const r = plan.routerNs;
  const c = plan.lanNs;
  await run('ip', ['netns', 'add', c]);
  await run('ip', ['-n', c, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', r, 'link', 'add', LAN_ROUTER_IFACE, 'type', 'veth', 'peer', 'name', LAN_CLIENT_IFACE, 'netns', c]);
  await run('ip', ['-n', r, 'addr', 'add', `${LAN_ROUTER_ADDRESS}/${LAN_PREFIX_LENGTH}`, 'dev', LAN_ROUTER_IFACE]);
  await run('ip', ['-n', c, 'addr', 'add', `${LAN_CLIENT_ADDRESS}/${LAN_PREFIX_LENGTH}`, 'dev', LAN_CLIENT_IFACE]);
  await run('ip', ['-n', r, 'link', 'set', LAN_ROUTER_IFACE, 'up']);
  await run('ip', ['-n', c, 'link', 'set', LAN_CLIENT_IFACE, 'up']);
  await run('ip', ['-n', c, 'route', 'add', 'default', 'via', LAN_ROUTER_ADDRESS]);
  await runInNs(r, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  await applyNat(plan, nat);
  if (bcp38) {
    for (const l of plan.links) await runInNs(l.ispNs, 'nft', ['-f', '-'], { input: bcp38Ruleset(l.cpeIface, l.wanSubnet) });
  }
  const echo = await startEcho(host, plan.netNs);
  const info: LanInfo = {
    ns: c, clientAddress: LAN_CLIENT_ADDRESS, clientIface: LAN_CLIENT_IFACE, routerAddress: LAN_ROUTER_ADDRESS,
    routerIface: LAN_ROUTER_IFACE, subnet: LAN_SUBNET, echoAddress: ECHO_ADDRESS, echoPort: ECHO_PORT, nat, bcp38,
  };
  return { info, echo };
}

/**
 * For a kept lab (`npm run lab -- --keep`): the echo service as its own detached process, in its
 * own process group, with no pipe to us, so it neither keeps this process alive nor dies with
 * it. It lives until `npm run lab -- down` kills every process in the lab's namespaces. Returns its pid.
 */
export async function startDetachedEcho(plan: LabPlan): Promise<number> {
  const echo = spawnInNs(plan.netNs, process.execPath, [ECHO_JS, ECHO_ADDRESS, String(ECHO_PORT), '--detached'], {
    detached: true, stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    await firstLine(echo, `detached echo server in ${plan.netNs}`, (m) => m.ready === true, START_TIMEOUT_MS);
  } catch (e) {
    await terminate(echo, 'SIGKILL', 1000);
    throw e;
  }
  echo.stdout?.destroy();
  echo.unref();
  return echo.pid ?? -1;
}

// ---- the LAN client -------------------------------------------------------------------------

export interface UdpEcho {
  seq: number;
  /** When the client sent it / got the echo back (epochNow() ms). */
  sentAt: number;
  at: number;
}

export interface EchoGap {
  /** The last echo before the gap. */
  afterSeq: number;
  fromAt: number;
  toAt: number;
  ms: number;
}

/** PURE: the stretches between consecutive echoes (by arrival) longer than minGapMs. */
export function echoGaps(echoes: readonly UdpEcho[], minGapMs: number): EchoGap[] {
  const sorted = [...echoes].sort((a, b) => a.at - b.at);
  const gaps: EchoGap[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.at - a.at > minGapMs) gaps.push({ afterSeq: a.seq, fromAt: a.at, toAt: b.at, ms: b.at - a.at });
  }
  return gaps;
}

export interface UdpFlowOptions {
  /** Default: the lab's echo service. */
  dst?: string;
  port?: number;
  /** Fixed source port (default 40000; each flow of one client needs its own). */
  srcPort?: number;
  /** Default 50 ms. */
  everyMs?: number;
  /** The client stops the flow by itself after this long (default 120 s). */
  maxMs?: number;
}

export interface UdpFlow {
  readonly id: string;
  readonly srcPort: number;
  readonly startedAt: number;
  /** Every echo so far, in arrival order. */
  readonly echoes: readonly UdpEcho[];
  gaps(minGapMs?: number): EchoGap[];
  /** The first echo that arrived after `afterAt` (epochNow() ms), waiting up to timeoutMs. */
  waitForEcho(afterAt: number, timeoutMs: number): Promise<UdpEcho>;
  /** Stops sending; resolves with the client's counts. */
  stop(): Promise<{ sent: number; received: number }>;
}

export interface TcpEnd {
  /** 'closed' (orderly or by us) or the socket error code, e.g. 'ECONNRESET', 'ETIMEDOUT'. */
  code: string;
  at: number;
}

export interface TcpConnection {
  readonly id: string;
  readonly localPort: number;
  readonly openedAt: number;
  /** Set once the connection ended. */
  readonly ended: TcpEnd | null;
  /** Sends `bytes` (default 16) and waits for the echo; resolves with the RTT in ms, rejects with the error code. */
  echo(opts?: { bytes?: number; timeoutMs?: number }): Promise<number>;
  waitEnd(timeoutMs: number): Promise<TcpEnd>;
  close(): Promise<void>;
}

export interface TcpOpenOptions {
  dst?: string;
  port?: number;
  timeoutMs?: number;
}

export interface LanClient {
  readonly pid: number;
  startUdpFlow(opts?: UdpFlowOptions): Promise<UdpFlow>;
  openTcp(opts?: TcpOpenOptions): Promise<TcpConnection>;
  /** Stops every flow and connection and the client process. */
  close(): Promise<void>;
}

class LanClientProcess implements LanClient {
  private readonly requests: JsonLineRequests;
  /** Names flows and connections (udp1, tcp2, ...). */
  private nextName = 1;
  private readonly echoes = new Map<string, UdpEcho[]>();
  private readonly echoWaiters = new Set<() => void>();
  private readonly ends = new Map<string, TcpEnd>();
  private readonly endWaiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly child: ChildProcess, private readonly info: LanInfo) {
    this.requests = new JsonLineRequests(child, 'LAN client');
    child.once('exit', (code) => this.requests.failAll(new Error(`LAN client exited (${code})`)));
    onLines(child.stdout!, (line) => this.onLine(line));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onLine(line: string): void {
    const m = parseJsonLine(line);
    if (m === null || this.requests.answer(m)) return;
    if (m.event === 'udp-echo' && typeof m.flow === 'string') {
      this.echoes.get(m.flow)?.push({ seq: Number(m.seq), sentAt: Number(m.sentAt), at: Number(m.at) });
      for (const w of [...this.echoWaiters]) w();
    } else if (m.event === 'tcp-end' && typeof m.conn === 'string') {
      this.ends.set(m.conn, { code: String(m.code), at: Number(m.at) });
      for (const w of [...this.endWaiters]) w();
    }
  }

  private request(req: JsonObject, timeoutMs: number): Promise<unknown> {
    return this.requests.request(req, timeoutMs);
  }

  /** Resolves when check() returns a value; rejects after timeoutMs. */
  private waitUntil<T>(waiters: Set<() => void>, check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const w = (): void => {
        const v = check();
        if (v === undefined) return;
        waiters.delete(w);
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(w);
    });
  }

  async startUdpFlow(opts: UdpFlowOptions = {}): Promise<UdpFlow> {
    const id = `udp${this.nextName++}`;
    const list: UdpEcho[] = [];
    this.echoes.set(id, list);
    const startedAt = epochNow();
    const res = (await this.request({
      op: 'udp-start', flow: id, dst: opts.dst ?? this.info.echoAddress, port: opts.port ?? this.info.echoPort,
      srcPort: opts.srcPort ?? 40000, everyMs: opts.everyMs ?? 50, maxMs: opts.maxMs ?? 120_000,
    }, 5000)) as { srcPort: number };
    return {
      id, srcPort: res.srcPort, startedAt, echoes: list,
      gaps: (minGapMs = 150) => echoGaps(list, minGapMs),
      waitForEcho: (afterAt, timeoutMs) =>
        this.waitUntil(this.echoWaiters, () => list.find((e) => e.at > afterAt), timeoutMs, `no UDP echo on ${id} after ${afterAt.toFixed(0)}`),
      stop: async () => (await this.request({ op: 'udp-stop', flow: id }, 5000)) as { sent: number; received: number },
    };
  }

  async openTcp(opts: TcpOpenOptions = {}): Promise<TcpConnection> {
    const id = `tcp${this.nextName++}`;
    const timeoutMs = opts.timeoutMs ?? 5000;
    const res = (await this.request({
      op: 'tcp-open', conn: id, dst: opts.dst ?? this.info.echoAddress, port: opts.port ?? this.info.echoPort, timeoutMs,
    }, timeoutMs + 1000)) as { localPort: number; at: number };
    const ends = this.ends;
    return {
      id, localPort: res.localPort, openedAt: res.at,
      get ended(): TcpEnd | null {
        return ends.get(id) ?? null;
      },
      echo: async (o = {}) => {
        const t = o.timeoutMs ?? 5000;
        const r = (await this.request({ op: 'tcp-echo', conn: id, bytes: o.bytes ?? 16, timeoutMs: t }, t + 1000)) as { rttMs: number };
        return r.rttMs;
      },
      waitEnd: (t) => this.waitUntil(this.endWaiters, () => ends.get(id), t, `TCP ${id} did not end`),
      close: async () => {
        await this.request({ op: 'tcp-close', conn: id }, 5000);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.requests.close();
    this.child.stdin?.end();
    await terminate(this.child, 'SIGTERM', 2000);
  }
}

/** Starts the LAN client in the lab's LAN namespace (the lab must have been built with `lan`). */
export async function openLanClient(lab: { readonly lan: LanInfo | null }): Promise<LanClient> {
  const info = lab.lan;
  if (info === null) throw new Error('this lab has no LAN: createLab({ lan: {} })');
  const child = spawnInNs(info.ns, process.execPath, [CLIENT_JS]);
  const ready = firstLine(child, `LAN client in ${info.ns}`, (m) => m.hello === 'wanlab-lan-client', START_TIMEOUT_MS);
  const client = new LanClientProcess(child, info);
  try {
    await ready;
  } catch (e) {
    await terminate(child, 'SIGKILL', 1000);
    throw e;
  }
  return client;
}
