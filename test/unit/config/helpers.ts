// Shared helpers of the config tests: fixture paths and catching the WAN_ERR_CONFIG error.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { WanError } from '../../../src/errors.js';
import type { ConfigProblem } from '../../../src/config/load.js';

/** dist/test/unit/config/ -> repo root/fixtures/config/ */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../../fixtures/config/${name}`, import.meta.url));
}

export function configProblems(fn: () => unknown): { error: WanError; problems: ConfigProblem[] } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WanError, `expected a WanError, got ${String(e)}`);
    assert.equal(e.code, 'WAN_ERR_CONFIG');
    const problems = e.details['problems'] as ConfigProblem[];
    assert.ok(Array.isArray(problems) && problems.length > 0, 'details.problems is a non-empty list');
    return { error: e, problems };
  }
  assert.fail('expected WAN_ERR_CONFIG, nothing was thrown');
}

export function keysOf(problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => p.key);
}
