// The app factory: a configured Fastify instance with auth, the error handlers and the API plugin,
// but not listening, so tests drive it with app.inject() and server.ts owns the socket.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { systemClock, type Clock } from '../clock.js';
import type { Engine } from '../engine/types.js';
import { authFailureStreak } from './auth-failures.js';
import type { Logger } from '../log.js';
import { validateApiKey } from './api-key.js';
import { registerAuth } from './auth.js';
import { clientErrorHandler, errorBody, errorHandler, frameworkErrorHandler, notFoundHandler } from './error-handler.js';
import { wanApi } from './plugin.js';
import { metricsRoute } from './metrics-route.js';
import { historyRoutes } from './history-routes.js';
import { pageRoute } from './page-route.js';
import type { HistoryProvider } from '../history/history-extension.js';
import type { MetricsProvider } from '../metrics/metrics-extension.js';
import { RedactingLogController } from './request-log.js';
import { precompiledSchemas, type SchemaController } from './schema-compilers.js';

/** Every request body is a tiny JSON object; 64 KiB is generous and bounds memory per request. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface BuildOptions {
  engine: Engine;
  apiKey: string;
  logger?: Logger;
  bodyLimit?: number;
  /** Shown in the OpenAPI document. */
  version?: string;
  /** Serves GET /metrics when given (the metrics extension). */
  metrics?: MetricsProvider;
  /** Serves /api/history, /api/events, /api/stream and the status page at / when given. */
  history?: HistoryProvider;
  /** For the quiet period that ends a streak of failed logins (default the system clock). */
  clock?: Clock;
  /** Validator and serializer compilers; default the build-time precompiled ones (schema-compilers.ts). */
  schemaController?: SchemaController;
}

function compilers(given: SchemaController | undefined): { schemaController?: SchemaController } {
  const schemaController = given ?? precompiledSchemas();
  return schemaController ? { schemaController } : {};
}

export async function build(opts: BuildOptions): Promise<FastifyInstance> {
  // Also here, not only in startApi: an empty key would let "Authorization: Bearer " in.
  validateApiKey(opts.apiKey);
  // Fastify's instance generic would otherwise carry pino's full Logger type into every plugin
  // signature; the base logger interface is all the API uses.
  const loggerInstance: FastifyBaseLogger | undefined = opts.logger;
  const authFailures = opts.logger ? authFailureStreak(opts.logger, opts.clock ?? systemClock) : null;
  const app: FastifyInstance = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    logController: new RedactingLogController(authFailures),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // An X-Request-Id from the client must not steer our log correlation ids.
    requestIdHeader: false,
    // "true" must not become true: a non-boolean `enabled` is a 400, as the seed documents.
    ajv: { customOptions: { coerceTypes: false, allErrors: false } },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    return503OnClosing: true,
    ...compilers(opts.schemaController),
  });

  // Only JSON bodies: fastify would otherwise accept text/plain and answer 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  // A read (Home Assistant polls /api/status) logs at most one line, so it shares the server's
  // logger; a per-request child (for its reqId) is kept for commands, whose lines belong together.
  // Creating a pino child per poll was a few % of the daemon's CPU under load (bench: /api/status).
  app.setChildLoggerFactory(function childFor(logger, bindings, opts, rawReq) {
    return rawReq.method === 'GET' || rawReq.method === 'HEAD' ? logger : logger.child(bindings, opts);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // The count of an open streak is logged at close, and its quiet timer goes with it.
  app.addHook('onClose', async () => { authFailures?.close(); });
  await registerAuth(app, opts.apiKey);
  await app.register(wanApi, { engine: opts.engine, version: opts.version ?? '0.0.0', prefix: '/api' });
  if (opts.metrics) await app.register(metricsRoute, { metrics: opts.metrics });
  if (opts.history) {
    await app.register(historyRoutes, { history: opts.history, engine: opts.engine, prefix: '/api' });
    await app.register(pageRoute, {});
  }
  await app.ready();
  return app;
}

export interface DisabledOptions {
  /** Why the API is off, for the client (never the key itself). */
  reason: string;
  logger?: Logger;
}

/**
 * The API while it cannot be guarded (no usable api_key): it still listens, so Home Assistant and
 * wanctl learn why instead of "connection refused", and answers every request, before parsing or
 * auth, with 503 WAN_ERR_API_DISABLED and the reason. Failover does not depend on it.
 */
export async function buildDisabled(opts: DisabledOptions): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger | undefined = opts.logger;
  const app: FastifyInstance = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    logController: new RedactingLogController(),
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestIdHeader: false,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    return503OnClosing: true,
    ...compilers(undefined),
  });
  const body = errorBody('WAN_ERR_API_DISABLED', opts.reason);
  const refuse = (reply: FastifyReply): FastifyReply =>
    reply.code(503).header('retry-after', '60').type('application/json; charset=utf-8').send(body);
  // onRequest runs before body parsing and routing (and for the not-found handler too).
  app.addHook('onRequest', async (_request, reply) => refuse(reply));
  app.setNotFoundHandler((_request, reply) => refuse(reply));
  app.setErrorHandler(errorHandler);
  await app.ready();
  return app;
}
