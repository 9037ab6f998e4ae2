// Webhooks: the event as a JSON POST to each configured endpoint that wants it. Per endpoint one
// delivery at a time in event order (bounded queue); a failed attempt (no answer, timeout, 5xx,
// 429) is retried with exponential backoff up to `retries` times. Nothing here is awaited by the
// bus, so a dead endpoint never delays failover. Logs name the endpoint by origin only (a path
// may hold a token, as Telegram's /bot<token>/ does) and never show header values.
import type { Clock } from '../clock.js';
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { WebhookConfig } from '../config/notify.js';
import type { NotifyLog } from './hooks-extension.js';
import { toNotifyEvent, webhookBody, type NotifyEvent } from './notify-event.js';
import type { Poster } from './webhook-post.js';
import { SerialQueue } from './serial-queue.js';

export const WEBHOOK_QUEUE_LIMIT = 64;
export const WEBHOOK_BACKOFF = { firstMs: 1_000, maxMs: 30_000 };

/** scheme://host:port of a URL, for logs. */
export function endpointName(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

const retryable = (status: number | null): boolean => status === null || status === 429 || status >= 500;

interface Endpoint {
  cfg: WebhookConfig;
  name: string;
  queue: SerialQueue<NotifyEvent>;
}

export class WebhooksExtension implements Extension {
  readonly name = 'webhooks';
  private endpoints: Endpoint[] = [];
  private off: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly deps: { bus: EventBus; webhooks: readonly WebhookConfig[]; post: Poster; clock: Clock;
    log: NotifyLog; backoff?: { firstMs: number; maxMs: number } }) {}

  async start(): Promise<void> {
    if (this.off || this.deps.webhooks.length === 0) return;
    this.stopped = false;
    const log = this.deps.log;
    this.endpoints = this.deps.webhooks.map((cfg) => {
      const name = endpointName(cfg.url);
      const queue = new SerialQueue<NotifyEvent>(WEBHOOK_QUEUE_LIMIT, (n) => this.deliver(cfg, name, n), {
        dropped: (depth) => log.warn({ webhook: name, queued: depth }, 'webhook queue full; dropping events until it drains'),
        recovered: (count) => log.warn({ webhook: name, dropped: count }, 'webhook queue accepts events again'),
        failed: (error) => log.error({ webhook: name, error }, 'webhook delivery failed'),
      });
      return { cfg, name, queue };
    });
    this.off = this.deps.bus.on((e) => {
      const n = toNotifyEvent(e);
      if (n === null) return;
      for (const ep of this.endpoints) if (ep.cfg.events.includes(n.event)) ep.queue.push(n);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    this.off = null;
    for (const ep of this.endpoints) ep.queue.close();
  }

  /** For tests: resolves when every queued delivery has finished (or given up). */
  async idle(): Promise<void> {
    await Promise.all(this.endpoints.map((ep) => ep.queue.idle()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => { this.deps.clock.setTimer(ms, resolve); });
  }

  private async deliver(cfg: WebhookConfig, name: string, n: NotifyEvent): Promise<void> {
    const body = JSON.stringify(webhookBody(n, cfg.fields));
    const backoff = this.deps.backoff ?? WEBHOOK_BACKOFF;
    const log = this.deps.log;
    for (let attempt = 1; attempt <= cfg.retries + 1; attempt += 1) {
      const r = await this.deps.post(cfg.url, cfg.headers, body, cfg.timeoutMs);
      const where = { webhook: name, event: n.event, attempt, status: r.status, error: r.error };
      if (r.status !== null && r.status >= 200 && r.status < 300) {
        log.debug(where, 'webhook delivered');
        if (attempt > 1) log.info(where, 'webhook delivered after retries');
        return;
      }
      if (!retryable(r.status)) {
        log.warn(where, 'webhook refused the event; not retried');
        return;
      }
      if (attempt === cfg.retries + 1 || this.stopped) {
        log.warn(where, 'webhook delivery failed; giving up on this event');
        return;
      }
      if (attempt === 1) log.warn(where, 'webhook delivery failed; retrying with backoff');
      await this.sleep(Math.min(backoff.maxMs, backoff.firstMs * 2 ** (attempt - 1)));
      // Stopped during the backoff (shutdown, or a reload's restart): the old instance posts no more.
      if (this.stopped) return;
    }
  }
}
