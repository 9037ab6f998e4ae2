// Whenever a link stops carrying the default route (a switch; with balancing, a link leaving the
// group: the `carrying` event), deletes the conntrack entries NATed to that link only (a link that
// keeps carrying loses nothing),
// so each flow's next packet creates a new entry and is NATed to the new link. Without this, a
// flow behind `snat to <address of the old link>` keeps its mapping and keeps leaving the new link
// with the old link's source address, which the new ISP drops (BCP38) until the flow goes quiet
// for the conntrack timeout; a flow that keeps sending never recovers.
//
// The flush starts in the same turn as the `carrying` event (published once the kernel took the
// new route) and never blocks it: the bus listener only kicks off a promise. Flushes run one at a
// time (one dump at a time per netlink socket); failures are logged once per failure streak, and
// a kernel without conntrack is logged once, not at every switch.
import type { Clock } from '../clock.js';
import type { AddressFamily, EventOf } from '../bus/events.js';
import type { EventBus, Extension } from '../bus/extension.js';
import type { ConntrackFlushMode } from '../config/types.js';
import { describeError } from '../errors.js';
import { errnoOf } from '../netlink/netlink-error.js';
import { UNAVAILABLE_ERRNOS, type ConntrackPort } from './conntrack-port.js';
import { flushNat, type FlushResult } from './flush-nat.js';

export interface ConntrackLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface ConntrackExtensionDeps {
  bus: EventBus;
  clock: Clock;
  log: ConntrackLog;
  /** Opens ctnetlink (lazily, at the first flush; again after a failure closed it). */
  openPort: () => ConntrackPort;
  /** The flush mode of a link, read at each switch (so a reload applies). */
  modeOf: (link: string) => ConntrackFlushMode;
}

type Carrying = EventOf<'carrying'>;

export class ConntrackExtension implements Extension {
  readonly name = 'conntrack';
  private port: ConntrackPort | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Tail of the flush chain: flushes run one after another. */
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private unavailableLogged = false;
  private failing = false;

  constructor(private readonly deps: ConntrackExtensionDeps) {}

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.bus.onKind('carrying', (e) => this.onCarrying(e));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.chain;
    this.port?.close();
    this.port = null;
  }

  /** Resolves when every flush started so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private onCarrying(e: Carrying): void {
    for (const from of e.stopped) {
      if (this.deps.modeOf(from.link) === 'never') continue;
      if (from.addresses.length === 0) {
        this.deps.log.debug({ link: from.link, family: e.family }, 'conntrack flush skipped: the old link had no address');
        continue;
      }
      const run = (): Promise<void> => this.flush(e.family, from.link, from.interface, from.addresses);
      // Started synchronously (its dump request is sent before this listener returns) when no flush
      // is running; otherwise right after the running one.
      const started = this.pending === 0 ? run() : this.chain.then(run, run);
      this.pending += 1;
      this.chain = started.finally(() => { this.pending -= 1; });
    }
  }

  private async flush(family: AddressFamily, link: string, iface: string, addresses: readonly string[]): Promise<void> {
    let result: FlushResult;
    try {
      this.port ??= this.deps.openPort();
      result = await flushNat(this.port, this.deps.clock, family, addresses);
    } catch (err) {
      this.failed(err, link, family);
      return;
    }
    if (this.failing || this.unavailableLogged) {
      this.deps.log.info({ link, family }, 'conntrack flush works again');
    }
    this.failing = false;
    this.unavailableLogged = false;
    const durationMs = Math.round(result.durationMs * 1000) / 1000;
    this.deps.log.info({ link, interface: iface, family, entries: result.deleted, gone: result.gone, listed: result.listed, passes: result.passes, durationMs },
      'conntrack entries NATed to the old link flushed');
    this.deps.bus.publish({ kind: 'conntrack-flushed', link, interface: iface, family, entries: result.deleted, durationMs,
      timeMs: this.deps.clock.wallMs() });
  }

  private failed(err: unknown, link: string, family: AddressFamily): void {
    // A fresh socket next time: a timed-out dump may have left this one mid-dump (EBUSY).
    this.port?.close();
    this.port = null;
    const errno = errnoOf(err);
    if (errno !== null && UNAVAILABLE_ERRNOS.has(errno)) {
      if (!this.unavailableLogged) {
        this.deps.log.info({ link, family, errno },
          'no conntrack in this kernel or namespace (module not loaded?): nothing to flush; not logged again until it appears');
      }
      this.unavailableLogged = true;
      return;
    }
    if (!this.failing) this.deps.log.warn({ link, family, error: describeError(err) }, 'conntrack flush failed; failover is not affected, next switch retries');
    this.failing = true;
  }
}
