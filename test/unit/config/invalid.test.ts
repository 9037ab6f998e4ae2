// Each invalid fixture: WAN_ERR_CONFIG, the problems name the right keys, the message names the file.
// (Configs that run with warnings are in warnings.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { configProblems, fixture, keysOf } from './helpers.js';

const CASES: ReadonlyArray<[file: string, keys: string[]]> = [
  ['invalid-bad-ifname.yaml', ['primary.interface']],
  ['invalid-long-ifname.yaml', ['secondary.interface']],
  ['invalid-negative-timeout.yaml', ['ping_timeout']],
  ['invalid-duplicate-interface.yaml', ['links[1].interface']],
  ['invalid-duplicate-interface-seed.yaml', ['secondary.interface']],
  ['invalid-links-and-primary.yaml', ['links']],
  ['invalid-bad-yaml.yaml', ['(file)']],
  ['invalid-min-targets-up.yaml', ['min_targets_up']],
  ['invalid-bad-target.yaml', ['ping_targets[1]']],
  ['invalid-bad-gateway.yaml', ['primary.gateway']],
  ['invalid-reserved-table.yaml', ['secondary.table']],
  ['invalid-one-link.yaml', ['links']],
  ['invalid-bad-port.yaml', ['api_port']],
  ['invalid-bad-log-level.yaml', ['log_level']],
  ['invalid-bad-protocol.yaml', ['route_protocol']],
  ['invalid-bad-rule-priority.yaml', ['rule_priority']],
  ['invalid-table-base-reserved.yaml', ['route_table_base']],
  ['invalid-not-a-mapping.yaml', ['(file)']],
];

for (const [file, keys] of CASES) {
  test(`${file} -> ${keys.join(', ')}`, () => {
    const path = fixture(file);
    const { error, problems } = configProblems(() => loadConfig(path));
    assert.deepEqual([...new Set(keysOf(problems))].sort(), [...keys].sort());
    assert.equal(error.details['file'], path);
    for (const line of error.message.split('\n')) assert.ok(line.startsWith(`${path}: `), line);
  });
}

test('every problem is reported, not only the first (an unknown key is only a warning)', () => {
  const { problems } = configProblems(() => loadConfig(fixture('invalid-many-problems.yaml')));
  assert.deepEqual(keysOf(problems).sort(), ['api_port', 'ping_timeout', 'primary.interface']);
});

test('a problem carries the offending value and what was expected', () => {
  const { problems } = configProblems(() => loadConfig(fixture('invalid-negative-timeout.yaml')));
  const p = problems[0];
  assert.equal(p?.key, 'ping_timeout');
  assert.equal(p?.value, -1);
  assert.match(p?.expected ?? '', /seconds/);
});

test('a YAML syntax error carries its line and column', () => {
  const { problems } = configProblems(() => loadConfig(fixture('invalid-bad-yaml.yaml')));
  const p = problems[0];
  assert.equal(typeof p?.line, 'number');
  assert.equal(typeof p?.column, 'number');
});

test('a bad api_key value is not echoed in the problems or the message', () => {
  const { error, problems } = configProblems(() => parseConfig('api_key: 123456789\n', '/etc/x.yaml'));
  assert.deepEqual(keysOf(problems), ['api_key']);
  assert.notEqual(problems[0]?.value, 123456789);
  assert.ok(!error.message.includes('123456789'));
});

test('a key given twice is a YAML error', () => {
  const { problems } = configProblems(() => parseConfig('api_port: 1\napi_port: 2\n', '/etc/x.yaml'));
  assert.deepEqual(keysOf(problems), ['(file)']);
});

test('type errors are reported, not coerced', () => {
  const { problems } = configProblems(() =>
    parseConfig('api_port: "8780"\nping_timeout: "1.5"\nrp_filter_loose: "yes"\nprimary: eth0\n', '/etc/x.yaml'),
  );
  assert.deepEqual(keysOf(problems).sort(), ['api_port', 'ping_timeout', 'primary', 'rp_filter_loose']);
});

test('links entries: missing name, not a mapping, duplicate name, duplicate table', () => {
  const text = [
    'links:',
    '  - { interface: eth0 }',
    '  - just-a-string',
    '  - { name: c, interface: eth2, table: 9 }',
    '  - { name: c, interface: eth3, table: 9 }',
  ].join('\n');
  const { problems } = configProblems(() => parseConfig(text, '/etc/x.yaml'));
  assert.deepEqual(keysOf(problems).sort(), ['links[0].name', 'links[1]', 'links[3].name', 'links[3].table']);
});
