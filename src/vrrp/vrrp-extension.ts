// The VRRP track-file extension (issue 25): keeps keepalived's track file equal to the weight of
// this router's WAN health (weight.ts), so keepalived moves the LAN's gateway address to the peer
// when every link here is down. It only listens on the bus: the daemon's own state never depends
// on keepalived, and a failing write is logged once per streak and retried with backoff, never
// awaited by failover. On stop the file stays as it is (like the default route).
import type { Clock } from '../clock.js';
import type { EventBus } from '../bus/event-bus.js';
import type { BackoffPolicy } from '../bus/extension-host.js';
import type { Extension } from '../bus/extension.js';
import { TurnWriter } from '../bus/turn-writer.js';
import type { VrrpConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { trackWeight, type WeightInput } from './weight.js';
import { writeFileAtomically, type WriteFileAtomically } from '../atomic-file.js';

export interface VrrpLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface VrrpDeps {
  bus: EventBus;
  /** The daemon's status (EngineStatus fits): read when a link's state or all-down changes. */
  status(): WeightInput;
  config: VrrpConfig;
  clock: Clock;
  log: VrrpLog;
  /** Injected by tests; default write + rename. */
  write?: WriteFileAtomically;
  backoff?: BackoffPolicy;
}

export const VRRP_BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 60_000 };

export class VrrpExtension implements Extension {
  readonly name = 'vrrp';
  /** The value the file holds (null: not written by this run). */
  private written: number | null = null;
  private running = false;
  private readonly turns: TurnWriter;

  constructor(private readonly deps: VrrpDeps) {
    this.turns = new TurnWriter(deps.clock, deps.backoff ?? VRRP_BACKOFF, () => this.sync());
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // One write per engine step: a step publishes link-state, all-down and status-changed in one
    // synchronous burst; the microtask runs right after it, still in the same turn.
    this.turns.start((changed) => [this.deps.bus.onKind('link-state', changed), this.deps.bus.onKind('all-down', changed)]);
    this.sync();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.turns.stop();
  }

  /** The value this run last wrote, null before the first write (for tests and status). */
  get value(): number | null {
    return this.written;
  }

  /** Runs outside the bus's own isolation (a microtask, a timer): nothing may escape it. */
  private sync(): void {
    if (!this.running) return;
    const { trackFile } = this.deps.config;
    let want: number | null;
    try {
      want = trackWeight(this.deps.status(), this.deps.config);
      if (want === null) return;
      if (want === this.written) {
        // A failed write left the old file in place (rename is all or nothing): it holds `want` again.
        if (this.turns.failing > 0) this.recovered(trackFile, want);
        return;
      }
      (this.deps.write ?? writeFileAtomically)(trackFile, `${want}\n`);
    } catch (err) {
      if (this.turns.failing === 0) {
        this.deps.log.warn({ file: trackFile, error: describeError(err) }, 'vrrp: cannot update the track file; retrying with backoff');
      }
      this.turns.failed();
      return;
    }
    if (this.turns.failing > 0) this.recovered(trackFile, want);
    else this.deps.log.info({ file: trackFile, weight: want, before: this.written }, 'vrrp: track file weight set');
    this.written = want;
  }

  private recovered(file: string, weight: number): void {
    this.deps.log.info({ file, weight, attempts: this.turns.failing + 1 }, 'vrrp: track file written again');
    this.turns.succeeded();
  }
}
