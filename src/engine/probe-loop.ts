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
  /** `standby`: the round was a metered link's sparse standby probe (src/metered/), not a full round. */
  onRound(link: string, family: AddressFamily, result: CycleResult, standby: boolean): void;
  onOpenError(link: LinkConfig, family: AddressFamily, err: unknown): void;
}

interface Slot {
  link: LinkConfig;
  family: AddressFamily;
  prober: ProberPort | null;
  timer: TimerHandle | null;
  lastStartMs: number;
  inFlight: Promise<void> | null;
  /** Metered standby (issue 24): the interval between single-target probes; null = normal rounds. */
  standbyMs: number | null;
  /** Rotates the standby probe over the targets. */
  rotation: number;
  /** Woken while a round ran: the next round starts as soon as that one ends. */
  wakeNow: boolean;
  /** The round in flight is a standby probe: a full round may start beside it. */
  inFlightStandby: boolean;
}

export class ProbeLoop {
  private readonly slots: Slot[];
  private running = false;
  /** Monotonic ms of the last round that ended (or found nothing to probe): the watchdog's proof of progress. */
  lastProgressMs: number;

  constructor(links: readonly LinkConfig[], families: readonly AddressFamily[], private readonly deps: ProbeLoopDeps) {
    this.slots = links.flatMap((link) => families.map((family) => ({ link, family, prober: null, timer: null, lastStartMs: 0, inFlight: null,
      standbyMs: null, rotation: 0, wakeNow: false, inFlightStandby: false })));
    this.lastProgressMs = deps.clock.nowMs();
  }

  /**
   * (Re)opens the link's probers; `probeable: false` closes them (the interface is gone, or has no
   * carrier). `now`: the reopened probers' first round starts at once rather than at the next tick.
   */
  reset(link: string, probeable: boolean, now = false): void {
    for (const s of this.slots.filter((x) => x.link.name === link)) {
      s.prober?.close();
      s.prober = null;
      if (!probeable) continue;
      this.open(s);
      if (now) this.wake(s);
    }
  }

  /** The slot's next round starts as soon as it can: now, or when the one in flight ends. */
  private wake(s: Slot): void {
    if (!this.running) return;
    s.wakeNow = true;
    if (s.inFlight) return; // its end schedules the next round
    if (s.timer) this.deps.clock.clearTimer(s.timer);
    s.timer = null;
    this.schedule(s);
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

  /**
   * A metered link goes to standby (probed every `standbyMs`, one target per probe) or back to
   * normal rounds (null). Back to normal starts a full round at once: the failover onto the link
   * waits for its verdict (src/metered/standby-schedule.ts).
   */
  setStandby(link: string, standbyMs: number | null): void {
    for (const s of this.slots.filter((x) => x.link.name === link)) {
      const was = s.standbyMs;
      s.standbyMs = standbyMs;
      if (!this.running || was === standbyMs) continue;
      if (standbyMs !== null) {
        // Into standby: the next probe keeps the current round's schedule, at the sparse rate.
        if (s.timer) {
          this.deps.clock.clearTimer(s.timer);
          s.timer = null;
          this.schedule(s);
        }
        continue;
      }
      if (s.inFlight && s.inFlightStandby) {
        // The fresh full round starts now, beside the standby echo still out (schedule() keeps one timer).
        void this.round(s).finally(() => this.schedule(s));
      } else if (s.inFlight) {
        s.wakeNow = true; // the running round's end schedules the next one
      } else {
        this.wake(s);
      }
    }
  }

  /** The metered standby applies to rounds the loop paces (not a continuous prober's own schedule). */
  private inStandby(s: Slot): boolean {
    return s.standbyMs !== null && s.prober?.paced !== true;
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
    // One timer per slot: a full round that overtook a standby probe ends while the probe may
    // still be out, and both ends come here.
    if (s.timer) this.deps.clock.clearTimer(s.timer);
    s.timer = null;
    // A paced prober (continuous probing) keeps its own schedule: pull its next round at once.
    // Without a prober (interface gone) the loop waits an interval, never spins.
    const interval = s.prober?.paced === true ? 0 : this.inStandby(s) ? s.standbyMs as number : this.deps.intervalMs();
    const delay = s.wakeNow ? 0 : Math.max(0, s.lastStartMs + interval - this.deps.clock.nowMs());
    s.wakeNow = false;
    s.timer = this.deps.clock.setTimer(delay, () => {
      s.timer = null;
      void this.round(s).finally(() => this.schedule(s));
    });
  }

  private round(s: Slot): Promise<void> {
    if (s.inFlight && !(s.inFlightStandby && !this.inStandby(s))) return s.inFlight;
    s.lastStartMs = this.deps.clock.nowMs();
    const prober = s.prober;
    // Progress is the loop turning, not a link answering: with every interface gone or every socket
    // refused, a loop that still runs its rounds must keep the watchdog fed, or systemd would
    // restart a daemon that is only waiting for its links. Only a round that never ends starves it.
    if (prober === null) {
      this.lastProgressMs = s.lastStartMs;
      return Promise.resolve();
    }
    const standby = this.inStandby(s) && prober.runSingle !== undefined;
    const run = standby && prober.runSingle ? prober.runSingle(s.rotation++) : prober.runCycle(this.deps.gateway(s.link.name, s.family));
    const flight: Promise<void> = run.then((r) => {
      // A prober replaced meanwhile (new ifindex) speaks of the old interface: drop its verdict.
      if (this.running && s.prober === prober) this.deps.onRound(s.link.name, s.family, r, standby);
    }, (err: unknown) => {
      this.deps.onOpenError(s.link, s.family, new Error(`probe round failed: ${describeError(err)}`, { cause: err }));
    }).finally(() => {
      if (s.inFlight === flight) {
        s.inFlight = null;
        s.inFlightStandby = false;
      }
      this.lastProgressMs = this.deps.clock.nowMs();
    });
    s.inFlight = flight;
    s.inFlightStandby = standby;
    return flight;
  }
}
