// PURE: the text `wan-failover --check` and `wanctl check-config` print for a config that runs:
// one line per warning, one line of the original keys that took their default, then "ok".
import { renderValue } from './problems.js';
import { warningLine, type ConfigWarning, type DefaultedKey } from './warnings.js';

export function reportLines(file: string, r: { warnings: readonly ConfigWarning[]; defaulted: readonly DefaultedKey[] }): string[] {
  const lines = r.warnings.map((w) => warningLine(file, w));
  if (r.defaulted.length > 0) {
    lines.push(`${file}: defaults used for keys not set: ${r.defaulted.map((d) => `${d.key} ${renderValue(d.value)}`).join(', ')}`);
  }
  const n = r.warnings.length;
  lines.push(`ok: ${file}${n > 0 ? ` (${n} warning${n > 1 ? 's' : ''}; it runs as it is)` : ''}`);
  return lines;
}
