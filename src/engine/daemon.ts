// The daemon: starts and stops the components in order, turns netlink, probe and API input into
// policy events, and carries out the policy's effects (route changes, events). It decides nothing.
import type { Clock, TimerHandle } from '../clock.js';
import type { Config } from '../config/types.js';
import { WanError } from '../errors.js';
import type { NetlinkEvent, NetlinkPort, NetlinkSnapshot } from '../netlink/types.js';
import { checkManual, initialState, step } from '../policy/step.js';
import type { PolicyConfig, PolicyEffect, PolicyEvent, PolicyState } from '../policy/types.js';
import type { CycleResult, ProbeSocketFactory } from '../probe/types.js';
import { MAIN_TABLE } from '../routes/plan.js';
import { GatewayTracker } from '../gateway/tracker.js';
import { gatewayFromRoute, gatewayFromRoutes } from '../gateway/from-routes.js';
import { EventLog } from './event-log.js';
import { newLinkRuntime, type LinkRuntime } from './link-runtime.js';
import type { HostPort, LogPort, NotifyPort, ProberFactory } from './ports.js';
import { RouteKeeper } from './route-keeper.js';
import { buildStatus, summary } from './status.js';
import type { Engine, EngineEventType, EngineStatus, SwitchOutcome } from './types.js';
import { adoptableLink, shadowingRoutes } from './adopt.js';
import { applyLinkState } from './netlink-view.js';

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
  private switchCount = 0;
  private lastSwitchMs: number | null = null;
  private startedMs = 0;
  private timer: TimerHandle | null = null;
  private running = false;
  private stopping: Promise<void> | null = null;
  private lastSummary = '';
  private lastCycleStartMs = 0;

  constructor(private readonly deps: DaemonDeps) {
    this.cfg = deps.config;
    this.links = deps.config.links.map(newLinkRuntime);
    this.gateways = new GatewayTracker(deps.config.links);
    this.policy = initialState(deps.config.links.map((l) => ({ name: l.name, label: l.displayName })),
      deps.config.links.map((l) => l.gateway !== null));
    this.routes = new RouteKeeper(deps.netlink, deps.log);
  }

  async start(): Promise<void> {
    const { netlink, clock } = this.deps;
    this.startedMs = clock.wallMs();
    await netlink.start((e) => this.onNetlink(e));
    const snap = await netlink.dump();
    this.syncFromSnapshot(snap);
    this.adopt(snap);
    for (const rt of this.links) await this.loosenRpFilter(rt);
    for (const rt of this.links) this.openProber(rt);
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
      rt.lastCycle = r;
      rt.lastCheckWallMs = this.deps.clock.wallMs();
      this.noteProbeErrors(rt, r);
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

  private openProber(rt: LinkRuntime): void {
    rt.prober?.close();
    rt.prober = null;
    if (rt.ifindex === null) return;
    try {
      rt.prober = this.deps.newProber(this.deps.sockets.open(rt.cfg.interface), rt.cfg.name);
    } catch (err) {
      this.record('error', 'error', rt.cfg.name, `${rt.cfg.displayName}: cannot open probe socket on ${rt.cfg.interface}: ${String(err)}`);
    }
  }

  // ---- netlink -----------------------------------------------------------------------------

  private onNetlink(e: NetlinkEvent): void {
    if (!this.running && this.stopping) return;
    switch (e.kind) {
      case 'link': {
        const rt = this.links.find((l) => l.cfg.interface === e.link.name);
        if (rt) this.applyLink(rt, e.op === 'del' ? null : e.link);
        break;
      }
      case 'route':
        this.onRoute(e.op, e.route);
        break;
      case 'address': {
        // An address arriving can make a table route that failed with ENETUNREACH possible now.
        const rt = this.links.find((l) => l.ifindex !== null && l.ifindex === e.address.index);
        if (rt && e.op === 'new' && rt.routedAs === null && this.running) void this.syncRoutes(this.policy.active === rt.cfg.name);
        break;
      }
      case 'resync':
        this.deps.log.warn({ reason: e.reason }, 'netlink notifications lost; re-reading kernel state');
        this.deps.netlink.dump().then((snap) => { this.syncFromSnapshot(snap); return this.syncRoutes(); })
          .catch((err: unknown) => this.deps.log.error({ err }, 'netlink resync failed'));
        break;
    }
  }

  private applyLink(rt: LinkRuntime, link: Parameters<typeof applyLinkState>[1]): void {
    const change = applyLinkState(rt, link);
    if (change.ifindexChanged) {
      rt.traffic.reset();
      if (rt.ifindex !== null && this.running) this.openProber(rt);
      if (rt.ifindex === null) { rt.prober?.close(); rt.prober = null; }
    }
    if (change.present !== null) this.feed({ kind: 'present', link: rt.cfg.name, present: change.present });
    if (change.carrier !== null) this.feed({ kind: 'carrier', link: rt.cfg.name, up: change.carrier });
    // A new interface (new ifindex) or one whose carrier came back needs its table route again.
    if ((change.ifindexChanged || (change.carrier === true && rt.routedAs === null)) && this.running) {
      void this.syncRoutes(this.policy.active === rt.cfg.name);
    }
  }

  private onRoute(op: 'new' | 'del', r: Parameters<typeof shadowingRoutes>[0][number]): void {
    const own = r.protocol === this.cfg.routeProtocol;
    if (op === 'del' && own && r.table === MAIN_TABLE && r.dst === null && this.running) {
      this.deps.log.warn({ route: r }, 'our default route was deleted by someone else; restoring it');
      void this.syncRoutes(true);
      return;
    }
    if (op === 'new' && !own) {
      for (const s of shadowingRoutes([r], this.cfg.routeMetric, this.cfg.routeProtocol)) {
        this.deps.log.warn({ metric: s.priority, gateway: s.gateway, oif: s.oif }, 'another default route shadows the daemon\'s own');
      }
      const rt = this.links.find((l) => l.ifindex !== null && l.ifindex === r.oif);
      const learned = rt ? gatewayFromRoute(r, rt.ifindex!, this.cfg.routeProtocol) : null;
      // A default route names the gateway; another via-route only stands in until one is seen.
      if (rt && learned && (learned.isDefault || rt.gateway === null)) this.learnGateway(rt, 'netlink', learned.gateway);
    }
  }

  private syncFromSnapshot(snap: NetlinkSnapshot): void {
    for (const rt of this.links) {
      this.applyLink(rt, snap.links.find((l) => l.name === rt.cfg.interface) ?? null);
      if (rt.ifindex === null) continue;
      const gw = gatewayFromRoutes(snap.routes, rt.ifindex, this.cfg.routeProtocol);
      if (gw !== null) this.learnGateway(rt, 'netlink', gw);
    }
  }

  private adopt(snap: NetlinkSnapshot): void {
    const found = adoptableLink(snap.routes, this.links, this.cfg.routeProtocol);
    for (const s of shadowingRoutes(snap.routes, this.cfg.routeMetric, this.cfg.routeProtocol)) {
      this.deps.log.warn({ metric: s.priority, gateway: s.gateway, oif: s.oif }, 'another default route shadows the daemon\'s own');
    }
    if (found) {
      const rt = this.links.find((l) => l.cfg.name === found.link)!;
      // A restart finds its own route: that gateway is the best guess until netlink or the state file says more.
      if (rt.gateway === null && found.gateway) this.learnGateway(rt, 'netlink', found.gateway);
      this.deps.log.info({ link: found.link, gateway: found.gateway }, 'adopted the current default route');
    }
    this.feed({ kind: 'adopt', link: found?.link ?? null });
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
    this.policy = r.state;
    for (const e of r.effects) this.apply(e);
    if (r.effects.length > 0) this.publish();
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
      this.deps.log.warn({ from: e.from, to: e.to, reason: e.reason, gateway: to.gateway, interface: to.cfg.interface,
        applyMs: Math.round((this.deps.clock.nowMs() - requestedAtMs) * 1000) / 1000 }, 'default route switched');
      this.publish();
    }, (err: unknown) => {
      this.feed({ kind: 'switch-failed', from: e.from, to: e.to, error: err instanceof Error ? err.message : String(err) });
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
    this.events.push({ timeMs: this.deps.clock.wallMs(), type, message, link });
    this.deps.log[level]({ event: type, link }, message);
  }

  private publish(): void {
    const line = summary(this.status());
    if (line === this.lastSummary) return;
    this.lastSummary = line;
    this.deps.notify?.status(line);
  }
}
