// Shared set-up of the API tests: an app over a FakeEngine with a known key, and header helpers.
import type { FastifyInstance } from 'fastify';
import { build } from '../../src/api/app.js';
import type { Logger } from '../../src/log.js';
import { FakeEngine } from './fake-engine.js';

export const KEY = 'k3y-for-tests-0123456789abcdef0123456789abcdef';

export async function makeApp(opts: { logger?: Logger; bodyLimit?: number } = {}): Promise<{
  app: FastifyInstance;
  engine: FakeEngine;
}> {
  const engine = new FakeEngine();
  const app = await build({ engine, apiKey: KEY, ...opts });
  return { app, engine };
}

export const auth = { authorization: `Bearer ${KEY}` };
export const jsonAuth = { ...auth, 'content-type': 'application/json' };
