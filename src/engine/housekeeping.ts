// Bookkeeping off the failover path, on its own schedule: link statistics (IFLA_STATS64) for the
// traffic figures, the dhclient state files for gateways and DNS servers, and a periodic full dump that lets the
// reconciler notice kernel objects lost without a notification (the kernel flushes IPv4 routes
// silently when their address goes). Runs half an interval out of phase with the probe rounds, so
// parsing a dump does not sit on top of arriving replies. Its period is timing.ts's housekeepingPeriodMs.
import type { Clock, TimerHandle } from '../clock.js';
import { housekeepingPeriodMs, trafficPeriodMs } from '../config/timing.js';
import type { Config } from '../config/types.js';
import { describeError } from '../errors.js';
import type { LinkFactsStore } from '../facts/link-facts.js';
import type { NetlinkPort, NetlinkSnapshot } from '../netlink/types.js';
import type { HostPort, LogPort } from './ports.js';

/** How often the kernel's routes and rules are re-read to verify what the daemon keeps there. */
export const VERIFY_EVERY_MS = 15_000;

export interface HousekeepingDeps {
  clock: Clock;
  netlink: NetlinkPort;
  host: HostPort;
  facts: LinkFactsStore;
  log: LogPort;
  config(): Config;
  /** The kernel's byte counters of a link, each time they are read (metrics). */
  stats(link: string, iface: string, rxBytes: number, txBytes: number, ifindex: number | null): void;
  /** A full dump to check the kernel objects against. */
  verify(snap: NetlinkSnapshot): void;
  changed(): void;
}

export class Housekeeping {
  private timer: TimerHandle | null = null;
  private running = false;
  private lastVerifyMs = 0;
  private lastTrafficMs = Number.NEGATIVE_INFINITY;
  private readonly warnedNoGateway = new Set<string>();

  constructor(private readonly deps: HousekeepingDeps) {}

  start(): void {
    this.running = true;
    this.lastVerifyMs = this.deps.clock.nowMs();
    this.arm(housekeepingPeriodMs(this.deps.config()) / 2);
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.deps.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** Reads the state files now (start-up, before the first routes are planned). */
  async refreshStateFiles(): Promise<void> {
    const { facts, host } = this.deps;
    const dir = this.deps.config().gatewayStateDir;
    await Promise.all(facts.all().map(async (l) => {
      const gw = await host.readStateFile(dir, l.cfg.interface);
      facts.learnGateway(l.cfg.name, 'ipv4', 'state_file', gw);
      if (host.readStateDns) facts.setDhcpDns(l.cfg.name, await host.readStateDns(dir, l.cfg.interface));
    }));
  }

  /** One line per link whose gateway stays unknown (from start, or since it was last known). */
  warnUnknownGateways(): void {
    for (const l of this.deps.facts.all()) {
      if (l.families.ipv4.gateway !== null) {
        this.warnedNoGateway.delete(l.cfg.name);
      } else if (!this.warnedNoGateway.has(l.cfg.name)) {
        this.warnedNoGateway.add(l.cfg.name);
        this.deps.log.warn({ link: l.cfg.name, interface: l.cfg.interface }, 'gateway unknown: no route via this interface and no state file');
      }
    }
  }

  private arm(ms: number): void {
    if (!this.running) return;
    this.timer = this.deps.clock.setTimer(ms, () => {
      this.timer = null;
      void this.run().finally(() => this.arm(housekeepingPeriodMs(this.deps.config())));
    });
  }

  private async run(): Promise<void> {
    const now0 = this.deps.clock.nowMs();
    const traffic = now0 - this.lastTrafficMs >= trafficPeriodMs(this.deps.config());
    if (traffic) this.lastTrafficMs = now0;
    await Promise.all([traffic ? this.sampleTraffic() : undefined, this.refreshStateFiles().catch((err: unknown) =>
      this.deps.log.debug({ error: describeError(err) }, 'reading gateway state files failed'))]);
    this.warnUnknownGateways();
    const now = this.deps.clock.nowMs();
    if (now - this.lastVerifyMs >= VERIFY_EVERY_MS) {
      this.lastVerifyMs = now;
      try {
        this.deps.verify(await this.deps.netlink.dump());
      } catch (err) {
        this.deps.log.debug({ error: describeError(err) }, 'verifying kernel routes failed');
      }
    }
    if (this.running) this.deps.changed();
  }

  private async sampleTraffic(): Promise<void> {
    try {
      const links = await this.deps.netlink.getLinks();
      const now = this.deps.clock.nowMs();
      for (const l of this.deps.facts.all()) {
        const k = links.find((x) => x.name === l.cfg.interface);
        if (!k?.stats) continue;
        this.deps.facts.sampleTraffic(l.cfg.name, now, k.stats.rxBytes, k.stats.txBytes);
        this.deps.stats(l.cfg.name, l.cfg.interface, k.stats.rxBytes, k.stats.txBytes, l.ifindex);
      }
    } catch (err) {
      this.deps.log.debug({ error: describeError(err) }, 'reading link statistics failed');
    }
  }
}
