// The daemon's coordinator. It owns nothing but the wiring: the adapters write the link facts
// (kernel-events, housekeeping), each fact change goes to the policy (one pure instance per
// address family) as an event, the policy's desired state goes through the planner to the
// reconciler, and what the reconciler reports back (applied/failed) becomes switch events on the
// bus. Probe rounds reach the policy as each link's round ends (probe-loop). Outputs (event ring,
// logging, sd_notify, API, MQTT, ...) are extensions on the bus.
import type { AddressFamily, LinkDns, SwitchEnd } from '../bus/events.js';
import { SyncEventBus, type EventBus } from '../bus/event-bus.js';
import type { Clock } from '../clock.js';
import { planReload, type ReloadPlan } from '../config/reload.js';
import { probePeriodMs } from '../config/timing.js';
import type { Config } from '../config/types.js';
import { describeError, WanError } from '../errors.js';
import { LinkFactsStore, type FactChange } from '../facts/link-facts.js';
import type { NetlinkPort, NetlinkSnapshot } from '../netlink/types.js';
import { checkManual, initialState, step } from '../policy/step.js';
import type { PolicyConfig, PolicyEffect, PolicyEvent, PolicyState, SwitchReason } from '../policy/types.js';
import type { CycleResult } from '../probe/types.js';
import { mainMetric, planKernel, type DesiredState, type KernelObject } from '../routes/desired.js';
import { balancing, BALANCE_DEFAULTS, linkPlaces } from '../config/balance.js';
import { CarryingTracker } from './carrying-tracker.js';
import { planPolicyRules, type RuleDecision } from '../routes/policy-rules-plan.js';
import { planReplyRules } from '../routes/reply-rules-plan.js';
import { planDnsRules } from '../routes/dns-rules-plan.js';
import type { ResolvLink } from '../dns/resolv-content.js';
import { RuleMoves, ruleDecisions, ruleStatuses } from './rule-decisions.js';
import { HostSysctls } from './host-sysctls.js';
import { adoptGroup } from './adopt-group.js';
import { Reconciler } from '../routes/reconciler.js';
import { EventLogger } from '../ext/event-logger.js';
import { MeteredLinks } from '../metered/metered-links.js';
import { memoryUsageStore, type UsageStore } from '../metered/usage-file.js';
import type { FactsView } from '../policy/types.js';
import { EventRing } from '../ext/event-ring.js';
import { adoptableLink } from './adopt.js';
import { Housekeeping } from './housekeeping.js';
import { KernelEvents } from './kernel-events.js';
import type { HostPort, LogPort, ProberFactory } from './ports.js';
import { ProbeLoop } from './probe-loop.js';
import { warnTargetsOnRouter } from './target-check.js';
import { buildStatus, summary } from './status.js';
import type { Engine, EngineEventType, EngineStatus, SwitchOptions, SwitchOutcome } from './types.js';
import { kernelFamily } from '../family.js';

export interface DaemonDeps {
  config: Config;
  netlink: NetlinkPort;
  newProber: ProberFactory;
  clock: Clock;
  log: LogPort;
  host: HostPort;
  /** Where metered links' usage is kept (src/metered/usage-file.ts); default in memory. */
  usageStore?: UsageStore;
}

/** IPv4 is always managed (the original's meaning); IPv6 when the config has IPv6 targets. */
export function managedFamilies(cfg: Config): AddressFamily[] {
  return (cfg.pingTargets6?.length ?? 0) > 0 ? ['ipv4', 'ipv6'] : ['ipv4'];
}

/** After this many refused attempts the policy passes over the link and tries the next one. */
const ROUTE_FAILURES_BEFORE_MOVING_ON = 2;

interface Intent { from: string | null; to: string; detail: string; cause: SwitchReason; atMs: number }

export class Daemon implements Engine {
  readonly bus: EventBus;
  private cfg: Config;
  private readonly facts: LinkFactsStore;
  private readonly policies = new Map<AddressFamily, PolicyState>();
  private readonly families: AddressFamily[];
  private readonly reconciler: Reconciler;
  private readonly probes: ProbeLoop;
  private readonly housekeeping: Housekeeping;
  private readonly kernel: KernelEvents;
  private readonly ring: EventRing;
  private readonly intents = new Map<AddressFamily, Intent>();
  private readonly sysctls: HostSysctls;
  /** Each link's tier and weight after defaults (computed once per config: the probe path reads them). */
  private places: ReturnType<typeof linkPlaces>;
  /** Policy rules' links at the last plan, for the `rule-moved` events (issue 22). */
  private readonly ruleMoves = new RuleMoves();
  /** What the kernel carries per family (installed main route / group), issue 21. */
  private readonly carrying: CarryingTracker;
  /** Per family, the link whose default route the kernel holds (adopted at start, then what we installed). */
  private readonly kernelActive = new Map<AddressFamily, string | null>();
  private readonly lastCheckMs = new Map<string, number>();
  private readonly conntrack = new Map<string, { entries: number; flushes: number; lastMs: number | null }>();
  private readonly probeErrors = new Map<string, string>();
  /** Metered links (issue 24); null when none is. */
  private readonly metered: MeteredLinks | null;
  private switchCount = 0;
  private lastSwitchMs: number | null = null;
  private startedMs = 0;
  private running = false;
  private stopping: Promise<void> | null = null;
  private statusCache: { version: number; second: number; status: EngineStatus } | null = null;
  private version = 0;

  constructor(private readonly deps: DaemonDeps) {
    this.cfg = deps.config;
    this.places = linkPlaces(deps.config.links);
    this.bus = new SyncEventBus(deps.log);
    this.bus.on(() => { this.version += 1; });
    // Built-in outputs: the status event ring and event logging (extensions on the bus like the rest).
    this.ring = new EventRing(this.bus);
    void this.ring.start();
    void new EventLogger(this.bus, deps.log).start();
    this.bus.onKind('conntrack-flushed', (e) => {
      const t = this.conntrack.get(e.link) ?? { entries: 0, flushes: 0, lastMs: null };
      this.conntrack.set(e.link, { entries: t.entries + e.entries, flushes: t.flushes + 1, lastMs: e.timeMs });
    });
    this.carrying = new CarryingTracker({ publish: (e) => this.bus.publish(e), end: (link, family) => this.end(link, family),
      wallMs: () => deps.clock.wallMs() });
    this.facts = new LinkFactsStore(deps.config.links);
    const names = deps.config.links.map((l) => ({ name: l.name, label: l.displayName }));
    this.families = managedFamilies(deps.config);
    this.sysctls = new HostSysctls(deps.host, deps.log, () => this.cfg, this.families);
    for (const f of this.families) this.policies.set(f, initialState(names));
    this.reconciler = new Reconciler(deps.netlink, deps.clock, deps.log, {
      applied: (o) => this.onApplied(o),
      failed: (o, err, attempts) => this.onApplyFailed(o, err, attempts),
    });
    this.probes = new ProbeLoop(deps.config.links, this.families, {
      clock: deps.clock,
      newProber: (link, family) => deps.newProber(link, family, this.cfg),
      intervalMs: () => probePeriodMs(this.cfg),
      gateway: (link, family) => this.facts.get(link)?.families[family].gateway ?? null,
      onRound: (link, family, r, standby) => this.onRound(link, family, r, standby),
      onOpenError: (link, _family, err) => this.record('error', 'error', link.name,
        `${link.displayName}: cannot open probe socket on ${link.interface}: ${describeError(err)}`),
    });
    this.housekeeping = new Housekeeping({
      clock: deps.clock, netlink: deps.netlink, host: deps.host, facts: this.facts, log: deps.log,
      config: () => this.cfg,
      verify: (snap) => { this.reconciler.verify(snap, this.cfg.routeProtocol); this.readBuckets(); },
      stats: (link, iface, rxBytes, txBytes, ifindex) => this.bus.publish({ kind: 'link-stats', link, interface: iface, rxBytes, txBytes,
        ifindex, timeMs: deps.clock.wallMs() }),
      changed: () => this.publishStatus(),
    });
    this.kernel = new KernelEvents({
      facts: this.facts, log: deps.log,
      ownProtocol: () => this.cfg.routeProtocol,
      ownMetric: () => this.cfg.routeMetric,
      routeDeleted: (r) => {
        if (!this.running) return;
        if (r.table === 254) deps.log.warn({ route: r }, 'our default route was deleted by someone else; restoring it');
        this.reconciler.onRouteDeleted(r, this.cfg.routeProtocol);
      },
      snapshot: (snap) => this.reconciler.verify(snap, this.cfg.routeProtocol),
      dump: () => deps.netlink.dump(),
    });
    this.facts.onChange((c) => this.onFact(c));
    this.metered = MeteredLinks.create({ bus: this.bus, clock: deps.clock, log: deps.log, store: deps.usageStore ?? memoryUsageStore(),
      links: deps.config.links, setStandby: (link, ms) => this.probes.setStandby(link, ms),
      standbyApplies: (deps.config.probeIntervalMs ?? null) === null });
    // The cap reached: decide again now rather than at the next round.
    this.bus.onKind('data-cap', (e) => { if (e.pct === 100) this.feedAll({ kind: 'tick' }); });
  }

  async start(): Promise<void> {
    const { netlink, clock } = this.deps;
    this.startedMs = clock.wallMs();
    await netlink.start((e) => this.kernel.onEvent(e));
    const snap = await netlink.dump();
    this.kernel.syncFromSnapshot(snap);
    this.adopt(snap);
    this.warnTargets(snap);
    // Everything of our protocol the config does not want goes once the plan is in (issue 19).
    this.reconciler.verify(snap, this.cfg.routeProtocol);
    await this.sysctls.atStart();
    await this.housekeeping.refreshStateFiles();
    await this.metered?.start();
    this.probes.openPresent((name) => this.probeable(name));
    this.record('start', 'info', null, 'Daemon started');
    this.running = true;
    this.replan();
    await this.reconciler.idle();
    await this.probes.start();
    this.housekeeping.warnUnknownGateways();
    this.housekeeping.start();
    this.publishStatus();
  }

  /** Idempotent: probes stop, the per-link rules and tables go, the default route stays where it is. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      this.kernel.stop();
      this.housekeeping.stop();
      this.probes.stop();
      await this.flattenForStop();
      await this.metered?.stop();
      this.reconciler.stop();
      await this.reconciler.removeOwned();
      this.record('stop', 'info', null, 'Daemon stopped');
      await this.deps.netlink.stop();
    })();
    return this.stopping;
  }

  /**
   * The status in one line (systemd's STATUS=, src/systemd/systemd-extension.ts), from the policy and
   * the facts alone: cheap enough for every `status-changed`, unlike status().
   */
  statusSummary(): string {
    return summary(this.policy('ipv4'), this.facts.all(), this.kernelActive.get('ipv4') ?? null);
  }

  /** Monotonic ms of the last finished probe round: the watchdog only pets while this moves. */
  lastProgressMs(): number {
    return this.probes.lastProgressMs;
  }

  status(): EngineStatus {
    // A projection: rebuilt only when a bus event changed something, or the second (uptime) moved.
    const second = Math.floor(this.deps.clock.wallMs() / 1000);
    const c = this.statusCache;
    if (c && c.version === this.version && c.second === second) return c.status;
    const policy = this.policy('ipv4');
    const status = buildStatus({
      policy, links: this.facts.all(),
      stats: (l) => this.probes.stats(l),
      lastCheckMs: (l) => this.lastCheckMs.get(l) ?? null,
      conntrack: (l) => this.conntrack.get(l) ?? null,
      metered: (l) => this.metered?.status(l) ?? null,
      kernelActive: this.kernelActive.get('ipv4') ?? null,
      place: (l) => { const p = this.places.find((x) => x.name === l); return { tier: p?.tier ?? 1, weight: p?.weight ?? 1 }; },
      share: (l) => this.shareOf('ipv4', l),
      dns: (l) => this.linkDns(l),
      ipv6: this.families.includes('ipv6') ? {
        policy: this.policy('ipv6'), kernelActive: this.kernelActive.get('ipv6') ?? null,
        stats: (l: string) => this.probes.stats(l, 'ipv6'),
        share: (l: string) => this.shareOf('ipv6', l),
      } : null,
      events: this.ring.list(), switchCount: this.switchCount, lastSwitchMs: this.lastSwitchMs,
      startedMs: this.startedMs, nowWallMs: this.deps.clock.wallMs(),
    });
    if (this.cfg.policyRules) {
      status.rules = ruleStatuses(this.cfg.policyRules, this.ruleDecisions(), (f) => this.kernelActive.get(f) ?? null);
    }
    this.statusCache = { version: this.version, second, status };
    return status;
  }

  /**
   * Manual switch of one family or both. For "both" the IPv4 checks decide the answer, as they did
   * before there was a family (an old client gets the same replies); IPv6 follows when it can go
   * there, and when it cannot (no IPv6 gateway, IPv6 down without force) it keeps its own choice
   * and the outcome says why. A family that does not follow gets no manual hold.
   */
  async switchTo(target: string, opts: SwitchOptions): Promise<SwitchOutcome> {
    const family = opts.family ?? 'both';
    const has6 = this.families.includes('ipv6');
    if (family === 'ipv6' && !has6) {
      throw new WanError('WAN_ERR_FAMILY_NOT_MANAGED', 'IPv6 is not managed: the config has no IPv6 ping_targets', { family });
    }
    const lead: AddressFamily = family === 'ipv6' ? 'ipv6' : 'ipv4';
    const leadVerdict = this.manualVerdict(lead, target, opts.force);
    const moves: AddressFamily[] = [lead];
    let reason6: string | undefined;
    if (family === 'both' && has6) {
      const v6 = checkManual(this.policy('ipv6'), target, opts.force, this.facts.view('ipv6'), this.deps.clock.nowMs());
      if (v6 === 'ok' || v6 === 'already_active') moves.push('ipv6');
      else reason6 = this.manualRefusal('ipv6', target, v6);
    }
    const before = new Map(moves.map((f) => [f, this.kernelActive.get(f) ?? null]));
    for (const f of moves) this.feed(f, { kind: 'manual', link: target });
    this.replan();
    if (moves.some((f) => before.get(f) !== target)) await this.reconciler.idle();
    const label = this.facts.get(target)?.cfg.displayName ?? target;
    if (leadVerdict === 'ok' && this.kernelActive.get(lead) !== target) {
      // The policy moved on while the change went in (the link failed meanwhile): an honest 409, not a failure.
      const now = this.policy(lead).active;
      if (now !== target) throw new WanError('WAN_ERR_SUPERSEDED', `the switch to ${label} was superseded by automatic failover to ${now ?? 'none'}`, { supersededBy: { kind: 'failover', target: now } });
      throw new WanError('WAN_ERR_SWITCH_FAILED', `Could not switch ${lead === 'ipv6' ? 'IPv6 ' : ''}to ${label}`);
    }
    const outcome: SwitchOutcome = { result: leadVerdict === 'ok' ? 'switched' : 'already_active', link: target };
    if (!has6) return outcome;
    const active6 = this.kernelActive.get('ipv6') ?? null;
    if (family === 'ipv4') outcome.ipv6 = { active: active6 };
    else if (family === 'ipv6') outcome.ipv6 = { active: active6, result: outcome.result };
    else if (reason6 !== undefined) outcome.ipv6 = { active: active6, result: 'not_moved', reason: reason6 };
    else if (active6 !== target) outcome.ipv6 = { active: active6, result: 'not_moved', reason: `the kernel did not take the IPv6 default route via ${label}` };
    else outcome.ipv6 = { active: active6, result: before.get('ipv6') === target ? 'already_active' : 'switched' };
    return outcome;
  }

  /** The operator's check for one family: throws the seed's errors, returns ok or already_active. */
  private manualVerdict(family: AddressFamily, target: string, force: boolean): 'ok' | 'already_active' {
    const verdict = checkManual(this.policy(family), target, force, this.facts.view(family), this.deps.clock.nowMs());
    if (verdict === 'ok' || verdict === 'already_active') return verdict;
    if (verdict === 'unknown_link') {
      throw new WanError('WAN_ERR_UNKNOWN_LINK', `Unknown link: ${target}`, { valid: this.cfg.links.map((l) => l.name) });
    }
    throw new WanError(verdict === 'no_gateway' ? 'WAN_ERR_NO_GATEWAY' : 'WAN_ERR_LINK_DOWN', this.manualRefusal(family, target, verdict));
  }

  private manualRefusal(family: AddressFamily, target: string, verdict: 'no_gateway' | 'link_down' | 'unknown_link'): string {
    const label = this.facts.get(target)?.cfg.displayName ?? target;
    const v6 = family === 'ipv6' ? ' IPv6' : '';
    if (verdict === 'no_gateway') return `${label} has no known${v6} gateway`;
    if (verdict === 'link_down') return `${label} is down${family === 'ipv6' ? ' for IPv6' : ''}; use --force (wanctl switch) or "force": true (API) to switch anyway`;
    return `Unknown link: ${target}`;
  }

  async setAuto(enabled: boolean): Promise<void> {
    this.feedAll({ kind: 'auto', enabled });
    await this.reconciler.idle();
  }

  /** The running config: the one every part of the daemon runs on (SIGHUP replaces it, reload()). */
  config(): Config {
    return this.cfg;
  }

  /**
   * SIGHUP: the new config becomes the running one as src/config/reload.ts plans it (live keys in
   * place, restart keys kept); throws WAN_ERR_CONFIG, changing nothing, when the plan refuses it.
   */
  reload(next: Config): ReloadPlan {
    const plan = planReload(this.cfg, next);
    const cfg = plan.applied;
    const dnsBefore = new Map(this.cfg.links.map((l) => [l.name, JSON.stringify(this.linkDns(l.name))]));
    this.cfg = cfg;
    for (const l of cfg.links) if (dnsBefore.get(l.name) !== JSON.stringify(this.linkDns(l.name))) this.publishDns(l.name);
    this.probes.reconfigure((f) => (f === 'ipv6' ? cfg.pingTargets6 ?? [] : cfg.pingTargets),
      { timeoutMs: cfg.pingTimeoutMs, count: cfg.pingCount, minTargetsUp: cfg.minTargetsUp, window: cfg.statsWindow,
        ...(cfg.probeIntervalMs ? { intervalMs: cfg.probeIntervalMs, quality: cfg.quality ?? null } : {}) });
    void this.deps.netlink.dump().then((snap) => this.warnTargets(snap), () => undefined);
    this.places = linkPlaces(this.cfg.links);
    // New tiers or weights: decide again and re-plan (one group replace moves only what must move).
    this.feedAll({ kind: 'tick' });
    void this.sysctls.ensureMultipathHash();
    const restart = plan.needRestart;
    this.record('config', 'info', null, `Configuration reloaded${restart.length ? ` (restart needed for: ${restart.join(', ')})` : ''}`);
    return plan;
  }

  // ---- inputs ------------------------------------------------------------------------------

  private adopt(snap: Parameters<KernelEvents['syncFromSnapshot']>[0]): void {
    this.kernel.warnShadowing(snap.routes);
    for (const family of this.families) {
      // Balancing: our main route points at our group; its members are what the kernel carries.
      const group = adoptGroup(snap, this.cfg, family, this.policyConfig(), (link) => this.facts.get(link)?.ifindex ?? null);
      if (group) {
        for (const [link, gateway] of group.gateways) {
          if (this.facts.get(link)?.families[family].gateway === null) this.facts.learnGateway(link, family, 'netlink', gateway);
        }
        this.deps.log.info({ family, carrying: group.carriers.map((c) => c.link) }, 'adopted the current nexthop group');
        this.carrying.seed(family, group.carriers);
        this.kernelActive.set(family, group.lead);
        this.feed(family, { kind: 'adopt', link: group.lead, carrying: group.carriers.map((c) => c.link) });
        continue;
      }
      const found = adoptableLink(snap.routes, this.facts.all().map((l) => ({ cfg: l.cfg, ifindex: l.ifindex })), this.cfg.routeProtocol,
        kernelFamily(family), mainMetric(this.cfg, family));
      if (found) {
        const l = this.facts.get(found.link)!;
        // A restart finds its own route: that gateway is the best guess until netlink or the state file says more.
        if (l.families[family].gateway === null && found.gateway) this.facts.learnGateway(found.link, family, 'netlink', found.gateway);
        this.deps.log.info({ link: found.link, family, gateway: found.gateway }, 'adopted the current default route');
      }
      this.kernelActive.set(family, found?.link ?? null);
      if (found) this.carrying.seed(family, [{ link: found.link, weight: 1 }]);
      this.feed(family, { kind: 'adopt', link: found?.link ?? null });
    }
  }

  private warnTargets(snap: NetlinkSnapshot): void {
    warnTargetsOnRouter(this.deps.log, [...this.cfg.pingTargets, ...(this.cfg.pingTargets6 ?? [])], snap, this.facts.all());
  }

  private onFact(c: FactChange): void {
    const timeMs = this.deps.clock.wallMs();
    switch (c.kind) {
      case 'ifindex':
        this.probes.reset(c.link, this.probeable(c.link));
        this.reconciler.retryNow((o) => o.link === c.link);
        break;
      case 'present':
        this.feedAll({ kind: 'present', link: c.link, present: c.present });
        break;
      case 'carrier': {
        const l = this.facts.get(c.link)!;
        this.bus.publish({ kind: 'carrier', link: c.link, interface: l.cfg.interface, up: c.up, timeMs });
        this.feedAll({ kind: 'carrier', link: c.link, up: c.up });
        // No probes without carrier: the policy already counts the link down, and an echo sent then
        // leaves a neighbour entry resolving on a dead wire, whose failure (ARP gives up after
        // mcast_solicit x retrans_time, 3 s) fails the first echoes after the carrier returns with
        // EHOSTUNREACH and delays the return by a check. Carrier back: a fresh socket, a round at once.
        this.probes.reset(c.link, this.probeable(c.link), c.up);
        // Carrier back: a table route the kernel dropped with it can go in again.
        if (c.up) this.reconciler.retryNow((o) => o.link === c.link);
        break;
      }
      case 'addresses':
        if (c.after.length < c.before.length || c.before.some((a) => !c.after.includes(a))) {
          // rtnetlink sends no RTM_DELROUTE for IPv4 routes flushed with their address (fib_sync_down_addr):
          // re-read the kernel to see what went.
          void this.deps.netlink.dump().then((snap) => this.reconciler.verify(snap, this.cfg.routeProtocol), () => undefined);
        }
        if (c.after.length > 0) this.reconciler.retryNow((o) => o.link === c.link && o.family === c.family);
        if (this.families.includes(c.family)) this.feed(c.family, { kind: 'facts', link: c.link });
        // Reply routing follows each address (a DHCP renew with a new one).
        if (this.cfg.replyRouting === true) this.replan();
        break;
      case 'gateway':
        this.onGateway(c.link, c.family, c.before, c.after, c.source);
        break;
      case 'dns':
        // A static list wins: the leases' servers change nothing then.
        if (this.linkDns(c.link).source !== 'static') this.publishDns(c.link);
        break;
    }
    this.replan();
  }

  /** A link worth probing: its interface is there and its carrier is not known to be lost. */
  private probeable(link: string): boolean {
    const f = this.facts.get(link);
    return f !== undefined && f.ifindex !== null && f.carrier !== false;
  }

  private onGateway(link: string, family: AddressFamily, before: string | null, after: string | null, source: string | null): void {
    const l = this.facts.get(link)!;
    if (before !== null && after !== null) {
      this.record('gateway_change', 'info', link, `${l.cfg.displayName} gateway: ${before} -> ${after} (${source})`);
    } else if (after !== null) {
      this.deps.log.info({ link, family, gateway: after, source }, 'gateway detected');
    }
    this.bus.publish({ kind: 'gateway', link, family, gateway: after, source, timeMs: this.deps.clock.wallMs() });
    if (this.families.includes(family)) this.feed(family, { kind: 'facts', link });
  }

  private onRound(link: string, family: AddressFamily, r: CycleResult, standby = false): void {
    this.lastCheckMs.set(link, this.deps.clock.wallMs());
    this.metered?.onRound(link, standby);
    this.noteProbeErrors(link, r);
    this.bus.publish({ kind: 'probe-round', link, family, gateway: r.gateway, targets: r.targets, healthy: r.healthy,
      timeMs: this.deps.clock.wallMs() });
    this.feed(family, { kind: 'probe', link, healthy: r.healthy, gatewayReachable: r.gatewayReachable,
      ...(r.quality ? { quality: r.quality.state, qualityReason: r.quality.reason } : {}) });
  }

  /** Send failures (ENETUNREACH, EPERM, ...) say more than a timeout: log them when they change. */
  private noteProbeErrors(link: string, r: CycleResult): void {
    const codes = [...new Set([r.gateway, ...r.targets].flatMap((e) => (e && !e.ok && e.error && e.error !== 'timeout' ? [e.error] : [])))].sort();
    const key = codes.join(',');
    if (key === (this.probeErrors.get(link) ?? '')) return;
    this.probeErrors.set(link, key);
    const iface = this.facts.get(link)?.cfg.interface;
    if (key) this.deps.log.warn({ link, interface: iface, errno: codes }, 'probe send failed');
    else this.deps.log.info({ link }, 'probe sends work again');
  }

  // ---- policy and reconciler ---------------------------------------------------------------

  private policy(family: AddressFamily): PolicyState {
    return this.policies.get(family)!;
  }

  /** What the policy reads of the links: the facts, plus the metered links' inputs. */
  private view(family: AddressFamily): FactsView {
    const base = this.facts.view(family);
    return this.metered ? this.metered.view(base) : base;
  }

  private policyConfig(): PolicyConfig {
    return { failureThreshold: this.cfg.failureThreshold, recoveryThreshold: this.cfg.recoveryThreshold, minSecondaryTimeMs: this.cfg.minSecondaryTimeMs,
      places: this.places };
  }

  private feedAll(event: PolicyEvent): void {
    for (const f of this.families) this.feed(f, event);
    this.replan();
  }

  private feed(family: AddressFamily, event: PolicyEvent): void {
    const before = this.policy(family);
    const r = step(before, event, this.deps.clock.nowMs(), this.policyConfig(), this.view(family));
    this.policies.set(family, r.state);
    this.metered?.update(this.families.map((f) => ({ state: this.policy(f), facts: this.view(f) })));
    this.publishChanges(family, before, r.state);
    for (const e of r.effects) this.apply(family, e);
    // Desired state changes only with a switch; fact changes re-plan in onFact. A probe round
    // without effects plans nothing (no allocation on the probe path).
    if (r.effects.length > 0 || (this.cfg.policyRules !== undefined && healthMoved(before, r.state))) this.replan();
  }

  private apply(family: AddressFamily, e: PolicyEffect): void {
    if (e.kind === 'event') {
      this.record(e.type, e.level, e.link, e.message);
      return;
    }
    if (e.kind === 'carrying') {
      this.deps.log.info({ family, before: e.before, after: e.after, cause: e.cause }, `carrying links change: ${e.reason}`);
      return;
    }
    this.intents.set(family, { from: e.from, to: e.to, detail: e.reason, cause: e.cause, atMs: this.deps.clock.nowMs() });
  }

  /** Desired state -> kernel objects -> reconciler. */
  private replan(): void {
    if (!this.running) return;
    this.reconciler.setDesired(this.plan(true), this.families);
    if (this.cfg.policyRules) {
      const timeMs = this.deps.clock.wallMs();
      for (const m of this.ruleMoves.next(this.ruleDecisions())) this.bus.publish({ kind: 'rule-moved', ...m, timeMs });
    }
  }

  /** The kernel objects for the policy's carrying sets; `balance` false: plain routes only (at stop). */
  private plan(balance: boolean): KernelObject[] {
    const places = this.places;
    const carriers = (family: AddressFamily): DesiredState[AddressFamily] => {
      const p = this.policies.get(family);
      if (!p) return [];
      // A manual hold carries alone; without balancing there is only ever one carrier.
      const names = p.manualHold !== null || !balance ? (p.active === null ? [] : [p.active]) : p.carrying ?? [];
      return names.map((link) => ({ link, weight: places.find((x) => x.name === link)?.weight ?? 1 }));
    };
    const links = this.facts.all().map((l) => ({ name: l.cfg.name, iface: l.cfg.interface, ifindex: l.ifindex, table: l.cfg.table,
      gateways: { ipv4: l.families.ipv4.gateway, ipv6: l.families.ipv6.gateway } }));
    const b = this.cfg.balance ?? BALANCE_DEFAULTS;
    const params = balance && balancing(this.cfg.links) ? { buckets: b.buckets, idleTimerS: b.idleTimerS, unbalancedTimerS: b.unbalancedTimerS } : null;
    return [...planKernel({ ipv4: carriers('ipv4'), ipv6: carriers('ipv6') }, links, this.cfg, this.families, params),
      ...(this.cfg.replyRouting === true ? planReplyRules(this.facts.all().map((l) => ({ name: l.cfg.name, table: l.cfg.table, present: l.ifindex !== null,
        addresses: { ipv4: l.families.ipv4.addresses, ipv6: l.families.ipv6.addresses } })), this.cfg, this.families) : []),
      ...planDnsRules(this.facts.all().map((l) => ({ name: l.cfg.name, table: l.cfg.table, servers: this.linkDns(l.cfg.name).servers })),
        this.cfg, this.families),
      ...planPolicyRules(this.ruleDecisions(), links, { routeProtocol: this.cfg.routeProtocol, policyRulePriority: this.cfg.policyRulePriority ?? 2000 }, params)];
  }

  /** The DNS servers a link uses (issue 22): its static `dns` (the running config's), else its DHCP leases'. */
  linkDns(name: string): LinkDns {
    const fixed = this.cfg.links.find((l) => l.name === name)?.dns;
    if (fixed) return { servers: fixed, source: 'static' };
    const dhcp = this.facts.get(name)?.dhcpDns ?? [];
    return { servers: dhcp, source: dhcp.length > 0 ? 'dhcp' : null };
  }

  /**
   * What the resolv file is made of (src/dns/resolv-content.ts): the links in preference order (tier,
   * then config order), which of them the kernel's default route goes over now (either family), whether
   * the policy finds them usable, and their servers.
   */
  resolvLinks(): ResolvLink[] {
    const carrying = new Set(this.families.flatMap((f) => this.carrying.of(f).map((c) => c.link)));
    const usable = (name: string): boolean => this.families.some((f) => {
      const h = this.policy(f).links.find((l) => l.name === name)?.health;
      return h === 'up' || h === 'degraded';
    });
    return [...this.places].sort((a, b) => a.tier - b.tier)
      .map((p) => ({ name: p.name, carrying: carrying.has(p.name), usable: usable(p.name), servers: this.linkDns(p.name).servers }));
  }

  private publishDns(link: string): void {
    const d = this.linkDns(link);
    this.bus.publish({ kind: 'link-dns', link, servers: [...d.servers], source: d.source, timeMs: this.deps.clock.wallMs() });
  }

  /** Each policy rule's links per family, from the policies' link decisions (issue 22). */
  private ruleDecisions(): RuleDecision[] {
    return ruleDecisions({ rules: this.cfg.policyRules ?? [], families: this.families, policy: (f) => this.policies.get(f), places: this.places,
      routable: (link, f) => { const l = this.facts.get(link); return l !== undefined && l.ifindex !== null && l.families[f].gateway !== null; } });
  }

  /** Balancing: stop leaves a plain default route on the best link; the reconciler then removes the nexthop objects. */
  private async flattenForStop(): Promise<void> {
    if (!balancing(this.cfg.links)) return;
    this.reconciler.setDesired(this.plan(false), this.families);
    await this.reconciler.idle();
  }

  private onApplied(o: KernelObject): void {
    if (o.role === 'link') this.deps.log.info({ link: o.link, family: o.family, table: o.spec.table, gateway: o.spec.gateway }, 'per-link routing table set');
    if (!this.carrying.applied(o)) return;
    if (o.kind === 'group') this.readBuckets();
    // The lead (largest share) is the one "active link" of the original's outputs.
    const lead = this.carrying.lead(o.family);
    if (lead === null) return;
    const before = this.kernelActive.get(o.family) ?? null;
    this.kernelActive.set(o.family, lead);
    if (this.policy(o.family).links.some((l) => l.name === lead && l.routeFailingUntilMs !== null)) {
      this.feed(o.family, { kind: 'route-ok', link: lead });
    }
    const intent = this.intents.get(o.family);
    if (!intent || intent.to !== lead) {
      this.publishStatus();
      return;
    }
    this.intents.delete(o.family);
    const from = intent.from ?? before;
    this.switchCount += 1;
    this.lastSwitchMs = this.deps.clock.wallMs();
    const fromLink = from === null ? null : this.facts.get(from) ?? null;
    const toLink = this.facts.get(lead)!;
    const message = `Switched ${fromLink?.cfg.displayName ?? 'none'} -> ${toLink.cfg.displayName}: ${intent.detail}`;
    this.bus.publish({ kind: 'record', type: 'switch', level: 'warn', link: lead, message, timeMs: this.lastSwitchMs });
    this.bus.publish({ kind: 'switched', family: o.family, from: fromLink ? this.end(fromLink.cfg.name, o.family) : null,
      to: this.end(lead, o.family), reason: intent.cause, detail: intent.detail, message, timeMs: this.lastSwitchMs,
      applyMs: Math.round((this.deps.clock.nowMs() - intent.atMs) * 1000) / 1000 });
    this.publishStatus();
  }

  /** Balancing: the status share is the fraction of the group's buckets; read after a change and at each kernel check. */
  private readBuckets(): void {
    const nl = this.deps.netlink;
    if (!nl.dumpBuckets || !balancing(this.cfg.links) || !this.running) return;
    this.carrying.readBuckets((id) => nl.dumpBuckets!(id), this.cfg.links, this.cfg.routeProtocol, this.families, () => this.publishStatus(),
      (err) => this.deps.log.debug({ error: describeError(err) }, 'reading the nexthop buckets failed'));
  }

  /** A link's share of a family's new flows as the kernel carries them; null when it does not carry. */
  private shareOf(family: AddressFamily, link: string): number | null {
    return this.carrying.of(family).some((c) => c.link === link) ? this.carrying.share(family, link) : null;
  }

  private onApplyFailed(o: KernelObject, err: unknown, attempts: number): void {
    if (o.role !== 'main') return;
    const label = this.facts.get(o.link)?.cfg.displayName ?? o.link;
    if (attempts === 1) {
      this.record('error', 'error', o.link, `Failed to switch to ${label}: ${describeError(err)}`);
      this.bus.publish({ kind: 'switch-failed', family: o.family, to: o.link, error: describeError(err), timeMs: this.deps.clock.wallMs() });
    }
    if (attempts === ROUTE_FAILURES_BEFORE_MOVING_ON) this.feed(o.family, { kind: 'route-failing', link: o.link, error: describeError(err) });
  }

  private end(link: string, family: AddressFamily): SwitchEnd {
    const l = this.facts.get(link)!;
    return { link, interface: l.cfg.interface, gateway: l.families[family].gateway, addresses: [...l.families[family].addresses] };
  }

  /** Bus events for what a policy step changed: link states, all-down, auto. */
  private publishChanges(family: AddressFamily, a: PolicyState, b: PolicyState): void {
    const timeMs = this.deps.clock.wallMs();
    b.links.forEach((l, i) => {
      const p = a.links[i]!;
      if (p.health === l.health) return;
      const f = this.facts.get(l.name)!;
      const quality = l.quality === 'down' || l.quality === 'degraded' ? `quality: ${l.qualityReason ?? l.quality}` : null;
      const reason = !f.present ? 'interface gone' : f.carrier === false ? 'carrier lost'
        : l.health === 'down' ? (l.consecutiveFailures >= this.cfg.failureThreshold ? `${l.consecutiveFailures} consecutive failed checks` : quality ?? 'probes fail')
        : l.health === 'degraded' ? quality ?? 'quality' : 'probes pass';
      this.bus.publish({ kind: 'link-state', link: l.name, interface: f.cfg.interface, family, from: p.health, to: l.health, reason, timeMs });
    });
    if (a.allDown !== b.allDown) this.bus.publish({ kind: 'all-down', down: b.allDown, timeMs });
    if (a.auto !== b.auto && family === 'ipv4') this.bus.publish({ kind: 'auto', enabled: b.auto, timeMs });
    if (a !== b) this.publishStatus();
  }

  private record(type: EngineEventType, level: 'info' | 'warn' | 'error', link: string | null, message: string): void {
    this.bus.publish({ kind: 'record', type, level, link, message, timeMs: this.deps.clock.wallMs() });
  }

  private publishStatus(): void {
    this.bus.publish({ kind: 'status-changed', timeMs: this.deps.clock.wallMs() });
  }
}

/** A link's health changed (a policy rule may move even when the main route does not). */
function healthMoved(before: PolicyState, after: PolicyState): boolean {
  return after.links.some((l, i) => before.links[i]?.health !== l.health);
}
