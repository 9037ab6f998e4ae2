// PURE: the text `wan-failover --check` and `wanctl check-config` print for a config that runs:
// one line per warning, one line of the original keys that took their default, then "ok".
import { renderValue } from './problems.js';
import { warningLine, type ConfigWarning, type DefaultedKey } from './warnings.js';

export function reportLines(file: string, r: { warnings: readonly ConfigWarning[]; defaulted: readonly DefaultedKey[] }): string[] {
  const lines = r.warnings.map((w) => warningLine(file, w));
  if (r.defaulted.length > 0) {
    lines.push(`${file}: defaults used for keys not set: ${r.defaulted.map((d) => `${d.key} ${renderValue(d.value)}`).join(', ')}`);
  }
  const errors = r.warnings.filter((w) => w.severity === 'error').length;
  const n = r.warnings.length - errors;
  const warned = `${n} warning${n > 1 ? 's' : ''}`;
  if (errors > 0) lines.push(`refused in part: ${file} (${errors} error${errors > 1 ? 's' : ''}${n > 0 ? `, ${warned}` : ''}; it runs without what the errors name)`);
  else lines.push(`ok: ${file}${n > 0 ? ` (${warned}; it runs as it is)` : ''}`);
  return lines;
}

/** A config whose report has errors runs without what they name: --check and check-config exit 1. */
export function hasErrors(r: { warnings: readonly ConfigWarning[] }): boolean {
  return r.warnings.some((w) => w.severity === 'error');
}
