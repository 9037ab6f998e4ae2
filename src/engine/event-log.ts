// The bounded ring of typed events the status API shows (the seed keeps the last 100).
import type { EngineEvent } from './types.js';

export class EventLog {
  private readonly items: EngineEvent[] = [];

  constructor(private readonly capacity = 100) {}

  push(e: EngineEvent): void {
    this.items.push(e);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Oldest first. */
  list(): EngineEvent[] {
    return this.items.slice();
  }
}
