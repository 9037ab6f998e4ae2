// Turns convict's validation error text (one line per failing key) back into structured
// problems. Pure, so the parsing is tested on its own and a convict upgrade fails loudly here.
import { FILE_KEY, UNKNOWN_KEY, type ConfigProblem } from './problems.js';

const UNDECLARED = /^configuration param '(.+)' not declared in the schema$/;
const MISSING = /^configuration param '(.+)' missing from config, did you override its parent\?$/;
const VALUE_SUFFIX = ': value was ';

/** The schema's names at the same level as dotted path `key` (for "did you mean"). */
function siblings(key: string, leafPaths: readonly string[]): string[] {
  const depth = key.split('.').length - 1;
  const parent = key.split('.').slice(0, depth).join('.');
  return [...new Set(leafPaths
    .map((p) => p.split('.'))
    .filter((parts) => parts.length > depth && parts.slice(0, depth).join('.') === parent)
    .map((parts) => parts[depth]!))];
}

/**
 * @param message   the Error message convict's validate() threw
 * @param leafPaths every dotted schema path, to split "<path>: <message>: value was <json>" safely
 * @param valueAt   reads the offending value from the user's file by dotted path
 */
export function parseConvictErrors(
  message: string,
  leafPaths: readonly string[],
  valueAt: (dottedPath: string) => unknown,
): ConfigProblem[] {
  const byLength = [...leafPaths].sort((a, b) => b.length - a.length);
  const problems: ConfigProblem[] = [];
  for (const line of message.split('\n')) {
    if (line.trim() === '') continue;
    const undeclared = UNDECLARED.exec(line);
    if (undeclared?.[1] !== undefined) {
      problems.push({ key: undeclared[1], value: valueAt(undeclared[1]), expected: UNKNOWN_KEY, known: siblings(undeclared[1], leafPaths) });
      continue;
    }
    const missing = MISSING.exec(line);
    if (missing?.[1] !== undefined) {
      const parent = missing[1].split('.').slice(0, -1).join('.') || missing[1];
      problems.push({ key: parent, value: valueAt(parent), expected: 'a mapping of keys' });
      continue;
    }
    const key = byLength.find((p) => line.startsWith(`${p}: `));
    if (key === undefined) {
      problems.push({ key: FILE_KEY, value: undefined, expected: line });
      continue;
    }
    let rest = line.slice(key.length + 2);
    const cut = rest.lastIndexOf(VALUE_SUFFIX);
    if (cut >= 0) rest = rest.slice(0, cut);
    problems.push({ key, value: valueAt(key), expected: rest.trim() });
  }
  return problems;
}
