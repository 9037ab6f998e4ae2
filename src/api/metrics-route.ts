// GET /metrics: the Prometheus text exposition from the metrics extension. Authenticated with the
// API key (Prometheus: `authorization: {credentials: KEY}`) unless metrics_public is set, in which
// case the route is marked public and the auth hook (auth.ts) lets it through.
import type { FastifyPluginAsync } from 'fastify';
import type { MetricsProvider } from '../metrics/metrics-extension.js';

export interface MetricsRouteOptions {
  metrics: MetricsProvider;
}

/** Route config flag read by the auth hook. */
export interface PublicRouteConfig {
  public?: boolean;
}

export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (fastify, opts) => {
  const { metrics } = opts;
  fastify.get('/metrics', { config: { public: metrics.public } satisfies PublicRouteConfig }, async (_request, reply) => {
    const body = await metrics.render();
    return reply.type(metrics.contentType).send(body);
  });
};
