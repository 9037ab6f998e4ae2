// The API plugin: receives the engine as an option and registers the seed's endpoints (plus the
// OpenAPI document). Handlers only translate; decisions stay in the engine, shapes in *-payload.ts.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { CommandSource, Engine, SwitchFamily } from '../engine/types.js';
import { WanError } from '../errors.js';
import { toAutoPayload, toSwitchPayload, type AutoPayload, type SwitchPayload } from './command-payload.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import {
  autoBodySchema,
  autoResponseSchema,
  errorResponses,
  healthResponseSchema,
  openApiResponseSchema,
  statusResponseSchema,
  switchBodySchema,
  switchResponseSchema,
} from './schemas.js';
import { toHealthPayload, toStatusPayload, type HealthPayload, type StatusPayload } from './status-payload.js';

export interface WanApiOptions {
  engine: Engine;
  /** Shown in the OpenAPI document. */
  version?: string;
}

interface SwitchBody {
  target: string;
  force?: boolean;
  family?: SwitchFamily;
}

interface AutoBody {
  enabled: boolean;
}

/** wanctl names itself in its User-Agent (src/cli/api-client.ts): its commands say "via wanctl". */
export function commandSource(userAgent: string | undefined): CommandSource {
  return userAgent?.startsWith('wanctl/') === true ? 'wanctl' : 'api';
}

/**
 * The command's number in the one command queue, in a header: the bodies stay the original's byte
 * for byte, and a later 409 WAN_ERR_SUPERSEDED names commands by this number.
 */
export const COMMAND_HEADER = 'x-wan-command';

function commandHeader(reply: FastifyReply, command: number | undefined): void {
  if (command !== undefined) reply.header(COMMAND_HEADER, String(command));
}

export const wanApi: FastifyPluginAsync<WanApiOptions> = async (fastify, opts) => {
  const engine = opts.engine;
  if (engine === undefined || typeof engine.status !== 'function') {
    throw new WanError('WAN_ERR_CONFIG', 'wanApi plugin needs an `engine` option');
  }
  const openApi: OpenApiDocument = buildOpenApiDocument(opts.version ?? '0.0.0');

  // engine.status() is a synchronous snapshot: the API never waits on a probe. The engine hands
  // out the same snapshot object until something changes (a bus event, or the uptime second), so
  // its serialised body is kept per snapshot and most requests only write bytes.
  const bodies = new WeakMap<object, string>();
  fastify.get('/status', { schema: { response: { 200: statusResponseSchema, ...errorResponses } } },
    async (_req, reply): Promise<string> => {
      const st = engine.status();
      let body = bodies.get(st);
      if (body === undefined) {
        const payload: StatusPayload = toStatusPayload(st);
        // The route's own response serializer, so the bytes are those fastify would have sent.
        body = String(reply.serializeInput(payload as unknown as Record<string, unknown>, '200'));
        bodies.set(st, body);
      }
      return reply.type('application/json; charset=utf-8').send(body) as unknown as string;
    });

  fastify.get('/health', { schema: { response: { 200: healthResponseSchema, ...errorResponses } } },
    async (): Promise<HealthPayload> => toHealthPayload(engine.status()));

  fastify.post<{ Body: SwitchBody }>(
    '/switch',
    { schema: { body: switchBodySchema, response: { 200: switchResponseSchema, ...errorResponses } } },
    async (request, reply): Promise<SwitchPayload> => {
      const { target, force, family } = request.body;
      // No family: the engine's default (both), exactly what a client from before families gets.
      const outcome = await engine.switchTo(target, { force: force === true, ...(family !== undefined ? { family } : {}),
        source: commandSource(request.headers['user-agent']) });
      request.log.info({ target, force: force === true, family: family ?? 'both', result: outcome.result, command: outcome.command,
        ...(outcome.ipv6?.result !== undefined ? { ipv6: outcome.ipv6.result } : {}) }, 'manual switch via api');
      commandHeader(reply, outcome.command);
      return toSwitchPayload(outcome, engine.status(), family);
    },
  );

  fastify.post<{ Body: AutoBody }>(
    '/auto',
    { schema: { body: autoBodySchema, response: { 200: autoResponseSchema, ...errorResponses } } },
    async (request, reply): Promise<AutoPayload> => {
      const { enabled } = request.body;
      const outcome = await engine.setAuto(enabled, { source: commandSource(request.headers['user-agent']) });
      request.log.info({ enabled, ...(outcome ? { command: outcome.command } : {}) }, 'auto failover set via api');
      commandHeader(reply, outcome?.command);
      return toAutoPayload(enabled);
    },
  );

  fastify.get('/openapi.json', { schema: { response: { 200: openApiResponseSchema, ...errorResponses } } },
    async (): Promise<OpenApiDocument> => openApi);
};

export default wanApi;
