// The only importer of `mqtt` (MQTT.js): one broker connection behind a small typed interface, so the
// extension is tested with a fake. MQTT.js reconnects by itself every `reconnectPeriod` ms; we grow
// that period after each failed attempt (doubling, bounded) and reset it on a successful connect, so
// a broker that is down for hours costs one attempt a minute, not one a second.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { describeError } from '../errors.js';

export type Qos = 0 | 1;

/** The delay before the next attempt after one failed with `currentMs`: doubled, at least `firstMs`,
 *  at most `maxMs`. Pure, so the rule is tested without a broker or a clock. */
export function nextReconnectMs(currentMs: number, bounds: { firstMs: number; maxMs: number }): number {
  return Math.min(bounds.maxMs, Math.max(bounds.firstMs, currentMs * 2));
}

export interface MqttMessageOptions {
  retain: boolean;
  qos: Qos;
}

export interface MqttConnectOptions {
  /** mqtt://host:port or mqtts://host:port. */
  url: string;
  clientId: string;
  username: string | null;
  password: string | null;
  /** PEM file paths for mqtts (read at connect). */
  ca: string | null;
  cert: string | null;
  key: string | null;
  /** The broker publishes this if we vanish without a DISCONNECT (MQTT 3.1.1 section 3.1.2.5). */
  will: { topic: string; payload: string } & MqttMessageOptions;
  reconnect: { firstMs: number; maxMs: number };
  /** Connect over this Unix socket instead of TCP (tests reach a broker in another network namespace). */
  socketPath?: string;
}

export interface MqttHandlers {
  /** A CONNACK arrived: the session is up (again). */
  onConnect(): void;
  /** The connection closed or an attempt failed; `error` is what the last error said, if anything. */
  onDisconnect(error: string | null): void;
  onMessage(topic: string, payload: Buffer, retained: boolean): void;
}

export interface MqttConnection {
  connected(): boolean;
  publish(topic: string, payload: string, opts: MqttMessageOptions): Promise<void>;
  subscribe(topics: readonly string[]): Promise<void>;
  /** Closes the connection (sending DISCONNECT if connected, so no last will) and stops reconnecting. */
  end(): Promise<void>;
}

export type MqttConnect = (opts: MqttConnectOptions, handlers: MqttHandlers) => MqttConnection;

const CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_S = 30;

/** Never throws on a dead broker: the first attempt runs in the background and failures retry. */
export const connectMqtt: MqttConnect = (opts, handlers) => {
  const file = (path: string | null): Buffer | undefined => (path === null ? undefined : readFileSync(path));
  const options: mqtt.IClientOptions = {
    clientId: opts.clientId,
    ...(opts.username !== null ? { username: opts.username } : {}),
    ...(opts.password !== null ? { password: opts.password } : {}),
    ca: file(opts.ca),
    cert: file(opts.cert),
    key: file(opts.key),
    will: { topic: opts.will.topic, payload: Buffer.from(opts.will.payload), retain: opts.will.retain, qos: opts.will.qos },
    clean: true,
    keepalive: KEEPALIVE_S,
    connectTimeout: CONNECT_TIMEOUT_MS,
    reconnectPeriod: opts.reconnect.firstMs,
    // While the broker is away nothing queues up: on every connect the extension republishes the
    // whole state, so a long outage costs no memory.
    queueQoSZero: false,
    resubscribe: true,
    // A refused CONNECT (bad password, ACL) may be fixed on the broker side while we run: keep
    // retrying with the same growing delay instead of giving up (MQTT.js's default).
    reconnectOnConnackError: true,
    ...(opts.socketPath !== undefined ? { path: opts.socketPath } : {}),
  };
  const client = opts.socketPath !== undefined
    ? mqtt.connect({ ...options, protocol: 'mqtt', unixSocket: true })
    : mqtt.connect(opts.url, options);
  let lastError: string | null = null;
  // An 'error' without a listener would throw out of the EventEmitter and end the daemon.
  client.on('error', (err) => { lastError = describeError(err); });
  client.on('connect', () => {
    lastError = null;
    client.options.reconnectPeriod = opts.reconnect.firstMs;
    handlers.onConnect();
  });
  client.on('close', () => {
    // MQTT.js reads options.reconnectPeriod when it schedules the next attempt (client.ts _setupReconnect).
    client.options.reconnectPeriod = nextReconnectMs(client.options.reconnectPeriod ?? opts.reconnect.firstMs, opts.reconnect);
    handlers.onDisconnect(lastError);
  });
  client.on('message', (topic, payload, packet) => handlers.onMessage(topic, payload, packet.retain === true));

  return {
    connected: () => client.connected,
    publish: (topic, payload, o) => new Promise<void>((resolve, reject) => {
      client.publish(topic, payload, { retain: o.retain, qos: o.qos }, (err) => (err ? reject(err) : resolve()));
    }),
    subscribe: (topics) => new Promise<void>((resolve, reject) => {
      client.subscribe([...topics], { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    }),
    end: () => new Promise<void>((resolve) => {
      // Not connected: nothing to flush, so do not wait on a socket that may never open.
      client.end(!client.connected, {}, () => resolve());
    }),
  };
};
