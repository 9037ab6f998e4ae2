// Extensions: outputs on the event bus (API, sd_notify, event ring, conntrack flush, MQTT,
// metrics, hooks). Constructors only assign; start()/stop() are async and stop() is idempotent.
// As zigbee2mqtt's controller does, a failing extension is logged and isolated, never fatal.
import type { EventBus } from './event-bus.js';

export interface Extension {
  /** Short name for log lines ("api", "mqtt", "metrics"). */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type { EventBus };
