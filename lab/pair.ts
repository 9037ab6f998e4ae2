// The VRRP pair lab (issue 25): builds and tears down two routers with two WANs each into the
// lab's two ISPs, a LAN bridge in its own namespace and a LAN host whose gateway is the virtual
// address, from pair-plan.ts. The single-router lab (topology.ts) is unchanged; this reuses its
// parts: the fault rules (per customer interface here, so a fault hits one router only), the NAT
// rules, the echo service and the LAN client. Each router is a DaemonLab, so startDaemon() runs
// the real daemon in it; keepalived.ts runs the real keepalived. The root namespace is never
// touched; every namespace has the run's prefix and goes at destroy() (also at exit).
//
//   const pair = await createPair({ prefix });
//   await startDaemon(pair.router('a'), labConfig(pair.router('a'), { vrrp: {...} }));
//   await pair.fail('a', 1, 'upstream'); await pair.heal('a', 1); await pair.vipHolder();
//   const client = await openLanClient(pair);   // pair.lan: the LAN host's LanInfo
import { execFileSync, type ChildProcess } from 'node:child_process';
import { run, runInNs, spawnInNsInto, terminate, isRunning, type RunResult } from './exec.js';
import { guardExit } from './exit-guard.js';
import { deleteNamespace, type LabLink } from './topology.js';
import type { DaemonLab } from './daemon-runner.js';
import { startEcho, type LanInfo } from './lan.js';
import { natRuleset } from './nat-rules.js';
import { faultRuleset, faultTable, type FaultOptions } from './nft-rules.js';
import { findOnPath, requireTools } from './preflight.js';
import { PAIR_LAN_PREFIX_LENGTH, pairNamespaces, planPair, type PairPlan, type PairRouterPlan, type RouterId } from './pair-plan.js';

export interface Pair {
  readonly plan: PairPlan;
  /** The LAN host as the LAN client expects it (openLanClient(pair)). */
  readonly lan: LanInfo;
  /** Router A or B as a DaemonLab (startDaemon, labConfig). */
  router(id: RouterId): DaemonLab;
  /** Breaks router `id`'s WAN i in the ISP (only that router's customer interface). */
  fail(id: RouterId, i: number, kind: 'upstream' | 'gateway' | 'carrier', opts?: Omit<FaultOptions, 'iface'>): Promise<void>;
  heal(id: RouterId, i: number): Promise<void>;
  /** The router whose LAN interface holds the virtual address now (null: none; both: a split brain). */
  vipHolder(): Promise<RouterId | 'both' | null>;
  /** /proc/net/nf_conntrack of a router (which flows it forwards, NATed to which WAN). */
  conntrack(id: RouterId): Promise<string>;
  exec(ns: string, cmd: string, args: readonly string[]): Promise<RunResult>;
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess;
  destroy(): Promise<void>;
}

export interface CreatePairOptions {
  prefix: string;
}

async function sysctls(ns: string, pairs: readonly string[]): Promise<void> {
  await runInNs(ns, 'sysctl', ['-q', '-w', ...pairs]);
}

async function buildPair(p: PairPlan, host: { spawn: Pair['spawn'] }): Promise<void> {
  for (const ns of pairNamespaces(p)) {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await sysctls(ns, ['net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
  }
  for (const t of p.targets) await run('ip', ['-n', p.netNs, 'addr', 'add', `${t}/32`, 'dev', 'lo']);
  for (const isp of p.isps) {
    await sysctls(isp.ns, ['net.ipv4.ip_forward=1']);
    await run('ip', ['-n', isp.ns, 'link', 'add', isp.uplinkIface, 'type', 'veth', 'peer', 'name', isp.netIface, 'netns', p.netNs]);
    await run('ip', ['-n', isp.ns, 'addr', 'add', `${isp.uplinkAddress}/24`, 'dev', isp.uplinkIface]);
    await run('ip', ['-n', p.netNs, 'addr', 'add', `${isp.netAddress}/24`, 'dev', isp.netIface]);
    await run('ip', ['-n', isp.ns, 'link', 'set', 'dev', isp.uplinkIface, 'up']);
    await run('ip', ['-n', p.netNs, 'link', 'set', 'dev', isp.netIface, 'up']);
    await run('ip', ['-n', isp.ns, 'route', 'add', 'default', 'via', isp.netAddress]);
  }
  // The LAN segment: a bridge in its own namespace, one port per router and one for the host.
  await run('ip', ['-n', p.switchNs, 'link', 'add', 'br0', 'type', 'bridge']);
  await run('ip', ['-n', p.switchNs, 'link', 'set', 'dev', 'br0', 'up']);
  const plug = async (ns: string, iface: string, port: string): Promise<void> => {
    await run('ip', ['-n', ns, 'link', 'add', iface, 'type', 'veth', 'peer', 'name', port, 'netns', p.switchNs]);
    await run('ip', ['-n', p.switchNs, 'link', 'set', 'dev', port, 'master', 'br0']);
    await run('ip', ['-n', p.switchNs, 'link', 'set', 'dev', port, 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'dev', iface, 'up']);
  };
  for (const r of p.routers) await buildRouter(p, r, plug);
  await plug(p.lanNs, p.lanHost.iface, p.lanHost.switchPort);
  await run('ip', ['-n', p.lanNs, 'addr', 'add', `${p.lanHost.address}/${PAIR_LAN_PREFIX_LENGTH}`, 'dev', p.lanHost.iface]);
  await run('ip', ['-n', p.lanNs, 'route', 'add', 'default', 'via', p.vip]);
  await startEcho(host, p.netNs);
}

async function buildRouter(p: PairPlan, r: PairRouterPlan, plug: (ns: string, iface: string, port: string) => Promise<void>): Promise<void> {
  await sysctls(r.ns, ['net.ipv4.ip_forward=1']);
  for (const l of r.links) {
    const isp = p.isps[l.index - 1]!;
    await run('ip', ['-n', r.ns, 'link', 'add', l.iface, 'type', 'veth', 'peer', 'name', l.cpeIface, 'netns', l.ispNs]);
    await run('ip', ['-n', r.ns, 'addr', 'add', `${l.address}/${l.prefixLength}`, 'dev', l.iface]);
    await run('ip', ['-n', l.ispNs, 'addr', 'add', `${l.gateway}/${l.prefixLength}`, 'dev', l.cpeIface]);
    await run('ip', ['-n', r.ns, 'link', 'set', 'dev', l.iface, 'up']);
    await run('ip', ['-n', l.ispNs, 'link', 'set', 'dev', l.cpeIface, 'up']);
    // Replies to this WAN's address return through the ISP it left by.
    await run('ip', ['-n', p.netNs, 'route', 'add', l.wanSubnet, 'via', isp.uplinkAddress]);
  }
  await plug(r.ns, r.lanIface, r.switchPort);
  await run('ip', ['-n', r.ns, 'addr', 'add', `${r.lanAddress}/${PAIR_LAN_PREFIX_LENGTH}`, 'dev', r.lanIface]);
  // As a DHCP client would have left it on the first WAN; the daemon takes over from there.
  await run('ip', ['-n', r.ns, 'route', 'add', 'default', 'via', r.links[0]!.gateway, 'dev', r.links[0]!.iface, 'proto', 'dhcp']);
  await runInNs(r.ns, 'nft', ['-f', '-'], { input: natRuleset('masquerade', r.links.map((l) => ({ iface: l.iface, address: l.address }))) });
}

class NamespacePair implements Pair {
  private readonly children = new Set<ChildProcess>();
  private destroyed = false;
  private unguard: (() => void) | null = null;

  constructor(readonly plan: PairPlan) {}

  guard(): void {
    this.unguard = guardExit(() => this.destroySync());
  }

  get lan(): LanInfo {
    const p = this.plan;
    return {
      ns: p.lanNs, clientAddress: p.lanHost.address, clientIface: p.lanHost.iface, routerAddress: p.vip, routerIface: 'lan0',
      subnet: `100.64.100.0/${PAIR_LAN_PREFIX_LENGTH}`, echoAddress: p.echoAddress, echoPort: p.echoPort, nat: 'masquerade', bcp38: false,
    };
  }

  private routerPlan(id: RouterId): PairRouterPlan {
    return id === 'a' ? this.plan.routers[0] : this.plan.routers[1];
  }

  router(id: RouterId): DaemonLab {
    const r = this.routerPlan(id);
    const links: LabLink[] = r.links.map((l) => ({ index: l.index, iface: l.iface, address: l.address, gateway: l.gateway, ispNs: l.ispNs, ipv6: null }));
    return {
      prefix: `${this.plan.prefix}-${id}`, routerNs: r.ns, links, targets: [...this.plan.targets],
      spawn: (ns, cmd, args) => this.spawn(ns, cmd, args),
    };
  }

  private link(id: RouterId, i: number): PairRouterPlan['links'][number] {
    const l = this.routerPlan(id).links[i - 1];
    if (l === undefined) throw new Error(`router ${id} has no link ${i} (links: 1..2)`);
    return l;
  }

  async fail(id: RouterId, i: number, kind: 'upstream' | 'gateway' | 'carrier', opts: Omit<FaultOptions, 'iface'> = {}): Promise<void> {
    const l = this.link(id, i);
    if (kind === 'carrier') {
      await run('ip', ['-n', l.ispNs, 'link', 'set', 'dev', l.cpeIface, 'down']);
      return;
    }
    await runInNs(l.ispNs, 'nft', ['-f', '-'], { input: faultRuleset(kind, { ...opts, iface: l.cpeIface }) });
  }

  async heal(id: RouterId, i: number): Promise<void> {
    const l = this.link(id, i);
    await runInNs(l.ispNs, 'nft', ['delete', 'table', 'inet', faultTable(l.cpeIface)]).catch(() => undefined);
    await run('ip', ['-n', l.ispNs, 'link', 'set', 'dev', l.cpeIface, 'up']);
  }

  async vipHolder(): Promise<RouterId | 'both' | null> {
    const holds = async (r: PairRouterPlan): Promise<boolean> => {
      const { stdout } = await run('ip', ['-n', r.ns, '-4', '-o', 'addr', 'show', 'dev', r.lanIface]);
      return stdout.includes(` ${this.plan.vip}/`);
    };
    const [a, b] = await Promise.all(this.plan.routers.map(holds));
    return a && b ? 'both' : a ? 'a' : b ? 'b' : null;
  }

  async conntrack(id: RouterId): Promise<string> {
    return (await runInNs(this.routerPlan(id).ns, 'cat', ['/proc/net/nf_conntrack'])).stdout;
  }

  exec(ns: string, cmd: string, args: readonly string[]): Promise<RunResult> {
    return runInNs(ns, cmd, args);
  }

  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    return spawnInNsInto(this.children, ns, cmd, args);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all([...this.children].map((c) => terminate(c, 'SIGTERM', 2000)));
    // Only the run's own namespaces: whatever is still inside them (a keepalived VRRP child) goes with them.
    for (const ns of pairNamespaces(this.plan)) await deleteNamespace(ns);
    this.unguard?.();
    this.unguard = null;
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const c of this.children) if (isRunning(c)) c.kill('SIGKILL');
    for (const ns of pairNamespaces(this.plan)) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // Already gone.
      }
    }
  }
}

/** keepalived is a lab-only tool: named with its package when missing. */
export function requireKeepalived(): void {
  if (findOnPath('keepalived') === null) throw new Error('the pair lab needs keepalived: apt-get install -y keepalived (install/dev-setup.sh)');
}

/** Builds a fresh pair lab (root). A prefix whose namespaces exist is refused: pick a unique one per run. */
export async function createPair(opts: CreatePairOptions): Promise<Pair> {
  const plan = planPair(opts.prefix);
  requireTools();
  requireKeepalived();
  const existing = (await run('ip', ['netns', 'list'])).stdout;
  const clash = pairNamespaces(plan).find((ns) => new RegExp(`^${ns}( |$)`, 'm').test(existing));
  if (clash !== undefined) throw new Error(`namespace ${clash} exists: remove it (npm run lab -- down --prefix ${plan.prefix}) or use another prefix`);
  const pair = new NamespacePair(plan);
  pair.guard();
  try {
    await buildPair(plan, pair);
  } catch (e) {
    await pair.destroy();
    throw e;
  }
  return pair;
}

