// Runs each link's probe rounds on its own schedule: a round starts every check_interval (or right
// after the previous one when it took longer: rounds never overlap), and its result goes to the
// policy as soon as that link's round ends, not after the other links' rounds or any bookkeeping.
// It owns the probers: opened when the interface appears, re-opened for a new ifindex, closed at stop.
import type { AddressFamily } from '../bus/events.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { LinkConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { CycleResult, ProbeStats } from '../probe/types.js';
import type { ProberPort } from './ports.js';

export interface ProbeLoopDeps {
  clock: Clock;
  /** Opens a link's prober (the daemon hands the factory its running config). */
  newProber(link: LinkConfig, family: AddressFamily): ProberPort;
  intervalMs(): number;
  /** The gateway to probe as the diagnostic, or null. */
  gateway(link: string, family: AddressFamily): string | null;
  onRound(link: string, family: AddressFamily, result: CycleResult): void;
  onOpenError(link: LinkConfig, family: AddressFamily, err: unknown): void;
}

interface Slot {
  link: LinkConfig;
  family: AddressFamily;
  prober: ProberPort | null;
  timer: TimerHandle | null;
  lastStartMs: number;
  inFlight: Promise<void> | null;
}

export class ProbeLoop {
  private readonly slots: Slot[];
  private running = false;
  /** Monotonic ms of the last round that ended (or found nothing to probe): the watchdog's proof of progress. */
  lastProgressMs: number;

  constructor(links: readonly LinkConfig[], families: readonly AddressFamily[], private readonly deps: ProbeLoopDeps) {
    this.slots = links.flatMap((link) => families.map((family) => ({ link, family, prober: null, timer: null, lastStartMs: 0, inFlight: null })));
    this.lastProgressMs = deps.clock.nowMs();
  }

  /** (Re)opens the link's probers; `present: false` closes them (the interface is gone). */
  reset(link: string, present: boolean): void {
    for (const s of this.slots.filter((x) => x.link.name === link)) {
      s.prober?.close();
      s.prober = null;
      if (present) this.open(s);
    }
  }

  /** Runs one round of every link at once (start-up: READY after the first verdicts), then schedules. */
  async start(): Promise<void> {
    this.running = true;
    await Promise.all(this.slots.map((s) => this.round(s)));
    for (const s of this.slots) this.schedule(s);
  }

  stop(): void {
    this.running = false;
    for (const s of this.slots) {
      if (s.timer) this.deps.clock.clearTimer(s.timer);
      s.timer = null;
      s.prober?.close();
      s.prober = null;
    }
  }

  stats(link: string, family: AddressFamily = 'ipv4'): ProbeStats | null {
    return this.slots.find((s) => s.link.name === link && s.family === family)?.prober?.stats() ?? null;
  }

  /** A config reload: targets and probe settings change in place. */
  reconfigure(targets: (family: AddressFamily) => string[], opts: Parameters<ProberPort['setOptions']>[0]): void {
    for (const s of this.slots) {
      s.prober?.setTargets(targets(s.family));
      s.prober?.setOptions(opts);
    }
  }

  private open(s: Slot): void {
    if (!this.running && s.prober !== null) return;
    try {
      s.prober = this.deps.newProber(s.link, s.family);
    } catch (err) {
      this.deps.onOpenError(s.link, s.family, err);
    }
  }

  /** Opens the probers of the links that are present (called once the facts are known). */
  openPresent(present: (link: string) => boolean): void {
    for (const s of this.slots) if (s.prober === null && present(s.link.name)) this.open(s);
  }

  private schedule(s: Slot): void {
    if (!this.running) return;
    // A paced prober (continuous probing) keeps its own schedule: pull its next round at once.
    // Without a prober (interface gone) the loop waits an interval, never spins.
    const interval = s.prober?.paced === true ? 0 : this.deps.intervalMs();
    const delay = Math.max(0, s.lastStartMs + interval - this.deps.clock.nowMs());
    s.timer = this.deps.clock.setTimer(delay, () => {
      s.timer = null;
      void this.round(s).finally(() => this.schedule(s));
    });
  }

  private round(s: Slot): Promise<void> {
    if (s.inFlight) return s.inFlight;
    s.lastStartMs = this.deps.clock.nowMs();
    const prober = s.prober;
    // Progress is the loop turning, not a link answering: with every interface gone or every socket
    // refused, a loop that still runs its rounds must keep the watchdog fed, or systemd would
    // restart a daemon that is only waiting for its links. Only a round that never ends starves it.
    if (prober === null) {
      this.lastProgressMs = s.lastStartMs;
      return Promise.resolve();
    }
    s.inFlight = prober.runCycle(this.deps.gateway(s.link.name, s.family)).then((r) => {
      // A prober replaced meanwhile (new ifindex) speaks of the old interface: drop its verdict.
      if (this.running && s.prober === prober) this.deps.onRound(s.link.name, s.family, r);
    }, (err: unknown) => {
      this.deps.onOpenError(s.link, s.family, new Error(`probe round failed: ${describeError(err)}`, { cause: err }));
    }).finally(() => {
      s.inFlight = null;
      this.lastProgressMs = this.deps.clock.nowMs();
    });
    return s.inFlight;
  }
}
