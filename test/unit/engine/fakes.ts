// Hand-written fakes for the daemon's ports: an in-memory rtnetlink that records operations,
// scripted probers, a silent logger. No module mocks.
import type {
  AddressEntry, DefaultRouteSpec, Family, GroupSpec, LinkState, NetlinkEvent, NetlinkPort, NetlinkSnapshot, NexthopEntry, NexthopSpec, RouteEntry,
  RouteKey, RuleEntry, RuleKey, RuleSpec,
} from '../../../src/netlink/types.js';
import type { Config, LinkConfig } from '../../../src/config/types.js';
import type { AddressFamily } from '../../../src/bus/events.js';
import type { CycleResult, ProbeStats } from '../../../src/probe/types.js';
import type { LogPort, ProberPort } from '../../../src/engine/ports.js';

/** The two-link config the daemon tests start from (the seed's keys, normalised), with overrides. */
export function testConfig(over: Partial<Config> = {}): Config {
  return {
    links: [
      { name: 'primary', interface: 'wan1', displayName: 'Telekom', gateway: null, table: 1000 },
      { name: 'secondary', interface: 'wan2', displayName: 'Digi', gateway: null, table: 1001 },
    ],
    pingTargets: ['198.51.100.1'], pingTimeoutMs: 500, pingCount: 1, checkIntervalMs: 1000,
    failureThreshold: 3, recoveryThreshold: 3, minSecondaryTimeMs: 5000, minTargetsUp: 1, statsWindow: 20,
    gatewayStateDir: '/nonexistent', apiHost: '127.0.0.1', apiPort: 8780, apiKey: 'x'.repeat(32),
    logFile: null, logLevel: 'info', routeMetric: 0, routeProtocol: 201, rulePriority: 1000, rpFilterLoose: false,
    sourcePath: 'test.yaml', ...over,
  };
}

export type Op = { op: 'replace'; spec: DefaultRouteSpec } | { op: 'delete'; table: number } | { op: 'deleteRoute'; key: RouteKey }
  | { op: 'addRule'; spec: RuleSpec } | { op: 'delRule'; spec: RuleKey }
  | { op: 'nexthop'; spec: NexthopSpec } | { op: 'group'; spec: GroupSpec } | { op: 'delNexthop'; id: number };

export function link(index: number, name: string, carrier = true): LinkState {
  return { index, name, adminUp: true, carrier, operstate: carrier ? 'up' : 'down', mac: null, mtu: 1500,
    stats: { rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 } };
}

export function defaultRoute(oif: number, gateway: string, protocol = 16, table = 254, priority = 0, family: Family = 'inet'): RouteEntry {
  return { family, table, dst: null, dstLength: 0, gateway, oif, priority, protocol, scope: 0, type: 1, prefsrc: null };
}

export function address(index: number, addr: string): AddressEntry {
  return { index, family: 'inet', address: addr, prefixLength: 24, label: null, scope: 0 };
}

export class MemoryNetlink implements NetlinkPort {
  ops: Op[] = [];
  links: LinkState[] = [];
  routes: RouteEntry[] = [];
  failReplace: string | null = null;
  failTables = new Set<number>();
  rules: RuleEntry[] = [];
  private listener: ((e: NetlinkEvent) => void) | null = null;

  async start(onEvent: (e: NetlinkEvent) => void): Promise<void> { this.listener = onEvent; }
  async stop(): Promise<void> { this.listener = null; }
  /** Addresses by default: one IPv4 address per link (a link without one is not eligible). */
  addresses: AddressEntry[] | null = null;
  async dump(): Promise<NetlinkSnapshot> {
    const addresses = this.addresses ?? this.links.map((l) => address(l.index, `100.64.${l.index}.2`));
    return { links: this.links, addresses, routes: this.routes, rules: this.rules, nexthops: this.nexthops };
  }
  async getLinks(): Promise<LinkState[]> { return this.links; }
  /** Like the kernel: a route via an interface without an address fails with ENETUNREACH. */
  kernelLike = false;
  attempts = 0;
  async replaceDefaultRoute(spec: DefaultRouteSpec): Promise<void> {
    this.attempts += 1;
    if (this.kernelLike && !spec.blackhole && this.addresses && !this.addresses.some((a) => a.index === spec.oif)) {
      throw Object.assign(new Error('netlink replaceDefaultRoute failed: ENETUNREACH'), { code: 'ENETUNREACH' });
    }
    if (this.failReplace) throw new Error(this.failReplace);
    if (this.failTables.has(spec.table)) throw new Error('ENETUNREACH');
    this.ops.push({ op: 'replace', spec });
    // Kept like the kernel would: one default route per table and metric.
    const family = spec.family ?? 'inet';
    this.routes = this.routes.filter((r) => !(r.family === family && r.table === spec.table && r.dst === null && (r.priority ?? 0) === spec.metric));
    this.routes.push({ ...defaultRoute(spec.oif, spec.gateway, spec.protocol, spec.table, spec.metric, family), nhid: spec.nhid ?? null,
      ...(spec.blackhole ? { type: 6, gateway: null, oif: null } : {}) });
  }
  async deleteDefaultRoute(spec: { table: number }): Promise<void> {
    this.ops.push({ op: 'delete', table: spec.table });
    this.routes = this.routes.filter((r) => r.table !== spec.table);
  }
  /** Like the kernel: the route of that family, table, prefix and metric (and protocol, when named). */
  async deleteRoute(key: RouteKey): Promise<void> {
    this.ops.push({ op: 'deleteRoute', key });
    const family = key.family ?? 'inet';
    this.routes = this.routes.filter((r) => !(r.family === family && r.table === key.table && r.dst === key.dst
      && r.dstLength === key.dstLength && (r.priority ?? 0) === key.metric && (!key.protocol || r.protocol === key.protocol)));
  }
  async addRule(spec: RuleSpec): Promise<void> {
    this.ops.push({ op: 'addRule', spec });
    const entry: RuleEntry = { family: spec.family ?? 'inet', priority: spec.priority, table: spec.table, oifname: spec.oifname ?? null,
      iifname: spec.iifname ?? null, src: spec.src ?? null, srcLength: spec.srcLength ?? 0, dst: spec.dst ?? null, dstLength: spec.dstLength ?? 0,
      fwmark: spec.fwmark ?? null, protocol: spec.protocol, action: 1, fwmask: spec.fwmask ?? null, ipProto: spec.ipProto ?? null,
      sport: spec.sport ?? null, dport: spec.dport ?? null, uid: spec.uid ?? null };
    // Like the kernel with NLM_F_EXCL: an identical rule is EEXIST (which the adapter tolerates).
    if (!this.rules.some((r) => JSON.stringify({ ...r, protocol: 0 }) === JSON.stringify({ ...entry, protocol: 0 }))) this.rules.push(entry);
  }
  async deleteRule(spec: RuleKey): Promise<void> {
    this.ops.push({ op: 'delRule', spec });
    const family = spec.family ?? 'inet';
    // Like the kernel's rule_find (net/core/fib_rules.c): every selector the request names must match.
    const named = (['oifname', 'iifname', 'fwmark', 'src', 'dst', 'ipProto', 'sport', 'dport', 'uid'] as const)
      .filter((k) => spec[k] !== undefined && spec[k] !== null);
    this.rules = this.rules.filter((r) => !(r.family === family && r.table === spec.table && r.priority === spec.priority
      && named.every((k) => JSON.stringify(r[k] ?? null) === JSON.stringify(spec[k]))));
  }
  nexthops: NexthopEntry[] = [];
  async replaceNexthop(spec: NexthopSpec): Promise<void> {
    this.ops.push({ op: 'nexthop', spec });
    this.nexthops = [...this.nexthops.filter((n) => n.id !== spec.id), { id: spec.id, family: spec.family, protocol: spec.protocol, flags: 0,
      oif: spec.oif, gateway: spec.gateway, blackhole: false, group: null, groupType: null, resilient: null }];
  }
  async replaceGroup(spec: GroupSpec): Promise<void> {
    // Like the kernel: every member must exist.
    for (const m of spec.members) if (!this.nexthops.some((n) => n.id === m.id && n.group === null)) throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
    this.ops.push({ op: 'group', spec });
    this.nexthops = [...this.nexthops.filter((n) => n.id !== spec.id), { id: spec.id, family: null, protocol: spec.protocol, flags: 0,
      oif: null, gateway: null, blackhole: false, group: spec.members.map((m) => ({ ...m })), groupType: 1,
      resilient: { buckets: spec.buckets, idleTimerS: spec.idleTimerS, unbalancedTimerS: spec.unbalancedTimerS, unbalancedTimeTicks: null } }];
  }
  /** Buckets per group as a test sets them (nexthop id per bucket); absent = none known. */
  buckets = new Map<number, number[]>();
  async dumpBuckets(groupId: number): Promise<Array<{ groupId: number; index: number; nexthopId: number; idleTimeTicks: number }>> {
    return (this.buckets.get(groupId) ?? []).map((nexthopId, index) => ({ groupId, index, nexthopId, idleTimeTicks: 0 }));
  }
  /** Like the kernel: a deleted nexthop leaves its groups; a deleted group takes its routes along. */
  async deleteNexthop(id: number): Promise<void> {
    this.ops.push({ op: 'delNexthop', id });
    this.nexthops = this.nexthops.filter((n) => n.id !== id).map((n) => (n.group ? { ...n, group: n.group.filter((m) => m.id !== id) } : n))
      .filter((n) => n.group === null || n.group.length > 0);
    this.routes = this.routes.filter((r) => r.nhid !== id);
  }
  emit(e: NetlinkEvent): void { this.listener?.(e); }
  mainReplaces(): DefaultRouteSpec[] {
    return this.ops.flatMap((o) => (o.op === 'replace' && o.spec.table === 254 ? [o.spec] : []));
  }
}

/** Probers whose verdict per link the test sets; every cycle resolves at once. */
/** The kernel of the two-WAN router most daemon tests start from: wan1 (11) and wan2 (12), each with an address and a DHCP default route, wan1's preferred. */
export function twoWanNetlink(): MemoryNetlink {
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.addresses = [address(11, '100.64.1.2'), address(12, '100.64.2.2')];
  nl.routes = [defaultRoute(11, '100.64.1.1', 16, 254, 0), defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  return nl;
}

export class ScriptedProbers {
  healthy = new Map<string, boolean>();
  /** IPv6 verdict per link; falls back to `healthy`. */
  healthy6 = new Map<string, boolean>();
  sendErrors = new Map<string, string>();
  cycles = 0;
  closed = 0;
  opened = 0;
  /** Rounds run per link. */
  readonly cyclesBy = new Map<string, number>();

  factory = (link: LinkConfig, family: AddressFamily = 'ipv4'): ProberPort => {
    const name = link.name;
    this.opened += 1;
    const stats: ProbeStats = { rttMs: 5, lossPct: 0, gateway: null, targets: [] };
    return {
      runCycle: async (gateway: string | null): Promise<CycleResult> => {
        this.cycles += 1;
        this.cyclesBy.set(name, (this.cyclesBy.get(name) ?? 0) + 1);
        const ok = (family === 'ipv6' ? this.healthy6.get(name) : undefined) ?? this.healthy.get(name) ?? true;
        const error = this.sendErrors.get(name) ?? null;
        const targets = error ? [{ target: '198.51.100.1', ok: false, rttMs: null, error }] : [];
        return { gateway: gateway ? { target: gateway, ok: true, rttMs: 1, error: null } : null, targets,
          targetsUp: ok ? 1 : 0, healthy: ok, gatewayReachable: gateway !== null };
      },
      stats: () => stats,
      setTargets: () => undefined,
      setOptions: () => undefined,
      close: () => { this.closed += 1; },
    };
  };
}

export class MemoryLog implements LogPort {
  lines: Array<{ level: string; msg: string; obj: object }> = [];
  debug(obj: object, msg: string): void { this.lines.push({ level: 'debug', msg, obj }); }
  info(obj: object, msg: string): void { this.lines.push({ level: 'info', msg, obj }); }
  warn(obj: object, msg: string): void { this.lines.push({ level: 'warn', msg, obj }); }
  error(obj: object, msg: string): void { this.lines.push({ level: 'error', msg, obj }); }
}
