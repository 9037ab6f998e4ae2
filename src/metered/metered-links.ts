// The metered links' part of the daemon (issue 24), behind one narrow seam: it counts their usage
// (MeteredUsage, an extension on the bus), puts each in standby or back to full rounds after every
// policy step (standby-schedule.ts), and adds its two inputs to the policy's facts view:
// awaitingProbe (no fresh full round since it left standby) and lastResort (cap reached).
import type { EventBus } from '../bus/event-bus.js';
import type { Clock } from '../clock.js';
import type { LinkConfig, MeteredConfig } from '../config/types.js';
import type { LogPort } from '../engine/ports.js';
import type { FactsView, PolicyState } from '../policy/types.js';
import { meteredLinkStatus, probingText, type MeteredLinkStatus } from './metered-status.js';
import { MeteredUsage } from './metered-usage.js';
import { standbyProbing } from './standby-schedule.js';
import type { UsageStore } from './usage-file.js';

export interface MeteredLinksDeps {
  bus: EventBus;
  clock: Clock;
  log: LogPort;
  store: UsageStore;
  links: readonly LinkConfig[];
  /** Puts a link's probes in standby (every `ms`, one target) or back to full rounds (null). */
  setStandby(link: string, ms: number | null): void;
  /** false with probe_interval: continuous probers keep their own schedule, there is no standby. */
  standbyApplies: boolean;
}

export class MeteredLinks {
  readonly usage: MeteredUsage;
  private readonly metered = new Map<string, MeteredConfig>();
  private readonly standby = new Set<string>();
  /** Links whose health a full round confirmed since they left standby. */
  private readonly confirmed = new Set<string>();

  private constructor(private readonly deps: MeteredLinksDeps) {
    for (const l of deps.links) if (l.metered) this.metered.set(l.name, l.metered);
    this.usage = new MeteredUsage({ bus: deps.bus, clock: deps.clock, log: deps.log, store: deps.store, links: deps.links });
  }

  /** null when no link is metered: the daemon then runs exactly as before. */
  static create(deps: MeteredLinksDeps): MeteredLinks | null {
    return deps.links.some((l) => l.metered) ? new MeteredLinks(deps) : null;
  }

  start(): Promise<void> {
    return this.usage.start();
  }

  stop(): Promise<void> {
    return this.usage.stop();
  }

  /** The policy's facts view with the metered inputs. */
  view(base: FactsView): FactsView {
    return (name) => {
      const f = base(name);
      if (!this.metered.has(name)) return f;
      return { ...f, awaitingProbe: !this.confirmed.has(name), lastResort: this.usage.view(name)?.capReached ?? false };
    };
  }

  /** After a policy step: each metered link in standby or at the normal rate. */
  update(families: ReadonlyArray<{ state: PolicyState; facts: FactsView }>): void {
    for (const [name, m] of this.metered) {
      const standby = this.deps.standbyApplies && standbyProbing(name, families);
      if (standby === this.standby.has(name)) continue;
      if (standby) {
        this.standby.add(name);
        this.confirmed.delete(name);
      } else {
        this.standby.delete(name);
      }
      this.deps.log.info({ link: name, standby }, standby ? `metered link to standby: ${probingText(true, m.standbyProbeIntervalMs)}`
        : 'metered link probed at the normal rate: it may be needed');
      this.deps.setStandby(name, standby ? m.standbyProbeIntervalMs : null);
    }
  }

  /** A round ended; a full one confirms the link. */
  onRound(link: string, standbyRound: boolean): void {
    if (!standbyRound && this.metered.has(link) && !this.standby.has(link)) this.confirmed.add(link);
  }

  status(link: string): MeteredLinkStatus | null {
    const m = this.metered.get(link);
    const u = this.usage.view(link);
    if (!m || !u) return null;
    return meteredLinkStatus(u, probingText(this.standby.has(link), m.standbyProbeIntervalMs));
  }
}
