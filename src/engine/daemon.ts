// The daemon: starts and stops the components in order, turns netlink, probe and API input into
// policy events, and carries out the policy's effects (route changes, events). It decides nothing.
import type { Clock, TimerHandle } from '../clock.js';
import type { Config } from '../config/types.js';
import { WanError } from '../errors.js';
import type { NetlinkPort } from '../netlink/types.js';
import { checkManual, initialState, step } from '../policy/step.js';
import type { PolicyConfig, PolicyEffect, PolicyEvent, PolicyState } from '../policy/types.js';
import type { CycleResult, ProbeSocketFactory } from '../probe/types.js';
import { GatewayTracker } from '../gateway/tracker.js';
import { EventLog } from './event-log.js';
import { newLinkRuntime, type LinkRuntime } from './link-runtime.js';
import type { HostPort, LogPort, NotifyPort, ProberFactory } from './ports.js';
import { RouteKeeper } from './route-keeper.js';
import { buildStatus, summary } from './status.js';
import type { Engine, EngineEventType, EngineStatus, SwitchOutcome } from './types.js';
import { KernelEvents } from './kernel-events.js';
import { SyncEventBus, type EventBus } from '../bus/event-bus.js';
import type { SwitchEnd } from '../bus/events.js';
import { describeError } from '../errors.js';

export interface DaemonDeps {
  config: Config;
  netlink: NetlinkPort;
  sockets: ProbeSocketFactory;
  newProber: ProberFactory;
  clock: Clock;
  log: LogPort;
  host: HostPort;
  notify?: NotifyPort;
}

export class Daemon implements Engine {
  private cfg: Config;
  private policy: PolicyState;
  private readonly links: LinkRuntime[];
  private readonly gateways: GatewayTracker;
  private readonly events = new EventLog(100);
  private readonly routes: RouteKeeper;
  private readonly kernel: KernelEvents;
  private switchCount = 0;
  private lastSwitchMs: number | null = null;
  private startedMs = 0;
  private timer: TimerHandle | null = null;
  private running = false;
  private stopping: Promise<void> | null = null;
  private lastSummary = '';
  private lastCycleStartMs = 0;
  /** Typed daemon events for extensions (conntrack, MQTT, metrics, hooks); see src/bus/events.ts. */
  readonly bus: EventBus;

  constructor(private readonly deps: DaemonDeps) {
    this.cfg = deps.config;
    this.bus = new SyncEventBus(deps.log);
    this.links = deps.config.links.map(newLinkRuntime);
    this.gateways = new GatewayTracker(deps.config.links);
    this.policy = initialState(deps.config.links.map((l) => ({ name: l.name, label: l.displayName })),
      deps.config.links.map((l) => l.gateway !== null));
    this.routes = new RouteKeeper(deps.netlink, deps.log);
    this.kernel = new KernelEvents({
      links: this.links,
      log: deps.log,
      config: () => this.cfg,
      running: () => this.running,
      stopped: () => !this.running && this.stopping !== null,
      activeLink: () => this.policy.active,
      feed: (e) => this.feed(e),
      learnGateway: (rt, gw) => this.learnGateway(rt, 'netlink', gw),
      syncRoutes: (restoreMain) => this.syncRoutes(restoreMain),
      resetProber: (rt) => this.resetProber(rt),
      dump: () => deps.netlink.dump(),
    });
  }

  async start(): Promise<void> {
    const { netlink, clock } = this.deps;
    this.startedMs = clock.wallMs();
    await netlink.start((e) => this.kernel.onEvent(e));
    const snap = await netlink.dump();
    this.kernel.syncFromSnapshot(snap);
    this.feed({ kind: 'adopt', link: this.kernel.adopt(snap) });
    for (const rt of this.links) await this.loosenRpFilter(rt);
    await this.refreshStateFiles();
    await this.syncRoutes(true);
    this.record('start', 'info', null, 'Daemon started');
    this.running = true;
    await this.cycle();
    this.schedule();
  }

  /** Idempotent: probes stop, the per-link rules and tables go, the default route stays where it is. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      if (this.timer) this.deps.clock.clearTimer(this.timer);
      this.deps.notify?.stopping();
      for (const rt of this.links) rt.prober?.close();
      await this.routes.idle();
      for (const rt of this.links) await this.routes.removeLinkTable(rt, this.cfg);
      this.record('stop', 'info', null, 'Daemon stopped');
      await this.deps.netlink.stop();
    })();
    return this.stopping;
  }

  status(): EngineStatus {
    return buildStatus({
      policy: this.policy, links: this.links, events: this.events.list(), switchCount: this.switchCount,
      lastSwitchMs: this.lastSwitchMs, startedMs: this.startedMs, nowWallMs: this.deps.clock.wallMs(),
    });
  }

  async switchTo(target: string, opts: { force: boolean }): Promise<SwitchOutcome> {
    const verdict = checkManual(this.policy, target, opts.force);
    const label = this.links.find((l) => l.cfg.name === target)?.cfg.displayName ?? target;
    switch (verdict) {
      case 'unknown_link':
        throw new WanError('WAN_ERR_UNKNOWN_LINK', `Unknown link: ${target}`, { valid: this.links.map((l) => l.cfg.name) });
      case 'no_gateway':
        throw new WanError('WAN_ERR_NO_GATEWAY', `${label} has no known gateway`);
      case 'link_down':
        throw new WanError('WAN_ERR_LINK_DOWN', `${label} is down; use force to switch anyway`);
      case 'already_active':
        this.feed({ kind: 'manual', link: target });
        return { result: 'already_active', link: target };
      case 'ok':
        break;
    }
    this.feed({ kind: 'manual', link: target });
    await this.routes.idle();
    if (this.policy.active !== target) throw new WanError('WAN_ERR_SWITCH_FAILED', `Could not switch to ${label}`);
    return { result: 'switched', link: target };
  }

  async setAuto(enabled: boolean): Promise<void> {
    this.feed({ kind: 'auto', enabled });
    await this.routes.idle();
  }

  /** SIGHUP: thresholds, targets and timing change in place; link and API changes need a restart. */
  reload(next: Config): string[] {
    const needRestart: string[] = [];
    const sameLinks = JSON.stringify(next.links) === JSON.stringify(this.cfg.links);
    if (!sameLinks) needRestart.push('links');
    for (const k of ['apiHost', 'apiPort', 'apiKey', 'routeMetric', 'routeProtocol', 'rulePriority'] as const) {
      if (next[k] !== this.cfg[k]) needRestart.push(k);
    }
    const links = this.cfg.links;
    this.cfg = { ...next, links, apiHost: this.cfg.apiHost, apiPort: this.cfg.apiPort, apiKey: this.cfg.apiKey,
      routeMetric: this.cfg.routeMetric, routeProtocol: this.cfg.routeProtocol, rulePriority: this.cfg.rulePriority };
    for (const rt of this.links) {
      rt.prober?.setTargets(next.pingTargets);
      rt.prober?.setOptions({ timeoutMs: next.pingTimeoutMs, count: next.pingCount, minTargetsUp: next.minTargetsUp, window: next.statsWindow });
    }
    this.record('config', 'info', null, `Configuration reloaded${needRestart.length ? ` (restart needed for: ${needRestart.join(', ')})` : ''}`);
    return needRestart;
  }

  // ---- probing -----------------------------------------------------------------------------

  /** Fixed rate: cycles start every check_interval, however long the last one took (up to ping_timeout). */
  private schedule(): void {
    if (!this.running) return;
    const due = this.lastCycleStartMs + this.cfg.checkIntervalMs;
    const delay = Math.max(0, due - this.deps.clock.nowMs());
    this.timer = this.deps.clock.setTimer(delay, () => {
      this.cycle().catch((err: unknown) => this.deps.log.error({ err }, 'check cycle failed')).finally(() => this.schedule());
    });
  }

  private async cycle(): Promise<void> {
    this.lastCycleStartMs = this.deps.clock.nowMs();
    const results = await Promise.all(this.links.map(async (rt) => (rt.prober ? rt.prober.runCycle(rt.gateway) : null)));
    // After the probes, not beside them: parsing a link dump while replies arrive would add to their RTT.
    await Promise.all([this.sampleTraffic(), this.refreshStateFiles()]);
    if (this.links.some((rt) => rt.routedAs === null && rt.gateway !== null && rt.ifindex !== null)) await this.syncRoutes();
    if (!this.running) return;
    results.forEach((r, i) => {
      const rt = this.links[i]!;
      if (r === null) return;
      rt.lastCheckWallMs = this.deps.clock.wallMs();
      this.noteProbeErrors(rt, r);
      this.bus.publish({ kind: 'probe-round', link: rt.cfg.name, family: 'ipv4', gateway: r.gateway, targets: r.targets,
        healthy: r.healthy, timeMs: this.deps.clock.wallMs() });
      this.feed({ kind: 'probe', link: rt.cfg.name, healthy: r.healthy, gatewayReachable: r.gatewayReachable });
    });
    this.publish();
  }

  /** Send failures (ENETUNREACH, EPERM, ...) say more than a timeout: log them when they change. */
  private noteProbeErrors(rt: LinkRuntime, r: CycleResult): void {
    const codes = [...new Set([r.gateway, ...r.targets].flatMap((e) => (e && !e.ok && e.error && e.error !== 'timeout' ? [e.error] : [])))].sort();
    const key = codes.join(',');
    if (key === rt.probeErrors) return;
    rt.probeErrors = key;
    if (key) this.deps.log.warn({ link: rt.cfg.name, interface: rt.cfg.interface, errno: codes }, 'probe send failed');
    else this.deps.log.info({ link: rt.cfg.name }, 'probe sends work again');
  }

  private async sampleTraffic(): Promise<void> {
    try {
      const links = await this.deps.netlink.getLinks();
      const now = this.deps.clock.nowMs();
      for (const rt of this.links) {
        const l = links.find((x) => x.name === rt.cfg.interface);
        if (l?.stats) rt.traffic.sample(now, l.stats.rxBytes, l.stats.txBytes);
      }
    } catch (err) {
      this.deps.log.debug({ err }, 'reading link statistics failed');
    }
  }

  /** Opens the link's probe socket anew (an interface re-created keeps its name, not its ifindex). */
  private resetProber(rt: LinkRuntime): void {
    rt.prober?.close();
    rt.prober = null;
    if (rt.ifindex === null || this.stopping !== null) return;
    try {
      rt.prober = this.deps.newProber(this.deps.sockets.open(rt.cfg.interface), rt.cfg.name);
    } catch (err) {
      this.record('error', 'error', rt.cfg.name, `${rt.cfg.displayName}: cannot open probe socket on ${rt.cfg.interface}: ${String(err)}`);
    }
  }

  // ---- gateways ----------------------------------------------------------------------------

  private async refreshStateFiles(): Promise<void> {
    await Promise.all(this.links.map(async (rt) => {
      const gw = await this.deps.host.readStateFile(this.cfg.gatewayStateDir, rt.cfg.interface);
      this.learnGateway(rt, 'state_file', gw);
    }));
  }

  private learnGateway(rt: LinkRuntime, source: 'netlink' | 'state_file', gw: string | null): void {
    const before = rt.gateway;
    if (!this.gateways.set(rt.cfg.name, source, gw)) {
      this.warnIfNoGateway(rt);
      return;
    }
    const now = this.gateways.resolve(rt.cfg.name);
    rt.gateway = now.gateway;
    rt.gatewaySource = now.source;
    if (now.gateway !== null) rt.warnedNoGateway = false;
    if (before !== null && now.gateway !== null) {
      this.record('gateway_change', 'info', rt.cfg.name, `${rt.cfg.displayName} gateway: ${before} -> ${now.gateway} (${now.source})`);
    } else if (now.gateway !== null) {
      this.deps.log.info({ link: rt.cfg.name, gateway: now.gateway, source: now.source }, 'gateway detected');
    }
    this.bus.publish({ kind: 'gateway', link: rt.cfg.name, family: 'ipv4', gateway: now.gateway, source: now.source, timeMs: this.deps.clock.wallMs() });
    this.feed({ kind: 'gateway', link: rt.cfg.name, known: now.gateway !== null });
    if (this.running) void this.syncRoutes(this.policy.active === rt.cfg.name);
  }

  private warnIfNoGateway(rt: LinkRuntime): void {
    if (rt.gateway !== null || rt.warnedNoGateway || !this.running) return;
    rt.warnedNoGateway = true;
    this.deps.log.warn({ link: rt.cfg.name, interface: rt.cfg.interface }, 'gateway unknown: no route via this interface and no state file');
  }

  // ---- effects -----------------------------------------------------------------------------

  private policyConfig(): PolicyConfig {
    return { failureThreshold: this.cfg.failureThreshold, recoveryThreshold: this.cfg.recoveryThreshold, minSecondaryTimeMs: this.cfg.minSecondaryTimeMs };
  }

  private feed(event: PolicyEvent): void {
    const r = step(this.policy, event, this.deps.clock.nowMs(), this.policyConfig());
    const before = this.policy;
    this.policy = r.state;
    this.publishChanges(before, r.state);
    for (const e of r.effects) this.apply(e);
    if (r.effects.length > 0) this.publish();
  }

  /** Bus events for what a policy step changed: link states, carrier, all-down, auto. */
  private publishChanges(a: PolicyState, b: PolicyState): void {
    const timeMs = this.deps.clock.wallMs();
    b.links.forEach((l, i) => {
      const p = a.links[i]!;
      const iface = this.links[i]!.cfg.interface;
      if (p.health !== l.health) {
        const reason = !l.present ? 'interface gone' : l.carrier === false ? 'carrier lost'
          : l.health === 'down' ? `${l.consecutiveFailures} consecutive failed checks` : 'probes pass';
        this.bus.publish({ kind: 'link-state', link: l.name, interface: iface, family: 'ipv4', from: p.health, to: l.health, reason, timeMs });
      }
      const pc = p.present ? p.carrier : false;
      const lc = l.present ? l.carrier : false;
      if (pc !== lc && lc !== null) this.bus.publish({ kind: 'carrier', link: l.name, interface: iface, up: lc, timeMs });
    });
    if (a.allDown !== b.allDown) this.bus.publish({ kind: 'all-down', down: b.allDown, timeMs });
    if (a.auto !== b.auto) this.bus.publish({ kind: 'auto', enabled: b.auto, timeMs });
  }

  private switchEnd(rt: LinkRuntime): SwitchEnd {
    return { link: rt.cfg.name, interface: rt.cfg.interface, addresses: [...rt.addresses] };
  }

  private apply(e: PolicyEffect): void {
    if (e.kind === 'event') {
      this.record(e.type, e.level, e.link, e.message);
      return;
    }
    const to = this.links.find((l) => l.cfg.name === e.to)!;
    const from = e.from === null ? null : this.links.find((l) => l.cfg.name === e.from) ?? null;
    const requestedAtMs = this.deps.clock.nowMs();
    this.routes.switchDefault(to, this.cfg).then(() => {
      this.switchCount += 1;
      this.lastSwitchMs = this.deps.clock.wallMs();
      const msg = `Switched ${from?.cfg.displayName ?? 'none'} -> ${to.cfg.displayName}: ${e.reason}`;
      this.events.push({ timeMs: this.lastSwitchMs, type: 'switch', message: msg, link: to.cfg.name });
      const applyMs = Math.round((this.deps.clock.nowMs() - requestedAtMs) * 1000) / 1000;
      this.deps.log.warn({ from: e.from, to: e.to, reason: e.reason, gateway: to.gateway, interface: to.cfg.interface,
        applyMs }, 'default route switched');
      this.bus.publish({ kind: 'record', type: 'switch', level: 'warn', link: to.cfg.name, message: msg, timeMs: this.lastSwitchMs });
      this.bus.publish({ kind: 'switched', family: 'ipv4', from: from ? this.switchEnd(from) : null, to: this.switchEnd(to),
        reason: e.cause, message: msg, timeMs: this.lastSwitchMs, applyMs });
      this.publish();
    }, (err: unknown) => {
      this.bus.publish({ kind: 'switch-failed', family: 'ipv4', to: e.to, error: describeError(err), timeMs: this.deps.clock.wallMs() });
      this.feed({ kind: 'switch-failed', from: e.from, to: e.to, error: describeError(err) });
    });
  }

  private async syncRoutes(restoreMain = false): Promise<void> {
    const active = this.links.find((l) => l.cfg.name === this.policy.active) ?? null;
    await this.routes.sync(this.links, restoreMain ? active : null, this.cfg);
  }

  private async loosenRpFilter(rt: LinkRuntime): Promise<void> {
    if (!this.cfg.rpFilterLoose) return;
    try {
      const changed = await this.deps.host.loosenRpFilter(rt.cfg.interface);
      if (changed) this.deps.log.info({ interface: rt.cfg.interface, ...changed }, 'rp_filter set to loose so standby probes get their replies');
    } catch (err) {
      this.deps.log.warn({ interface: rt.cfg.interface, err }, 'could not read or set rp_filter');
    }
  }

  private record(type: EngineEventType, level: 'info' | 'warn' | 'error', link: string | null, message: string): void {
    const timeMs = this.deps.clock.wallMs();
    this.events.push({ timeMs, type, message, link });
    this.deps.log[level]({ event: type, link }, message);
    this.bus.publish({ kind: 'record', type, level, link, message, timeMs });
  }

  private publish(): void {
    const line = summary(this.policy, this.links);
    this.bus.publish({ kind: 'status-changed', timeMs: this.deps.clock.wallMs() });
    if (line === this.lastSummary) return;
    this.lastSummary = line;
    this.deps.notify?.status(line);
  }
}
