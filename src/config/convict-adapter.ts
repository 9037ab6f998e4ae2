// The only importer of `convict`: registers formats.ts checks as convict formats, applies
// schema defaults to the parsed file and reports every failing key as a ConfigProblem.
import convict from 'convict';
import { FORMATS } from './formats.js';
import { parseConvictErrors } from './convict-errors.js';
import { SCHEMA, leafPaths } from './schema.js';
import type { ConfigProblem } from './problems.js';

let formatsRegistered = false;

function registerFormats(): void {
  if (formatsRegistered) return;
  for (const [name, check] of Object.entries(FORMATS)) {
    convict.addFormat({
      name,
      validate(value: unknown): void {
        const expected = check(value);
        if (expected !== null) throw new Error(expected);
      },
    });
  }
  formatsRegistered = true;
}

function dottedValue(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const SENSITIVE_KEYS: ReadonlySet<string> = new Set(['api_key']);

export interface ConvictResult {
  /** The file's values merged over the schema defaults (same key names as the file). */
  values: Record<string, unknown>;
  problems: ConfigProblem[];
}

/** `raw` must be a plain mapping whose nested link sections (primary/secondary) are mappings. */
export function applySchema(raw: Record<string, unknown>): ConvictResult {
  registerFormats();
  // env/args overrides are empty on purpose: the file is the single source of truth.
  const conf = convict<Record<string, unknown>>(SCHEMA as unknown as convict.Schema<Record<string, unknown>>, {
    env: {},
    args: [],
  });
  conf.load(raw);
  let problems: ConfigProblem[] = [];
  try {
    conf.validate({ allowed: 'strict' });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    problems = parseConvictErrors(message, leafPaths(), (p) =>
      SENSITIVE_KEYS.has(p) ? '[REDACTED]' : dottedValue(raw, p),
    );
  }
  return { values: conf.getProperties(), problems };
}
