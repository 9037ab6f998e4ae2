// One configuration problem = key path + offending value + what was expected. Every
// validation step returns these; load.ts turns the collected list into one WanError.
import { WanError } from '../errors.js';

export interface ConfigProblem {
  /** Key path in the file, e.g. `links[1].interface`, `ping_timeout`; FILE_KEY for whole-file issues. */
  key: string;
  value: unknown;
  /** What a valid value looks like; for FILE_KEY problems a whole statement ("invalid YAML at line 3, ..."). */
  expected: string;
  /** An unknown key (UNKNOWN_KEY): the keys valid at its place, for a "did you mean" hint. */
  known?: readonly string[];
  /** 1-based position in the file, when known (YAML syntax errors). */
  line?: number;
  column?: number;
}

/** A YAML mapping (not a list, not a scalar, not null): what every section reader checks first. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Key used for problems of the file as a whole (missing, unreadable, bad YAML, not a mapping). */
export const FILE_KEY = '(file)';

/** `expected` marker for keys the schema does not know; rendered as `unknown key "x"`. */
export const UNKNOWN_KEY = 'no such key';

const MAX_VALUE_CHARS = 80;

/** Short, single-line rendering of an offending value for messages. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}

export function problemLine(file: string, p: ConfigProblem): string {
  if (p.expected === UNKNOWN_KEY) return `${file}: unknown key "${p.key}"`;
  if (p.key === FILE_KEY) return `${file}: ${p.expected}`;
  return `${file}: ${p.key}: got ${renderValue(p.value)}, expected ${p.expected}`;
}

/** Keeps the first problem per (key, expected) so overlapping checks do not repeat themselves. */
export function dedupeProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const p of problems) {
    const id = `${p.key}\u0000${p.expected}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

export function configError(file: string, problems: readonly ConfigProblem[]): WanError {
  const list = dedupeProblems(problems);
  const message = list.map((p) => problemLine(file, p)).join('\n');
  return new WanError('WAN_ERR_CONFIG', message, { file, problems: list });
}
