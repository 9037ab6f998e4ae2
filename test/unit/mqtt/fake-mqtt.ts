// A hand-driven MQTT connection for the extension tests: records what is published and subscribed,
// and lets a test connect, drop and deliver messages as a broker would.
import type { MqttConnect, MqttConnectOptions, MqttConnection, MqttHandlers, MqttMessageOptions } from '../../../src/mqtt/mqtt-client.js';

export interface Published {
  topic: string;
  payload: string;
  opts: MqttMessageOptions;
}

export class FakeBroker {
  options: MqttConnectOptions | null = null;
  handlers: MqttHandlers | null = null;
  isConnected = false;
  ended = false;
  published: Published[] = [];
  subscribed: string[] = [];
  /** Next publish rejects with this. */
  failPublish: Error | null = null;

  readonly connect: MqttConnect = (opts, handlers) => {
    this.options = opts;
    this.handlers = handlers;
    const conn: MqttConnection = {
      connected: () => this.isConnected,
      publish: async (topic, payload, o) => {
        const err = this.failPublish;
        this.failPublish = null;
        if (err) throw err;
        this.published.push({ topic, payload, opts: o });
      },
      subscribe: async (topics) => { this.subscribed.push(...topics); },
      end: async () => { this.ended = true; this.isConnected = false; },
    };
    return conn;
  };

  up(): void {
    this.isConnected = true;
    this.handlers!.onConnect();
  }

  down(error: string | null = 'ECONNREFUSED'): void {
    this.isConnected = false;
    this.handlers!.onDisconnect(error);
  }

  deliver(topic: string, payload: string): void {
    this.handlers!.onMessage(topic, Buffer.from(payload), false);
  }

  /** Last payload published on a topic, or undefined. */
  last(topic: string): string | undefined {
    for (let i = this.published.length - 1; i >= 0; i--) if (this.published[i]!.topic === topic) return this.published[i]!.payload;
    return undefined;
  }

  on(topic: string): Published[] {
    return this.published.filter((p) => p.topic === topic);
  }

  clear(): void {
    this.published = [];
  }
}
