// The parser of convict's validation message: keys split safely, values from the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConvictErrors } from '../../../src/config/convict-errors.js';

const PATHS = ['primary.name', 'primary.interface', 'ping_timeout', 'ping'];
const VALUES: Record<string, unknown> = { ping_timeout: -1, 'primary.interface': 'a: b', pign: 3 };

test('maps each line to a problem', () => {
  const message = [
    'ping_timeout: a positive number of seconds: value was -1',
    'primary.interface: a Linux interface name: value was "a: b"',
    "configuration param 'pign' not declared in the schema",
    "configuration param 'primary.name' missing from config, did you override its parent?",
  ].join('\n');
  const problems = parseConvictErrors(message, PATHS, (p) => VALUES[p]);
  assert.deepEqual(problems, [
    { key: 'ping_timeout', value: -1, expected: 'a positive number of seconds' },
    { key: 'primary.interface', value: 'a: b', expected: 'a Linux interface name' },
    { key: 'pign', value: 3, expected: 'no such key', known: ['primary', 'ping_timeout', 'ping'] },
    { key: 'primary', value: undefined, expected: 'a mapping of keys' },
  ]);
});

test('the longest matching key wins and an unparseable line is kept', () => {
  const problems = parseConvictErrors('ping_timeout: x\nsomething odd', PATHS, () => undefined);
  assert.equal(problems[0]?.key, 'ping_timeout');
  assert.equal(problems[1]?.key, '(file)');
  assert.equal(problems[1]?.expected, 'something odd');
});
