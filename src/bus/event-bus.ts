// A synchronous, in-process event bus. Listeners run in publish order; a listener that throws is
// logged (once per streak) and isolated, so no consumer can stop the failover core that publishes.
import { describeError } from '../errors.js';
import type { DaemonEvent, DaemonEventKind, EventOf } from './events.js';

export interface BusLog {
  warn(obj: object, msg: string): void;
}

export type Listener = (e: DaemonEvent) => void;

export interface EventBus {
  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: Listener): () => void;
  /** Subscribes to one kind of event. */
  onKind<K extends DaemonEventKind>(kind: K, listener: (e: EventOf<K>) => void): () => void;
  publish(e: DaemonEvent): void;
}

export class SyncEventBus implements EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly failing = new WeakSet<Listener>();

  constructor(private readonly log: BusLog) {}

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  onKind<K extends DaemonEventKind>(kind: K, listener: (e: EventOf<K>) => void): () => void {
    return this.on((e) => { if (e.kind === kind) listener(e as EventOf<K>); });
  }

  publish(e: DaemonEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
        this.failing.delete(l);
      } catch (err) {
        if (!this.failing.has(l)) this.log.warn({ event: e.kind, error: describeError(err) }, 'event listener failed; isolated');
        this.failing.add(l);
      }
    }
  }
}
