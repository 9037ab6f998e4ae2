// The status page and its assets at / and /page/*: public (they hold no data; every data request
// of the page carries the key as a bearer header). Served from memory, gzip-precompressed at build
// time (src/page/build-assets.mjs) when the client accepts it, with an ETag for revalidation.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-handler.js';
import type { PublicRouteConfig } from './metrics-route.js';

/** dist/src/page/static, beside this file's directory once built. */
export const PAGE_DIR = fileURLToPath(new URL('../page/static/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// Scripts and styles only from this origin; uPlot styles its elements through the CSSOM.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Asset { type: string; body: Buffer; gzip: Buffer | null; etag: string }

export function loadAssets(dir: string = PAGE_DIR): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const gz = join(dir, `${name}.gz`);
    out.set(name, { type, body, gzip: existsSync(gz) ? readFileSync(gz) : null,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  return out;
}

export interface PageRouteOptions {
  dir?: string;
}

export const pageRoute: FastifyPluginAsync<PageRouteOptions> = async (fastify, opts) => {
  const assets = loadAssets(opts.dir);
  const config = { public: true } satisfies PublicRouteConfig;
  const serve = (name: string, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const a = assets.get(name);
    if (a === undefined) return reply.code(404).type('application/json; charset=utf-8').send(errorBody('WAN_ERR_NOT_FOUND', `no asset ${name}`));
    reply.header('cache-control', 'no-cache').header('etag', a.etag).header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding');
    if (a.type.startsWith('text/html')) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    reply.type(a.type);
    if (a.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(a.gzip);
    }
    return reply.send(a.body);
  };
  fastify.get('/', { config }, async (req, reply) => serve('index.html', req, reply));
  fastify.get<{ Params: { file: string } }>('/page/:file', { config }, async (req, reply) => serve(req.params.file, req, reply));
};
