// Starts and stops extensions in isolation. A start that fails is logged once per streak and
// retried with exponential backoff (bounded delay); stop errors are logged. Failover never waits
// on an extension: start() here does not await the extensions' own start.
import type { Clock, TimerHandle } from '../clock.js';
import { describeError } from '../errors.js';
import type { Extension } from './extension.js';

export interface HostLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
}

export const EXTENSION_BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 60_000 };

interface Slot {
  ext: Extension;
  running: boolean;
  attempts: number;
  timer: TimerHandle | null;
  starting: Promise<void> | null;
}

export class ExtensionHost {
  private readonly slots: Slot[] = [];
  private stopped = false;

  constructor(private readonly clock: Clock, private readonly log: HostLog,
    private readonly backoff: BackoffPolicy = EXTENSION_BACKOFF) {}

  add(ext: Extension): void {
    this.slots.push({ ext, running: false, attempts: 0, timer: null, starting: null });
  }

  /** Kicks off every extension's start; resolves when each has started or failed once. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.attempt(s)));
  }

  running(name: string): boolean {
    return this.slots.some((s) => s.ext.name === name && s.running);
  }

  private attempt(s: Slot): Promise<void> {
    if (this.stopped || s.running) return Promise.resolve();
    s.starting = s.ext.start().then(() => {
      s.running = true;
      if (s.attempts > 0) this.log.info({ extension: s.ext.name, attempts: s.attempts + 1 }, 'extension started after retries');
      s.attempts = 0;
    }, (err: unknown) => {
      if (s.attempts === 0) this.log.error({ extension: s.ext.name, error: describeError(err) }, 'extension failed to start; retrying with backoff');
      const delay = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(s.attempts, 20));
      s.attempts += 1;
      if (!this.stopped) s.timer = this.clock.setTimer(delay, () => { s.timer = null; void this.attempt(s); });
    }).finally(() => { s.starting = null; });
    return s.starting;
  }

  /**
   * Stops one extension (if it runs) and starts it again with a fresh backoff, e.g. to apply a
   * reloaded config. Resolves when it has started or failed once; failures retry as in start().
   */
  async restart(name: string): Promise<void> {
    const s = this.slots.find((x) => x.ext.name === name);
    if (s === undefined || this.stopped) return;
    if (s.starting) await s.starting.catch(() => undefined);
    if (s.timer) this.clock.clearTimer(s.timer);
    s.timer = null;
    if (s.running) {
      s.running = false;
      try {
        await s.ext.stop();
      } catch (err) {
        this.log.warn({ extension: s.ext.name, error: describeError(err) }, 'extension failed to stop cleanly');
      }
    }
    s.attempts = 0;
    await this.attempt(s);
  }

  /** Idempotent: stops in reverse order; errors are logged, never thrown. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of [...this.slots].reverse()) {
      if (s.timer) this.clock.clearTimer(s.timer);
      if (s.starting) await s.starting.catch(() => undefined);
      if (!s.running) continue;
      s.running = false;
      try {
        await s.ext.stop();
      } catch (err) {
        this.log.warn({ extension: s.ext.name, error: describeError(err) }, 'extension failed to stop cleanly');
      }
    }
  }
}
