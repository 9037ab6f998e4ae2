// Authentication of every request: `Authorization: Bearer KEY` through @fastify/bearer-auth, or the
// seed's `?api_key=KEY`. Both compare digests in constant time; failures become WAN_ERR_UNAUTHORIZED.
import bearerAuth from '@fastify/bearer-auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WanError } from '../errors.js';
import { keyChecker } from './key-compare.js';
import type { PublicRouteConfig } from './metrics-route.js';

/** Registered on the root instance so unknown paths are authenticated too (no route discovery). */
export async function registerAuth(app: FastifyInstance, apiKey: string): Promise<void> {
  const isKey = keyChecker(apiKey);
  await app.register(bearerAuth, {
    keys: [apiKey],
    // Our own comparison, so header and query take the same constant-time path.
    auth: (key: string) => isKey(key),
    // Decorate only: our hook below decides between header and query and shapes the 401.
    addHook: false,
    // RFC 7235: the auth scheme is case-insensitive ("bearer KEY" works); bearer-auth calls that mode rfc6749.
    specCompliance: 'rfc6749',
    // A 401 is routine noise (scanners), not an error of the daemon.
    verifyErrorLogLevel: 'debug',
  });
  const verify = app.verifyBearerAuth;
  if (verify === undefined) throw new WanError('WAN_ERR_INTERNAL', 'bearer auth did not register');

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // GET /metrics with metrics_public: true (metrics-route.ts); every other route needs the key.
    if ((request.routeOptions.config as PublicRouteConfig | undefined)?.public === true) return;
    const queryKey = (request.query as Record<string, unknown> | undefined)?.['api_key'];
    if (request.headers.authorization === undefined && queryKey !== undefined) {
      if (typeof queryKey === 'string' && isKey(queryKey)) return;
      throw new WanError('WAN_ERR_UNAUTHORIZED', 'invalid api_key');
    }
    await new Promise<void>((resolve, reject) => {
      verify(request, reply, (err?: Error) => {
        if (err === undefined) resolve();
        else reject(new WanError('WAN_ERR_UNAUTHORIZED', err.message));
      });
    });
  });
}
