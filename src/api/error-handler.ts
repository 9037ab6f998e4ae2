// The ONE error handler, the not-found/method handler and the framework/client error hooks:
// every failure leaves as JSON { success: false, error, code } and never as a stack trace.
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { ERRORS, isWanError, type ErrorCode } from '../errors.js';
import { requestLogFields } from './request-log.js';

export interface ErrorBody {
  success: false;
  error: string;
  code: ErrorCode;
  valid?: string[];
  /** WAN_ERR_SUPERSEDED: this command's number, and the later command that won. */
  command?: number;
  superseded_by?: Record<string, unknown>;
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** True when the cause is ours (5xx): logged with its stack, hidden from the client. */
  internal: boolean;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'WAN_ERR_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'WAN_ERR_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'WAN_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'WAN_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'WAN_ERR_BAD_REQUEST',
  FST_ERR_VALIDATION: 'WAN_ERR_BAD_REQUEST',
  FST_ERR_BAD_URL: 'WAN_ERR_BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'WAN_ERR_BAD_REQUEST',
  FST_BEARER_AUTH_MISSING_AUTHORIZATION_HEADER: 'WAN_ERR_UNAUTHORIZED',
  FST_BEARER_AUTH_INVALID_AUTHORIZATION_HEADER: 'WAN_ERR_UNAUTHORIZED',
};

/** Fastify messages that echo the raw URL (and so a ?api_key=) are replaced. */
const SAFE_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URL parameter too long',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'WAN_ERR_BAD_REQUEST',
  401: 'WAN_ERR_UNAUTHORIZED',
  404: 'WAN_ERR_NOT_FOUND',
  405: 'WAN_ERR_METHOD',
  413: 'WAN_ERR_TOO_LARGE',
  415: 'WAN_ERR_MEDIA_TYPE',
};

export function errorBody(code: ErrorCode, message?: string, valid?: string[]): ErrorBody {
  const body: ErrorBody = { success: false, error: message ?? ERRORS[code].message, code };
  if (valid !== undefined) body.valid = valid;
  return body;
}

/** PURE: any thrown value -> status and client body. */
export function mapError(err: unknown): MappedError {
  if (isWanError(err)) {
    const valid = stringArray(err.details['valid']);
    const body = errorBody(err.code, err.message, valid);
    const { command, supersededBy } = err.details;
    if (typeof command === 'number') body.command = command;
    if (typeof supersededBy === 'object' && supersededBy !== null) body.superseded_by = supersededBy as Record<string, unknown>;
    return { status: err.status, body, internal: err.status >= 500 };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  const known = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : known ? ERRORS[known].status : 500;
  if (status < 400 || status >= 500) {
    // Unknown failures may carry paths or internals in their message: the client gets the generic one.
    return { status: 500, body: errorBody('WAN_ERR_INTERNAL'), internal: true };
  }
  const code = known ?? STATUS_CODES[status] ?? 'WAN_ERR_BAD_REQUEST';
  const safe = typeof e.code === 'string' ? SAFE_MESSAGES[e.code] : undefined;
  const message = safe ?? (typeof e.message === 'string' && e.message !== '' ? e.message : ERRORS[code].message);
  return { status: known ? ERRORS[known].status : status, body: errorBody(code, message), internal: false };
}

function stringArray(x: unknown): string[] | undefined {
  return Array.isArray(x) && x.every((v) => typeof v === 'string') ? (x as string[]) : undefined;
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(err);
  if (mapped.internal) {
    request.log.error({ err, code: mapped.body.code }, 'api request failed');
  } else {
    request.log.debug({ code: mapped.body.code, error: mapped.body.error }, 'api request rejected');
  }
  // RFC 6750 section 3: a 401 names the scheme the client should use.
  if (mapped.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Unknown path -> 404; known path with another method -> 405 with Allow (fastify alone says 404). */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // Only the path is echoed: the query string may carry the api key.
  const path = request.url.split('?', 1)[0] ?? '/';
  const allowed = METHODS.filter((method) => request.server.findRoute({ method, url: path }) !== null);
  if (allowed.length > 0) {
    reply.header('allow', allowed.join(', '));
    return reply.code(405).send(errorBody('WAN_ERR_METHOD', `method ${request.method} not allowed on ${path}`));
  }
  return reply.code(404).send(errorBody('WAN_ERR_NOT_FOUND', `no such endpoint: ${request.method} ${path}`));
}

/** Errors fastify raises before routing (malformed URL encoding, ...). */
export function frameworkErrorHandler(err: Error, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(err);
  // Fastify skips its completion log here, so this is the request's one line.
  const fields = requestLogFields(request.method, request.url, mapped.status, reply.elapsedTime);
  request.log.info({ ...fields, code: mapped.body.code }, 'api request');
  reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
}

/** Malformed HTTP on the socket: answer in our JSON shape, then drop the connection. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = JSON.stringify(errorBody('WAN_ERR_BAD_REQUEST', reason.toLowerCase()));
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.destroy();
}
