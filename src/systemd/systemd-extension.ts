// sd_notify as an extension on the bus: a STATUS= line each time the daemon's one-line summary
// (or the note beside it) changes, STOPPING=1 when it stops. READY and the watchdog stay with the
// composition root: READY waits for the API's first attempt, the watchdog is fed by the probe
// loop's progress. The note comes from outside the failover core (the API's "API off: api_key is
// still the example placeholder") so `systemctl status wan-failover` shows it.
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { Notifier } from './sd-notify.js';

export const SYSTEMD_EXTENSION = 'systemd';

export interface SystemdExtensionDeps {
  bus: EventBus;
  notifier: Pick<Notifier, 'enabled' | 'status' | 'stopping'>;
  /** The daemon's one-line status (engine/status.ts summary()), read on each `status-changed`. */
  summary: () => string;
  /** A note appended to the line ("; API off: ..."), or null. */
  note: () => string | null;
}

export class SystemdExtension implements Extension {
  readonly name = SYSTEMD_EXTENSION;
  private off: (() => void) | null = null;
  /** The last summary read (null before start). */
  private summary: string | null = null;
  /** The last line sent, so an unchanged line is not sent again. */
  private sent: string | null = null;

  constructor(private readonly deps: SystemdExtensionDeps) {}

  async start(): Promise<void> {
    // Outside systemd every send is a no-op: not even the summary is built then.
    if (this.off !== null || !this.deps.notifier.enabled) return;
    this.off = this.deps.bus.onKind('status-changed', () => this.update());
    // Started after the daemon (main.ts): its status so far goes out now.
    this.update();
  }

  /** Re-sends the last status with the current note (nothing before start). */
  refresh(): void {
    if (this.summary !== null) this.send();
  }

  /** STOPPING=1, once. */
  async stop(): Promise<void> {
    if (this.off === null) return;
    this.off();
    this.off = null;
    this.deps.notifier.stopping();
  }

  private update(): void {
    this.summary = this.deps.summary();
    this.send();
  }

  private send(): void {
    if (this.off === null || this.summary === null) return;
    const note = this.deps.note();
    const line = note === null ? this.summary : `${this.summary}; ${note}`;
    if (line === this.sent) return;
    this.sent = line;
    this.deps.notifier.status(line);
  }
}
