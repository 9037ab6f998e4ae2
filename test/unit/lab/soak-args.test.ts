// No root: soak command-line parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSoakArgs, SoakUsageError } from '../../../lab/soak-args.js';

test('minutes, seed, json and the all-down bound', () => {
  assert.deepEqual(parseSoakArgs(['--minutes', '5']), { minutes: 5, seed: null, json: false, maxAllDownMs: 10_000, help: false });
  assert.deepEqual(parseSoakArgs(['--json', '--seed', '42', '--minutes', '0.5', '--max-all-down', '3']), {
    minutes: 0.5, seed: 42, json: true, maxAllDownMs: 3000, help: false,
  });
  assert.equal(parseSoakArgs(['--minutes', '1', '--allow-all-down']).maxAllDownMs, null);
  assert.equal(parseSoakArgs(['--help']).help, true);
});

test('bad arguments are usage errors', () => {
  const bad = [
    [], ['--minutes'], ['--minutes', 'x'], ['--minutes', '0'], ['--minutes', '100000'], ['--minutes', '1', '--seed', '-1'],
    ['--minutes', '1', '--seed', '1.5'], ['--minutes', '1', '--bogus'], ['--minutes', '1', '--max-all-down', '2', '--allow-all-down'],
    ['--minutes', '1', '--allow-all-down', '--max-all-down', '2'], ['--minutes', ''], ['--minutes', '1', '--max-all-down', '0.5'],
  ];
  for (const argv of bad) assert.throws(() => parseSoakArgs(argv), SoakUsageError, JSON.stringify(argv));
});
