// Issue 19, defect 10: check_interval and ping_timeout have probe_interval's floor (0.05 s); below
// it the config is refused with an error naming the key, the value and the floor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { configProblems } from './helpers.js';

for (const key of ['check_interval', 'ping_timeout']) {
  test(`${key}: 0.001 is refused, naming the 0.05 s floor`, () => {
    const { error, problems } = configProblems(() => parseConfig(`${key}: 0.001\n`, '/x.yaml'));
    assert.deepEqual(problems.map((p) => [p.key, p.value]), [[key, 0.001]]);
    assert.match(error.message, new RegExp(`^/x\\.yaml: ${key}: got 0\\.001, expected a number of seconds from 0\\.05 `));
  });
  test(`${key}: 0.05 is accepted`, () => {
    assert.doesNotThrow(() => parseConfig(`${key}: 0.05\n`, '/x.yaml'));
  });
}
