// Records what a broker carries (for tests and the bench), through the daemon's own MQTT adapter
// over the broker's Unix socket, with arrival times, and waits (bounded) for a message.
import { performance } from 'node:perf_hooks';
import { connectMqtt, type MqttConnection } from '../src/mqtt/mqtt-client.js';

export interface Seen {
  topic: string;
  payload: string;
  retained: boolean;
  /** performance.now() at arrival (same clock as other readings in this process). */
  atMs: number;
}

export interface MqttWatch {
  readonly seen: Seen[];
  readonly conn: MqttConnection;
  /** Resolves with the first message (already seen at or after `fromIndex`, or future) matching pred. */
  waitFor(what: string, pred: (m: Seen) => boolean, timeoutMs: number, fromIndex?: number): Promise<Seen>;
  last(topic: string): Seen | undefined;
  publish(topic: string, payload: string, retain?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function watchBroker(socketPath: string, topics: readonly string[], auth: { username: string; password: string } | null = null): Promise<MqttWatch> {
  const seen: Seen[] = [];
  const waiters = new Set<() => void>();
  let onUp: (() => void) | null = null;
  const up = new Promise<void>((resolve) => { onUp = resolve; });
  const conn = connectMqtt({
    url: 'mqtt://unix', clientId: `watch-${process.pid}-${Math.floor(Math.random() * 1e6)}`,
    username: auth?.username ?? null, password: auth?.password ?? null, ca: null, cert: null, key: null,
    will: { topic: 'wf-test/watch-gone', payload: 'x', retain: false, qos: 0 },
    reconnect: { firstMs: 100, maxMs: 500 }, socketPath,
  }, {
    onConnect: () => {
      conn.subscribe(topics).then(() => onUp?.(), () => undefined);
    },
    onDisconnect: () => undefined,
    onMessage: (topic, payload, retained) => {
      seen.push({ topic, payload: payload.toString('utf8'), retained, atMs: performance.now() });
      for (const w of [...waiters]) w();
    },
  });
  await Promise.race([up, new Promise((_, reject) => setTimeout(() => reject(new Error('watcher did not connect within 5 s')), 5000).unref())]);
  return {
    seen,
    conn,
    waitFor: (what, pred, timeoutMs, fromIndex = 0) => new Promise<Seen>((resolve, reject) => {
      const check = (): boolean => {
        const m = seen.slice(fromIndex).find(pred);
        if (!m) return false;
        waiters.delete(check);
        clearTimeout(t);
        resolve(m);
        return true;
      };
      const t = setTimeout(() => {
        waiters.delete(check);
        const tail = seen.slice(-5).map((m) => `${m.topic}=${m.payload.slice(0, 60)}`).join(' | ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${tail}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    }),
    last: (topic) => [...seen].reverse().find((m) => m.topic === topic),
    publish: (topic, payload, retain = false) => conn.publish(topic, payload, { retain, qos: 1 }),
    close: () => conn.end(),
  };
}
