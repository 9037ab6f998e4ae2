// One log line per request with the api_key masked. Fastify's own request lines log the raw URL
// (with ?api_key=...) and the request object; this LogController replaces them and never logs headers.
// A successful read (GET/HEAD below 400) is logged at debug: Home Assistant polls /api/status every
// few seconds per sensor, and an info line per poll floods a router's log and was a third of the
// daemon's CPU under load (bench: GET /api/status). Commands and failures stay at info/warn.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactUrl } from '../log.js';
import type { Streak } from '../log-streak.js';
import type { AuthFailure } from './auth-failures.js';

export interface RequestLogFields {
  method: string;
  url: string;
  statusCode: number;
  responseTimeMs: number;
}

/** PURE: the fields of the per-request line; exported for tests. */
export function requestLogFields(method: string, url: string, statusCode: number, elapsedMs: number): RequestLogFields {
  return { method, url: redactUrl(url), statusCode, responseTimeMs: Math.round(elapsedMs * 100) / 100 };
}

/** PURE: a successful read, logged at debug; everything else at info. */
export function isQuietRead(method: string, statusCode: number): boolean {
  return (method === 'GET' || method === 'HEAD') && statusCode < 400;
}

export class RedactingLogController extends LogController {
  /** With a streak, a 401 costs a debug line and a count (auth-failures.ts) instead of an info line each. */
  constructor(private readonly authFailures: Streak<AuthFailure> | null = null) {
    super();
  }

  override incomingRequest(): void {
    // Logged once, on completion, so a request costs one line.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = requestLogFields(request.method, request.url, reply.statusCode, reply.elapsedTime);
    if (error) reply.log.warn({ ...fields, err: error }, 'api request errored');
    else if (reply.statusCode === 401 && this.authFailures) {
      this.authFailures.hit({ ip: request.ip, method: fields.method, url: fields.url });
      reply.log.debug(fields, 'api request');
    } else if (isQuietRead(request.method, reply.statusCode)) reply.log.debug(fields, 'api request');
    else reply.log.info(fields, 'api request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    // Unused while error-handler.ts is installed; kept safe should it ever be bypassed.
    reply.log.error({ url: redactUrl(request.url), err: error }, 'api request failed');
  }

  override routeNotFound(): void {
    // notFoundHandler answers; the completion line records the 404.
  }

  override writeHeadError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn({ url: redactUrl(request.url), err: error }, 'writing response headers failed');
  }
}
