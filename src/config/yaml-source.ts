// The only importer of `yaml`: turns the config text into plain data, or into problems
// that carry the line and column of each syntax error.
import { parseDocument } from 'yaml';
import { FILE_KEY, type ConfigProblem } from './problems.js';

export type YamlResult = { ok: true; data: unknown } | { ok: false; problems: ConfigProblem[] };

export function parseYaml(text: string): YamlResult {
  // uniqueKeys: a key given twice is an error, not a silent last-one-wins.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((err) => {
        const pos = err.linePos?.[0];
        const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
        // prettyErrors appends " at line L, column C:" and a source excerpt; keep the reason only.
        const reason = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        const p: ConfigProblem = { key: FILE_KEY, value: undefined, expected: `invalid YAML${where}: ${reason} (${err.code})` };
        if (pos) {
          p.line = pos.line;
          p.column = pos.col;
        }
        return p;
      }),
    };
  }
  // An empty file (or only comments) means "all defaults".
  return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) ?? {} };
}
