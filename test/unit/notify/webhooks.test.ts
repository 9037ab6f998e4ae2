// Webhooks against a local HTTP server on 127.0.0.1: the JSON body and headers arrive, 5xx is
// retried with backoff and then succeeds, 4xx is not retried, and no log line shows a header value
// or the URL's path (which may hold a token).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { DaemonEvent } from '../../../src/bus/events.js';
import { systemClock } from '../../../src/clock.js';
import type { WebhookConfig } from '../../../src/config/notify.js';
import { fetchPost } from '../../../src/notify/webhook-post.js';
import { WebhooksExtension } from '../../../src/notify/webhooks-extension.js';
import { MemoryLog } from '../engine/fakes.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';

interface Seen { headers: IncomingMessage['headers']; body: Record<string, unknown>; url: string }

async function server(answer: (n: number) => number): Promise<{ srv: Server; base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown>, url: req.url ?? '' });
      res.statusCode = answer(seen.length);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { srv, base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen };
}

const allDown: DaemonEvent = { kind: 'all-down', down: true, timeMs: Date.UTC(2025, 0, 1) };

function hook(url: string, over: Partial<WebhookConfig> = {}): WebhookConfig {
  return { url, headers: { 'X-Token': 'SECRET-VALUE' }, events: ['all_down', 'switch'], timeoutMs: 2000, retries: 3, fields: { chat_id: 42 }, ...over };
}

test('delivers the event as JSON with headers and fields; retries 5xx with backoff; never logs secrets', async () => {
  const { srv, base, seen } = await server((n) => (n < 3 ? 503 : 200));
  const log = new MemoryLog();
  const bus = new SyncEventBus({ warn: () => undefined });
  const ext = new WebhooksExtension({ bus, webhooks: [hook(`${base}/botTOKEN123/sendMessage`)], post: fetchPost, clock: systemClock, log,
    backoff: { firstMs: 20, maxMs: 100 } });
  try {
    await ext.start();
    bus.publish(allDown);
    await ext.idle();
    assert.equal(seen.length, 3);
    assert.equal(seen[0]!.headers['x-token'], 'SECRET-VALUE');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.equal(seen[0]!.url, '/botTOKEN123/sendMessage');
    const b = seen[2]!.body;
    assert.equal(b['event'], 'all_down');
    assert.equal(b['chat_id'], 42);
    assert.equal(b['text'], 'All WAN links are down');
    assert.equal(b['time'], '2025-01-01T00:00:00.000Z');
    assert.ok(log.lines.some((l) => l.msg === 'webhook delivered after retries' && (l.obj as { attempt: number }).attempt === 3));
    const logged = JSON.stringify(log.lines);
    assert.ok(!logged.includes('SECRET-VALUE') && !logged.includes('TOKEN123'), logged);
  } finally {
    await ext.stop();
    srv.close();
  }
});

test('a 4xx is not retried; events it does not want are not sent; retries are bounded', async () => {
  const { srv, base, seen } = await server(() => 400);
  const { srv: srv2, base: base2, seen: seen2 } = await server(() => 500);
  const log = new MemoryLog();
  const bus = new SyncEventBus({ warn: () => undefined });
  const ext = new WebhooksExtension({ bus, post: fetchPost, clock: systemClock, log, backoff: { firstMs: 10, maxMs: 20 },
    webhooks: [hook(`${base}/`), hook(`${base2}/`, { retries: 2 }), hook(`${base}/x`, { events: ['degraded'] })] });
  try {
    await ext.start();
    bus.publish(allDown);
    await ext.idle();
    assert.equal(seen.length, 1);
    assert.equal(seen2.length, 3);
    assert.ok(log.lines.some((l) => l.msg === 'webhook refused the event; not retried'));
    assert.ok(log.lines.some((l) => l.msg === 'webhook delivery failed; giving up on this event'));
  } finally {
    await ext.stop();
    srv.close();
    srv2.close();
  }
});

test('stopped during a retry backoff: no further post from the stopped extension', async () => {
  const clock = new FakeClock();
  const posts: string[] = [];
  const bus = new SyncEventBus({ warn: () => undefined });
  const ext = new WebhooksExtension({ bus, webhooks: [hook('http://127.0.0.1:9/h')], clock, log: new MemoryLog(),
    post: async (url) => { posts.push(url); return { status: 503, error: null }; }, backoff: { firstMs: 1000, maxMs: 1000 } });
  await ext.start();
  bus.publish(allDown);
  await flushMicrotasks();
  assert.equal(posts.length, 1, 'the first attempt went out');
  await ext.stop();
  clock.advance(5000);
  await flushMicrotasks();
  await ext.idle();
  assert.equal(posts.length, 1, 'nothing posted after stop');
});
