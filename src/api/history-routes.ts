// GET /api/history, /api/events and /api/stream (server-sent events for the status page), over
// the history extension (src/history/). Behind the key like every data route; bad parameters are
// a 400 with a JSON error. The stream sends the /api/status body at once and after each change,
// and every history event as it happens; a comment every 25 s keeps proxies from closing it.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AddressFamily } from '../bus/events.js';
import type { Engine } from '../engine/types.js';
import { WanError } from '../errors.js';
import type { HistoryProvider } from '../history/history-extension.js';
import type { RingPoint } from '../history/ring.js';
import type { HistoryEvent, HistoryStep } from '../history/store.js';
import { errorResponses } from './schemas.js';
import { eventsQuerySchema, eventsResponseSchema, historyQuerySchema, historyResponseSchema } from './history-schemas.js';
import { toStatusPayload } from './status-payload.js';

export interface HistoryRoutesOptions {
  history: HistoryProvider;
  engine: Engine;
  /** Milliseconds between keep-alive comments on the stream (tests shorten it). */
  keepAliveMs?: number;
  /** Open streams at most (default MAX_STREAMS); one more is a 503. */
  maxStreams?: number;
}

/** A router has a handful of people looking; each stream holds a socket and a listener. */
export const MAX_STREAMS = 16;
/** A client that stops reading is dropped once this much is queued for it, so memory stays bounded. */
export const STREAM_BACKLOG_BYTES = 1024 * 1024;

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** ISO-8601 to epoch ms; a bad value is a 400 naming the parameter. */
export function parseSince(v: string | undefined, fallbackMs: number): number {
  if (v === undefined) return fallbackMs;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new WanError('WAN_ERR_BAD_REQUEST', `since: "${v}" is not an ISO-8601 time (e.g. 2026-01-01T12:00:00Z)`);
  return ms;
}

const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

export function pointPayload(p: RingPoint): Record<string, unknown> {
  return { time: new Date(p.timeMs).toISOString(), rtt_ms: round(p.rttMs), loss_pct: round(p.lossPct), jitter_ms: round(p.jitterMs),
    state: p.state, share: round(p.share) ?? 0, rx_mbps: round(p.rxMbps), tx_mbps: round(p.txMbps) };
}

export function eventPayload(e: HistoryEvent): Record<string, unknown> {
  return { time: new Date(e.timeMs).toISOString(), kind: e.kind, link: e.link, family: e.family, message: e.message, figures: e.figures };
}

interface HistoryQuery { link?: string; family?: AddressFamily; since?: string; step?: '1' | '60' }

export const historyRoutes: FastifyPluginAsync<HistoryRoutesOptions> = async (fastify, opts) => {
  const { history, engine } = opts;
  const keepAliveMs = opts.keepAliveMs ?? 25_000;
  const maxStreams = opts.maxStreams ?? MAX_STREAMS;

  fastify.get<{ Querystring: HistoryQuery }>('/history',
    { schema: { querystring: historyQuerySchema, response: { 200: historyResponseSchema, ...errorResponses } } },
    async (req) => {
      const step: HistoryStep = req.query.step === '60' ? 60 : 1;
      const family = req.query.family ?? 'ipv4';
      const link = req.query.link;
      if (link !== undefined && !history.links().includes(link)) {
        throw new WanError('WAN_ERR_UNKNOWN_LINK', `unknown link "${link}"`, { valid: history.links() });
      }
      const since = parseSince(req.query.since, Date.now() - (step === 1 ? HOUR_MS : WEEK_MS));
      const series = history.query(family, step, since, link);
      const links: Record<string, unknown[]> = {};
      for (const name of link !== undefined ? [link] : history.links()) links[name] = (series[name] ?? []).map(pointPayload);
      return { step_s: step, family, links };
    });

  fastify.get<{ Querystring: { since?: string } }>('/events',
    { schema: { querystring: eventsQuerySchema, response: { 200: eventsResponseSchema, ...errorResponses } } },
    async (req) => ({ events: history.eventsSince(parseSince(req.query.since, 0)).map(eventPayload) }));

  const open = new Set<() => void>();
  fastify.addHook('onClose', async () => { for (const end of [...open]) end(); });

  fastify.get('/stream', { schema: { response: errorResponses } }, async (req: FastifyRequest, reply) => {
    if (open.size >= maxStreams) {
      reply.header('retry-after', '30');
      throw new WanError('WAN_ERR_BUSY', `too many open streams (${maxStreams}); close a page and retry`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown): void => {
      if (res.writableEnded) return;
      if (res.writableLength > STREAM_BACKLOG_BYTES) {
        end();
        return;
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let pending = false;
    const sendStatus = (): void => {
      pending = false;
      send('status', toStatusPayload(engine.status()));
    };
    // Several status changes in one turn of the loop (a switch touches both links) make one message.
    const off = history.subscribe((m) => {
      if (m.type === 'event') send('event', eventPayload(m.event));
      else if (!pending) {
        pending = true;
        setImmediate(sendStatus);
      }
    });
    const keepAlive = setInterval(() => { if (!res.writableEnded) res.write(': keep-alive\n\n'); }, keepAliveMs);
    function end(): void {
      off();
      clearInterval(keepAlive);
      open.delete(end);
      if (!res.writableEnded) res.end();
    }
    open.add(end);
    req.raw.on('close', end);
    sendStatus();
  });
};
