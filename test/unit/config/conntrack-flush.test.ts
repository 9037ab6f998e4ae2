// conntrack_flush: globally and per link (primary/secondary sections and links[] entries).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { flushModeOf } from '../../../src/conntrack/flush-mode.js';
import { configProblems } from './helpers.js';

const FILE = '/etc/wan-failover/config.yaml';

test('default: on_switch for every link', () => {
  const c = parseConfig('', FILE);
  assert.equal(c.conntrackFlush, 'on_switch');
  assert.equal(flushModeOf(c, 'primary'), 'on_switch');
  assert.equal(flushModeOf(c, 'secondary'), 'on_switch');
});

test('global never, one link back to on_switch (seed sections)', () => {
  const c = parseConfig('conntrack_flush: never\nprimary:\n  interface: wan0\n  conntrack_flush: on_switch\n', FILE);
  assert.equal(flushModeOf(c, 'primary'), 'on_switch');
  assert.equal(flushModeOf(c, 'secondary'), 'never');
});

test('per link in a links[] entry', () => {
  const c = parseConfig('links:\n  - {name: a, interface: wan0, conntrack_flush: never}\n  - {name: b, interface: wan1}\n', FILE);
  assert.equal(flushModeOf(c, 'a'), 'never');
  assert.equal(flushModeOf(c, 'b'), 'on_switch');
  assert.equal(flushModeOf(c, 'unknown-link'), 'on_switch');
});

test('a bad global value names the key, the value and what is expected', () => {
  const { error, problems } = configProblems(() => parseConfig('conntrack_flush: always\n', FILE));
  assert.deepEqual(problems.map((p) => p.key), ['conntrack_flush']);
  assert.equal(problems[0]!.value, 'always');
  assert.match(problems[0]!.expected, /on_switch or never/);
  assert.match(error.message, /conntrack_flush/);
});

test('bad per-link values name their key path', () => {
  const seed = configProblems(() => parseConfig('secondary:\n  conntrack_flush: true\n', FILE));
  assert.deepEqual(seed.problems.map((p) => p.key), ['secondary.conntrack_flush']);
  const list = configProblems(() => parseConfig('links:\n  - {name: a, interface: wan0}\n  - {name: b, interface: wan1, conntrack_flush: sometimes}\n', FILE));
  assert.deepEqual(list.problems.map((p) => p.key), ['links[1].conntrack_flush']);
  assert.equal(list.problems[0]!.value, 'sometimes');
});
