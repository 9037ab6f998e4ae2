// The three keys `wanctl status --check` needs from the daemon's config (api_host, api_port,
// api_key), read cheaply: the YAML parser and the schema's own defaults and checks for those keys,
// without the convict pass over the whole file (keepalived runs the check every second or so;
// issue 25). A file the daemon refuses for another key still yields its API address here: the
// check asks the running daemon, which is what matters.
import { readFileSync } from 'node:fs';
import { checkApiKey, checkHost, checkPort, type Check } from '../config/formats.js';
import { problemLine } from '../config/problems.js';
import { SCHEMA, isSchemaLeaf } from '../config/schema.js';
import { parseYaml } from '../config/yaml-source.js';

export interface ApiSettings {
  host: string;
  port: number;
  apiKey: string;
}

function schemaDefault(key: string): unknown {
  const node = SCHEMA[key];
  return node !== undefined && isSchemaLeaf(node) ? node.default : undefined;
}

/** Throws an Error whose message names the file and key, as the daemon's loader would. */
export function readApiSettings(path: string): ApiSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read config file (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`, { cause: e });
  }
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(problemLine(path, parsed.problems[0]!));
  const raw = (typeof parsed.data === 'object' && parsed.data !== null ? parsed.data : {}) as Record<string, unknown>;
  const value = (key: string, check: Check): unknown => {
    const v = raw[key] ?? schemaDefault(key);
    const expected = check(v);
    if (expected !== null) throw new Error(problemLine(path, { key, value: v, expected }));
    return v;
  };
  const host = value('api_host', checkHost) as string;
  const port = value('api_port', checkPort) as number;
  // Unset is '' (the daemon's API is then off and answers 503).
  const key = raw['api_key'] === undefined || raw['api_key'] === null ? '' : value('api_key', checkApiKey) as string;
  return { host, port, apiKey: key };
}
