// Wraps the NotifyPort handed to the Daemon so its STATUS= line carries a note from outside the
// failover core (e.g. "API off: api_key is still the example placeholder"), which
// `systemctl status wan-failover` then shows. refresh() re-sends when only the note changed.
import type { NotifyPort } from '../engine/ports.js';

export class StatusWithNote implements NotifyPort {
  private last: string | null = null;
  private sent: string | null = null;

  constructor(private readonly inner: NotifyPort, private readonly note: () => string | null) {}

  ready(): void {
    this.inner.ready();
  }

  stopping(): void {
    this.inner.stopping();
  }

  status(text: string): void {
    this.last = text;
    this.send();
  }

  /** Re-sends the last status with the current note (nothing before the first status). */
  refresh(): void {
    if (this.last !== null) this.send();
  }

  /** The text a status line goes out with (also for a caller without a daemon status yet). */
  compose(text: string): string {
    const n = this.note();
    return n === null ? text : `${text}; ${n}`;
  }

  private send(): void {
    const line = this.compose(this.last ?? '');
    if (line === this.sent) return;
    this.sent = line;
    this.inner.status(line);
  }
}
