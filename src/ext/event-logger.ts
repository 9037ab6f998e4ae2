// Event logging as an extension: every record of the event ring becomes one log line at its level,
// and every switch the kernel acknowledged one `default route switched` line with its figures.
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { LogPort } from '../engine/ports.js';

export class EventLogger implements Extension {
  readonly name = 'event-logger';
  private offs: Array<() => void> = [];

  constructor(private readonly bus: EventBus, private readonly log: LogPort) {}

  async start(): Promise<void> {
    if (this.offs.length > 0) return;
    this.offs.push(this.bus.onKind('record', (e) => {
      // A switch has its own line below, with the figures.
      if (e.type !== 'switch') this.log[e.level]({ event: e.type, link: e.link }, e.message);
    }));
    // Every judged-state change (up/degraded/down) with its reason; degraded has no record of its own.
    this.offs.push(this.bus.onKind('link-state', (e) => {
      this.log.info({ link: e.link, family: e.family, from: e.from, to: e.to, reason: e.reason }, 'link state changed');
    }));
    this.offs.push(this.bus.onKind('switched', (e) => {
      this.log.warn({ family: e.family, from: e.from?.link ?? null, to: e.to.link, reason: e.detail ?? e.message, cause: e.reason,
        gateway: e.to.gateway ?? null, interface: e.to.interface, applyMs: e.applyMs }, 'default route switched');
    }));
    // What the kernel now carries (balancing: who joined or left the group, and the shares).
    this.offs.push(this.bus.onKind('carrying', (e) => {
      this.log.info({ family: e.family, started: e.started.map((x) => x.link), stopped: e.stopped.map((x) => x.link), shares: e.shares },
        'carrying links changed in the kernel');
    }));
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
  }
}
