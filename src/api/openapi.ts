// PURE: the OpenAPI 3.1 description of the API, assembled from the same schemas Fastify validates
// and serialises with, so the document cannot drift from the behaviour (3.1 = plain JSON Schema).
import {
  autoBodySchema,
  autoResponseSchema,
  errorBodySchema,
  healthResponseSchema,
  statusResponseSchema,
  switchBodySchema,
  switchResponseSchema,
} from './schemas.js';
import { eventsQuerySchema, eventsResponseSchema, historyQuerySchema, historyResponseSchema } from './history-schemas.js';

/** A JSON-schema object of query parameters as OpenAPI parameters (api_key is the security scheme's). */
function queryParams(schema: { properties: Record<string, { description?: string }> }): Record<string, unknown>[] {
  return Object.entries(schema.properties).filter(([name]) => name !== 'api_key')
    .map(([name, s]) => ({ name, in: 'query', required: false, schema: s, ...(s.description ? { description: s.description } : {}) }));
}

export type OpenApiDocument = Record<string, unknown>;

const errorRef = { $ref: '#/components/schemas/Error' };

function json(description: string, schema: unknown): Record<string, unknown> {
  return { description, content: { 'application/json': { schema } } };
}

function errors(...codes: number[]): Record<string, unknown> {
  const texts: Record<number, string> = {
    400: 'Bad request: invalid JSON, missing or mistyped field, unknown link (with `valid`)',
    401: 'Missing or wrong API key',
    409: 'Link is down (retry with force), has no gateway, or (family "ipv6") IPv6 is not managed',
    413: 'Body over the size limit',
    415: 'Content-Type is not application/json',
    500: 'Switching failed or internal error',
  };
  return Object.fromEntries(codes.map((c) => [String(c), json(texts[c] ?? 'Error', errorRef)]));
}

function command(summary: string, body: unknown, response: unknown): Record<string, unknown> {
  return {
    summary,
    requestBody: { required: true, content: { 'application/json': { schema: body } } },
    responses: { '200': json('Done', response), ...errors(400, 401, 409, 413, 415, 500) },
  };
}

export function buildOpenApiDocument(version: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'wan-failover API',
      version,
      description: 'Status and control of the WAN failover daemon (drop-in for the original Python API).',
    },
    security: [{ bearer: [] }, { apiKeyQuery: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
      },
      schemas: { Error: errorBodySchema },
    },
    paths: {
      '/api/status': {
        get: {
          summary: 'Full daemon status: links, health, traffic, recent events',
          responses: { '200': json('Status snapshot', statusResponseSchema), ...errors(401) },
        },
      },
      '/api/health': {
        get: {
          summary: 'Liveness check',
          responses: { '200': json('Daemon is running', healthResponseSchema), ...errors(401) },
        },
      },
      '/api/switch': {
        post: command('Switch the default route to a link (manual hold), for one address family or both', switchBodySchema, switchResponseSchema),
      },
      '/api/auto': {
        post: command('Enable or disable automatic failover', autoBodySchema, autoResponseSchema),
      },
      '/api/history': {
        get: {
          summary: 'Per link RTT, loss, jitter, state, share and traffic: 1 s points for the last hour, 1 min for 7 days',
          parameters: queryParams(historyQuerySchema),
          responses: { '200': json('History points per link', historyResponseSchema), ...errors(400, 401) },
        },
      },
      '/api/events': {
        get: {
          summary: 'State changes and switches with their reasons and the figures that decided them',
          parameters: queryParams(eventsQuerySchema),
          responses: { '200': json('Events, oldest first', eventsResponseSchema), ...errors(400, 401) },
        },
      },
      '/api/stream': {
        get: {
          summary: 'Server-sent events: `status` (the /api/status body) at once and on each change, `event` (an /api/events entry) as it happens',
          responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(401) },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' }, ...errors(401) } },
      },
    },
  };
}
