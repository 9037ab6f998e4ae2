// Builds and tears down the namespace lab: a router ns with N WAN veths, one ns per ISP, and an
// "internet" ns holding the probe targets. Faults are injected in the ISP namespaces only; the
// root namespace is never touched (veths are created directly inside the lab's namespaces).
//
// API (addresses: lab-plan.ts):
//   createLab({ prefix?, links? = 2, ipv6? = false, lan?: { nat?: 'masquerade' | 'snat', bcp38? },
//               persist?, onNote? }) -> Lab; refuses a same-prefix lab in use (LabInUseError)
//   lab.routerNs / netNs / ispNs(i) / links[i-1] { iface, address, gateway, ispNs, ipv6 } / targets / targets6
//   lab.fail(i, 'upstream' | 'gateway' | 'carrier', { lossPct?, family?: 'ipv4' | 'ipv6' | 'both' })
//   lab.heal(i); lab.changeGateway(i, addr); lab.exec(ns, cmd, args); lab.spawn(ns, cmd, args)
//   lab.lan, lab.setNat(style | 'none'), lab.bcp38Drops(i), and openLanClient(lab): see lan.ts
//   lab.destroy() (idempotent; also at exit unless persist), lab.detach(), lab.keep()
// Dual-stack (ipv6: true): wanI 2001:db8:I::2/64, the ISP 2001:db8:I::1 and fe80::1, a
// `proto ra` default via fe80::1 per WAN (metric 1024 + I - 1), targets 2001:db8:ff00::1 and
// 2001:db8:ff01::1, IPv6 forwarding in the ISPs, DAD off everywhere.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { run, runInNs, spawnInNsInto, terminate, isRunning, type RunResult } from './exec.js';
import { planLab, labNamespaces, parseNetnsList, countIspNamespaces, DEFAULT_PREFIX, type LabPlan, type LabLinkPlan } from './lab-plan.js';
import { decideExistingLab, type LabProcess } from './lab-reuse.js';
import { faultRuleset, FAULT_TABLE, type FaultKind, type FaultOptions } from './nft-rules.js';
import { guardExit } from './exit-guard.js';
import { requireTools } from './preflight.js';
import { applyNat, bcp38Drops, buildLan, startDetachedEcho, type LanInfo, type LanOptions, type NatStyle } from './lan.js';

export interface LabLink {
  index: number;
  iface: string;
  address: string;
  gateway: string;
  ispNs: string;
  /** Dual-stack labs only (createLab({ ipv6: true })), else null. */
  ipv6: LabLink6 | null;
}

export interface LabLink6 {
  /** The router's global address on the WAN (2001:db8:I::2, /64). */
  address: string;
  /** The ISP's link-local address (fe80::1): the next hop of the RA-style default route. */
  gateway: string;
  /** The ISP's global address on the same link (2001:db8:I::1). */
  globalGateway: string;
  /** Metric of the `proto ra` default route the lab adds for this WAN (1024 + I - 1). */
  raMetric: number;
}

export interface Lab {
  readonly prefix: string;
  readonly routerNs: string;
  readonly netNs: string;
  readonly links: LabLink[];
  readonly targets: string[];
  /** Dual-stack lab (createLab({ ipv6: true })): IPv6 addresses, RA-style routes, IPv6 targets. */
  readonly ipv6: boolean;
  /** IPv6 probe targets; empty unless `ipv6`. */
  readonly targets6: string[];
  /** The LAN behind the router (lan.ts), null unless built with `lan`. */
  readonly lan: LanInfo | null;
  ispNs(i: number): string;
  /**
   * Breaks WAN i in its ISP: upstream (forwarded traffic dropped, the ISP still answers), gateway
   * (the ISP answers nothing), carrier (its cable pulled: both families). `opts.family` limits a
   * packet fault to ipv4 or ipv6 (default both); `opts.lossPct` drops a share only. A new packet
   * fault on a link replaces the previous one; heal(i) removes all.
   */
  fail(i: number, kind: FaultKind, opts?: FaultOptions): Promise<void>;
  heal(i: number): Promise<void>;
  changeGateway(i: number, newAddr: string): Promise<void>;
  /** LAN labs: the router's NAT on every WAN becomes `style` ('none': no NAT). */
  setNat(style: NatStyle | 'none'): Promise<void>;
  /** LAN labs: packets ISP i dropped for a source outside its customer prefix (BCP38). */
  bcp38Drops(i: number): Promise<number>;
  exec(ns: string, cmd: string, args: readonly string[]): Promise<RunResult>;
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess;
  /** Kills what the lab spawned and deletes its namespaces. Idempotent. */
  destroy(): Promise<void>;
  /** Gives the lab up to outlive this process: no teardown at exit any more. */
  detach(): void;
  /**
   * `--keep`: restarts what the lab itself runs (the LAN echo service) as detached processes, so
   * nothing holds this process open, then detach(). `npm run lab -- down` ends them.
   */
  keep(): Promise<void>;
}

export interface CreateLabOptions {
  prefix?: string;
  links?: number;
  /** Keep the lab after this process exits (no exit/signal hooks): for `npm run lab -- up`. */
  persist?: boolean;
  /**
   * Dual-stack (issue 12): IPv6 from 2001:db8::/32 on every WAN, ISP uplink and target, IPv6
   * forwarding in the ISPs, DAD off (addresses usable at once), and per WAN a `proto ra` default
   * route via the ISP's link-local address, as router advertisements leave it. Default false.
   */
  ipv6?: boolean;
  /** Adds a LAN client namespace, NAT, BCP38 and echo services (lan.ts). Default: none. */
  lan?: LanOptions;
  /** Told when a stale lab of the same prefix is removed first; default: a line on stderr. */
  onNote?: (note: string) => void;
}

/** A lab of the same prefix is in use (processes alive in it): it is left alone. */
export class LabInUseError extends Error {
  override readonly name = 'LabInUseError';
}

async function listNetns(): Promise<string[]> {
  return parseNetnsList((await run('ip', ['netns', 'list'])).stdout);
}

async function sysctls(ns: string, pairs: readonly string[]): Promise<void> {
  await runInNs(ns, 'sysctl', ['-q', '-w', ...pairs]);
}

/** Pids of the processes inside a namespace (`ip netns pids`), never our own. */
async function pidsIn(ns: string): Promise<number[]> {
  return (await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }))).stdout
    .split(/\s+/)
    .filter((p) => /^[0-9]+$/.test(p))
    .map(Number)
    .filter((p) => p !== process.pid);
}

/** pidsIn for the exit path, where nothing can be awaited. */
function pidsInSync(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] })
      .split(/\s+/).filter((p) => /^[0-9]+$/.test(p)).map(Number).filter((p) => p !== process.pid);
  } catch {
    return [];
  }
}

async function processesIn(namespaces: readonly string[]): Promise<LabProcess[]> {
  const out: LabProcess[] = [];
  for (const ns of namespaces) {
    for (const pid of await pidsIn(ns)) {
      const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
      out.push({ pid, ns, name });
    }
  }
  return out;
}

/** Kills every process still inside the namespace (only ever lab namespaces), then deletes it. */
export async function deleteNamespace(ns: string): Promise<void> {
  const pids = await pidsIn(ns);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await run('ip', ['netns', 'del', ns]).catch(() => undefined);
}

/** Removes every namespace of a lab with this prefix (stale runs, `npm run lab -- down`). Returns their names. */
export async function destroyLab(prefix: string): Promise<string[]> {
  const mine = labNamespaces(prefix, await listNetns());
  for (const ns of mine) await deleteNamespace(ns);
  return mine;
}

/** The `proto ra` default route's metric for WAN i: distinct per WAN (see buildLink6). */
export function raMetric(i: number): number {
  return 1024 + i - 1;
}

async function buildNamespaces(plan: LabPlan, ipv6: boolean): Promise<void> {
  const all = [plan.routerNs, plan.netNs, ...plan.links.map((l) => l.ispNs)];
  for (const ns of all) {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // The router sends replies out of the WAN they came in on; strict rp_filter would drop
    // asymmetric probe replies in the lab, so it is off everywhere (the daemon may set loose).
    await sysctls(ns, ['net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
    // DAD off before any interface exists, so every IPv6 address is usable at once (no
    // "tentative" second); no real RAs in the lab, so none are accepted (ip-sysctl.rst).
    if (ipv6) {
      await sysctls(ns, ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0',
        'net.ipv6.conf.all.accept_ra=0', 'net.ipv6.conf.default.accept_ra=0']);
    }
  }
  if (ipv6) for (const t of plan.targets6) await run('ip', ['-n', plan.netNs, '-6', 'addr', 'add', `${t}/128`, 'dev', 'lo', 'nodad']);
  for (const t of plan.targets) {
    await run('ip', ['-n', plan.netNs, 'addr', 'add', `${t}/32`, 'dev', 'lo']);
  }
  for (const l of plan.links) await buildLink(plan, l);
  if (ipv6) for (const l of plan.links) await buildLink6(plan, l);
  // Like a DHCP client would have done on the primary WAN.
  const first = plan.links[0]!;
  await run('ip', ['-n', plan.routerNs, 'route', 'add', 'default', 'via', first.gateway, 'dev', first.iface, 'proto', 'dhcp']);
}

async function buildLink(plan: LabPlan, l: LabLinkPlan): Promise<void> {
  const r = plan.routerNs;
  await sysctls(l.ispNs, ['net.ipv4.ip_forward=1']);
  await run('ip', ['-n', r, 'link', 'add', l.iface, 'type', 'veth', 'peer', 'name', l.cpeIface, 'netns', l.ispNs]);
  await run('ip', ['-n', l.ispNs, 'link', 'add', l.uplinkIface, 'type', 'veth', 'peer', 'name', l.netIface, 'netns', plan.netNs]);
  await run('ip', ['-n', r, 'addr', 'add', `${l.address}/${l.prefixLength}`, 'dev', l.iface]);
  await run('ip', ['-n', l.ispNs, 'addr', 'add', `${l.gateway}/${l.prefixLength}`, 'dev', l.cpeIface]);
  await run('ip', ['-n', l.ispNs, 'addr', 'add', `${l.uplinkAddress}/24`, 'dev', l.uplinkIface]);
  await run('ip', ['-n', plan.netNs, 'addr', 'add', `${l.netAddress}/24`, 'dev', l.netIface]);
  await run('ip', ['-n', r, 'link', 'set', l.iface, 'up']);
  await run('ip', ['-n', l.ispNs, 'link', 'set', l.cpeIface, 'up']);
  await run('ip', ['-n', l.ispNs, 'link', 'set', l.uplinkIface, 'up']);
  await run('ip', ['-n', plan.netNs, 'link', 'set', l.netIface, 'up']);
  await run('ip', ['-n', l.ispNs, 'route', 'add', 'default', 'via', l.netAddress]);
  // Replies to wanI's address must return through the same ISP it left by.
  await run('ip', ['-n', plan.netNs, 'route', 'add', l.wanSubnet, 'via', l.uplinkAddress]);
}

/**
 * IPv6 on one WAN: global addresses on both ends, the ISP's link-local fe80::1 (fixed, so the
 * next hop is deterministic), the ISP's uplink and return route, and the RA-style default in the
 * router: `default via fe80::1 dev wanI proto ra`. The kernel marks real RA routes RTF_ADDRCONF,
 * which keeps two of them at metric 1024 apart (net/ipv6/route.c rt6_qualify_for_ecmp); a route
 * added by hand at the same metric would be refused (EEXIST) or merged into multipath, so each
 * WAN gets its own metric, 1024 + I - 1.
 */
async function buildLink6(plan: LabPlan, l: LabLinkPlan): Promise<void> {
  const r = plan.routerNs;
  // keep_addr_on_down: a carrier fault sets cpeI admin-down, which would flush the ISP's static
  // IPv6 addresses (fe80::1 included) for good; a real ISP box keeps its configuration.
  await sysctls(l.ispNs, ['net.ipv6.conf.all.forwarding=1', 'net.ipv6.conf.all.keep_addr_on_down=1', `net.ipv6.conf.${l.cpeIface}.keep_addr_on_down=1`]);
  await run('ip', ['-n', r, '-6', 'addr', 'add', `${l.address6}/64`, 'dev', l.iface, 'nodad']);
  await run('ip', ['-n', l.ispNs, '-6', 'addr', 'add', `${l.globalGateway6}/64`, 'dev', l.cpeIface, 'nodad']);
  await run('ip', ['-n', l.ispNs, '-6', 'addr', 'add', `${l.gateway6}/64`, 'dev', l.cpeIface, 'nodad']);
  await run('ip', ['-n', l.ispNs, '-6', 'addr', 'add', `${l.uplinkAddress6}/64`, 'dev', l.uplinkIface, 'nodad']);
  await run('ip', ['-n', plan.netNs, '-6', 'addr', 'add', `${l.netAddress6}/64`, 'dev', l.netIface, 'nodad']);
  await run('ip', ['-n', l.ispNs, '-6', 'route', 'add', 'default', 'via', l.netAddress6, 'dev', l.uplinkIface]);
  await run('ip', ['-n', plan.netNs, '-6', 'route', 'add', l.wanSubnet6, 'via', l.uplinkAddress6, 'dev', l.netIface]);
  await run('ip', ['-n', r, '-6', 'route', 'add', 'default', 'via', l.gateway6, 'dev', l.iface, 'proto', 'ra', 'metric', String(raMetric(l.index))]);
}

/**
 * After a carrier fault: the kernel removes link-local addresses when an interface goes down,
 * even with keep_addr_on_down (addrconf.c addrconf_ifdown), so the ISP's fe80::1 is re-added, and
 * the RA-style default re-announced, as an ISP's router advertisement would after the link is back.
 */
async function restoreLink6(plan: LabPlan, l: LabLinkPlan): Promise<void> {
  await run('ip', ['-n', l.ispNs, '-6', 'addr', 'replace', `${l.gateway6}/64`, 'dev', l.cpeIface, 'nodad']);
  await run('ip', ['-n', plan.routerNs, '-6', 'route', 'replace', 'default', 'via', l.gateway6, 'dev', l.iface, 'proto', 'ra', 'metric', String(raMetric(l.index))]);
}

class NamespaceLab implements Lab {
  private readonly children = new Set<ChildProcess>();
  private readonly gateways = new Map<number, string>();
  private destroyed = false;
  private unguard: (() => void) | null = null;
  private lanInfo: LanInfo | null = null;
  private echo: ChildProcess | null = null;
  /** Set by createLab before building the LAN, so teardown covers a half-built one. */
  withLan = false;

  constructor(private readonly plan: LabPlan, readonly ipv6 = false) {
    for (const l of plan.links) this.gateways.set(l.index, l.gateway);
  }

  /** Wires the synchronous last-resort teardown to process exit and signals. */
  guard(): void {
    this.unguard = guardExit(() => this.destroySync());
  }

  get prefix(): string { return this.plan.prefix; }
  get routerNs(): string { return this.plan.routerNs; }
  get netNs(): string { return this.plan.netNs; }
  get targets(): string[] { return [...this.plan.targets]; }
  get targets6(): string[] { return this.ipv6 ? [...this.plan.targets6] : []; }
  get lan(): LanInfo | null { return this.lanInfo; }

  /** createLab only: builds the LAN into this lab. */
  async addLan(opts: LanOptions): Promise<void> {
    const { info, echo } = await buildLan(this, this.plan, opts);
    this.lanInfo = info;
    this.echo = echo;
  }

  async setNat(style: NatStyle | 'none'): Promise<void> {
    if (this.lanInfo === null) throw new Error('this lab has no LAN: createLab({ lan: {} })');
    await applyNat(this.plan, style);
    this.lanInfo = { ...this.lanInfo, nat: style };
  }

  bcp38Drops(i: number): Promise<number> {
    if (this.lanInfo === null || !this.lanInfo.bcp38) return Promise.reject(new Error('this lab has no BCP38 (createLab({ lan: {} }))'));
    return bcp38Drops(this.plan, i);
  }
  get links(): LabLink[] {
    return this.plan.links.map((l) => ({
      index: l.index, iface: l.iface, address: l.address, gateway: this.gateways.get(l.index)!, ispNs: l.ispNs,
      ipv6: this.ipv6 ? { address: l.address6, gateway: l.gateway6, globalGateway: l.globalGateway6, raMetric: raMetric(l.index) } : null,
    }));
  }

  ispNs(i: number): string {
    return this.link(i).ispNs;
  }

  private link(i: number): LabLinkPlan {
    const l = this.plan.links[i - 1];
    if (l === undefined) throw new Error(`lab has no link ${i} (links: 1..${this.plan.links.length})`);
    return l;
  }

  async fail(i: number, kind: FaultKind, opts: FaultOptions = {}): Promise<void> {
    const l = this.link(i);
    if (opts.family === 'ipv6' && !this.ipv6) throw new Error('an IPv6 fault needs a dual-stack lab: createLab({ ipv6: true })');
    if (kind === 'carrier') {
      if (opts.family !== undefined && opts.family !== 'both') throw new Error('a carrier fault hits both families: no family option');
      await run('ip', ['-n', l.ispNs, 'link', 'set', l.cpeIface, 'down']);
      return;
    }
    await runInNs(l.ispNs, 'nft', ['-f', '-'], { input: faultRuleset(kind, opts) });
  }

  async heal(i: number): Promise<void> {
    const l = this.link(i);
    await runInNs(l.ispNs, 'nft', ['delete', 'table', 'inet', FAULT_TABLE]).catch(() => undefined);
    await run('ip', ['-n', l.ispNs, 'link', 'set', l.cpeIface, 'up']);
    if (this.ipv6) await restoreLink6(this.plan, l);
  }

  async changeGateway(i: number, newAddr: string): Promise<void> {
    const l = this.link(i);
    const old = this.gateways.get(i)!;
    if (old === newAddr) return;
    await run('ip', ['-n', l.ispNs, 'addr', 'del', `${old}/${l.prefixLength}`, 'dev', l.cpeIface]);
    await run('ip', ['-n', l.ispNs, 'addr', 'add', `${newAddr}/${l.prefixLength}`, 'dev', l.cpeIface]);
    this.gateways.set(i, newAddr);
  }

  exec(ns: string, cmd: string, args: readonly string[]): Promise<RunResult> {
    return runInNs(ns, cmd, args);
  }

  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    return spawnInNsInto(this.children, ns, cmd, args);
  }

  // The LAN namespace is listed even before buildLan finished, so a failed build is cleaned up too.
  private namespaces(): string[] {
    return [this.plan.routerNs, ...this.plan.links.map((l) => l.ispNs), this.plan.netNs, ...(this.withLan ? [this.plan.lanNs] : [])];
  }


  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all([...this.children].map((c) => terminate(c, 'SIGTERM', 2000)));
    for (const ns of this.namespaces()) await deleteNamespace(ns);
    this.unguard?.();
    this.unguard = null;
  }

  detach(): void {
    this.unguard?.();
    this.unguard = null;
  }

  async keep(): Promise<void> {
    if (this.echo !== null) {
      // Stopped before the detached one starts: both listen on the same address and port.
      await terminate(this.echo, 'SIGTERM', 2000);
      this.echo = null;
      await startDetachedEcho(this.plan);
    }
    this.detach();
  }

  /** Exit-time variant: no awaiting possible, so SIGKILL and synchronous `ip netns del`. */
  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const c of this.children) if (isRunning(c)) c.kill('SIGKILL');
    for (const ns of this.namespaces()) {
      // Also what runs there detached (a daemon being handed over for --keep): `ip netns del`
      // alone would leave it running in a namespace nobody can name any more.
      for (const pid of pidsInSync(ns)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Builds a fresh lab. Requires root. A lab of the same prefix that is still in use is refused
 * (LabInUseError, saying how to remove it or pick another prefix); a stale one is removed first
 * and `onNote` says so (lab-reuse.ts decides).
 */
export async function createLab(opts: CreateLabOptions = {}): Promise<Lab> {
  const plan = planLab(opts.prefix, opts.links ?? 2);
  requireTools();
  const namespaces = labNamespaces(plan.prefix, await listNetns());
  const decision = decideExistingLab({ prefix: plan.prefix, namespaces, processes: await processesIn(namespaces) }, DEFAULT_PREFIX);
  if (decision.kind === 'refuse') throw new LabInUseError(decision.message);
  if (decision.kind === 'remove-stale') {
    (opts.onNote ?? ((n: string) => process.stderr.write(`lab: ${n}\n`)))(decision.note);
    for (const ns of decision.namespaces) await deleteNamespace(ns);
  }
  const lab = new NamespaceLab(plan, opts.ipv6 === true);
  if (opts.persist !== true) lab.guard();
  try {
    await buildNamespaces(plan, opts.ipv6 === true);
    if (opts.lan !== undefined) {
      lab.withLan = true;
      await lab.addLan(opts.lan);
    }
  } catch (e) {
    await lab.destroy();
    throw e;
  }
  return lab;
}

/** Re-attaches to a lab that already exists (built by an earlier `lab up`), without exit hooks. */
export async function attachLab(prefix: string): Promise<Lab | null> {
  const existing = await listNetns();
  const n = countIspNamespaces(prefix, existing);
  if (n === 0 || !existing.includes(`${prefix}-r`)) return null;
  // A dual-stack lab is recognised by the RA-style IPv6 default route the lab put in the router.
  const v6 = await runInNs(`${prefix}-r`, 'ip', ['-6', 'route', 'show', 'default', 'proto', 'ra']).then((r) => r.stdout.trim() !== '', () => false);
  return new NamespaceLab(planLab(prefix, n), v6);
}
