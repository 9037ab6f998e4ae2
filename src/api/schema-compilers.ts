// The API's request validators and response serializers, compiled at build time (npm run build runs
// schema-codegen.ts, which writes compiled-schemas.cjs next to this file) so that neither ajv nor
// fast-json-stringify's compiler is loaded, nor any code generated, in the running daemon: building
// the API with them cost about 5 MiB of RSS (issue 20). The generated functions are fastify's own
// standalone output (@fastify/ajv-compiler/standalone, @fastify/fast-json-stringify-compiler), looked
// up by route; a schema without one (the file missing: tsc run alone) falls back to fastify's
// default compilers, so the API is always right, only heavier.
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

export type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

/** What fastify hands a validator or serializer compiler for one route schema. */
export interface RouteSchemaOpts {
  method: string;
  url: string;
  httpPart?: string;
  httpStatus?: string;
}

export const COMPILED_FILE = './compiled-schemas.cjs';

/** One key per compiled function: "validator POST /api/switch body", "serializer GET /api/status 200". */
export function schemaKey(kind: 'validator' | 'serializer', o: RouteSchemaOpts): string {
  return `${kind} ${o.method} ${o.url} ${kind === 'validator' ? o.httpPart ?? '' : o.httpStatus ?? ''}`;
}

/** compiled-schemas.cjs: the distinct functions' factories, and each route schema's index among them. */
interface Compiled { factories: Array<() => unknown>; routes: Record<string, number> }

function loadCompiled(): Compiled | null {
  try {
    return createRequire(import.meta.url)(COMPILED_FILE) as Compiled;
  } catch {
    return null;
  }
}

/** The schema controller serving the precompiled functions, or undefined (fastify's defaults). */
export function precompiledSchemas(): SchemaController | undefined {
  const compiled = loadCompiled();
  if (compiled === null) return undefined;
  const made = new Map<number, unknown>();
  const restore = (kind: 'validator' | 'serializer') => () => (o: RouteSchemaOpts): unknown => {
    const i = compiled.routes[schemaKey(kind, o)];
    const make = i === undefined ? undefined : compiled.factories[i];
    if (i === undefined || make === undefined) throw new Error(`no precompiled ${kind} for ${schemaKey(kind, o)}: run npm run build`);
    if (!made.has(i)) made.set(i, make());
    return made.get(i);
  };
  return { compilersFactory: { buildValidator: restore('validator'), buildSerializer: restore('serializer') } } as unknown as SchemaController;
}
