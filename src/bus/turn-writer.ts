// The schedule of an extension that keeps a file in step with the daemon's state (the VRRP track
// file, the resolv file): one attempt per engine step, a microtask after the step's synchronous
// burst of bus events (still the same turn, after the events' own listeners), and after a failed
// attempt one retry timer at a time, 1x, 2x, 4x ... firstMs up to maxMs (bounded backoff, never a
// hot loop). It also holds the bus subscriptions that ask for attempts, so start and stop are one
// call each. What an attempt does, and what is logged, stays the extension's.
import type { Clock, TimerHandle } from '../clock.js';
import type { BackoffPolicy } from './extension-host.js';

export class TurnWriter {
  private queued = false;
  private retry: TimerHandle | null = null;
  private failures = 0;
  private stopped = false;
  private offs: Array<() => void> = [];

  constructor(private readonly clock: Clock, private readonly backoff: BackoffPolicy, private readonly attempt: () => void) {}

  /** Failed attempts in the current streak (0: none). */
  get failing(): number {
    return this.failures;
  }

  /** One attempt after the current synchronous burst; several calls in one burst make one attempt. */
  soon(): void {
    if (this.queued || this.stopped) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.stopped) this.attempt();
    });
  }

  /** The attempt failed: another one after the backoff (one timer at a time). */
  failed(): void {
    this.failures += 1;
    if (this.retry || this.stopped) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(this.failures - 1, 20));
    this.retry = this.clock.setTimer(delay, () => {
      this.retry = null;
      if (!this.stopped) this.attempt();
    });
  }

  /** The attempt worked (or had nothing to do): the streak is over. */
  succeeded(): void {
    this.failures = 0;
    this.clearRetry();
  }

  /**
   * Starts (also again after stop(): an extension restarted by its host): `subscribe` returns the
   * bus subscriptions whose events each ask for an attempt (`soon`); stop() ends them.
   */
  start(subscribe: (soon: () => void) => Array<() => void>): void {
    this.stopped = false;
    for (const off of this.offs) off();
    this.offs = subscribe(() => this.soon());
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs) off();
    this.offs = [];
    this.clearRetry();
  }

  private clearRetry(): void {
    if (this.retry) this.clock.clearTimer(this.retry);
    this.retry = null;
  }
}
