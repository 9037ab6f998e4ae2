// The bounded ring of typed events the status API shows (the seed keeps the last 100): an
// extension that listens to the bus's `record` events.
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { EngineEvent } from '../engine/types.js';

export class EventRing implements Extension {
  readonly name = 'event-ring';
  private readonly items: EngineEvent[] = [];
  private off: (() => void) | null = null;

  constructor(private readonly bus: EventBus, private readonly capacity = 100) {}

  async start(): Promise<void> {
    this.off ??= this.bus.onKind('record', (e) => this.push({ timeMs: e.timeMs, type: e.type, message: e.message, link: e.link }));
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
  }

  push(e: EngineEvent): void {
    this.items.push(e);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Oldest first. */
  list(): EngineEvent[] {
    return this.items.slice();
  }
}
