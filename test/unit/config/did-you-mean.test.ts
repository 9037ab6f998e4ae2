// The "did you mean" hint for an unknown config key: edit distance, the closeness limit, and the
// warning text check-config prints for a key close to a known one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestKey, editDistance } from '../../../src/config/did-you-mean.js';
import { parseConfigReport } from '../../../src/config/load.js';

test('editDistance counts inserts, deletes, substitutions and adjacent swaps as one edit each', () => {
  assert.equal(editDistance('failure_threshold', 'failure_threshold'), 0);
  assert.equal(editDistance('failur_threshold', 'failure_threshold'), 1);
  assert.equal(editDistance('faliure_threshold', 'failure_threshold'), 1, 'swap');
  assert.equal(editDistance('ping_timout', 'ping_timeout'), 1);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('closestKey: the nearest known key when it is close enough, else null', () => {
  const keys = ['failure_threshold', 'recovery_threshold', 'ping_timeout', 'ping_count', 'check_interval'];
  assert.equal(closestKey('failur_threshold', keys), 'failure_threshold');
  assert.equal(closestKey('Ping_Timeout', keys), 'ping_timeout', 'case-insensitive');
  assert.equal(closestKey('zzz', keys), null);
  assert.equal(closestKey('timeout', keys), null, 'too far from ping_timeout (5 edits)');
  assert.equal(closestKey('abc', ['abd', 'abe']), null, 'a tie suggests nothing');
});

test('check-config: an unknown key close to a known one names it, at the top level and inside a link', () => {
  const yaml = [
    'links:',
    '  - { name: primary, interface: wan0, dispaly_name: Telekom }',
    '  - { name: secondary, interface: wan1 }',
    'failur_threshold: 3',
    'zzz_unrelated: 1',
    '',
  ].join('\n');
  const r = parseConfigReport(yaml, 'c.yaml');
  const msg = (key: string): string => r.warnings.find((w) => w.key === key)?.message ?? `no warning for ${key}`;
  assert.equal(msg('failur_threshold'), 'unknown key "failur_threshold" ignored (did you mean `failure_threshold`? the original daemon ignored it too)');
  assert.match(msg('links[0].dispaly_name'), /did you mean `display_name`\?/);
  assert.equal(msg('zzz_unrelated'), 'unknown key "zzz_unrelated" ignored (a typo? the original daemon ignored it too)');
});
