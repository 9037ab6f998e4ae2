// PURE capability parsing against /proc/<pid>/status samples, plus a smoke test of the reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCapabilities, missingCapabilities, parseCapEff } from '../../src/capabilities.js';

const status = (capEff: string): string =>
  `Name:\tnode\nUmask:\t0022\nState:\tR (running)\nCapInh:\t0000000000000000\nCapPrm:\t${capEff}\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n`;

test('parseCapEff reads the CapEff hex mask, not CapPrm/CapBnd', () => {
  assert.equal(parseCapEff(status('000001ffffffffff')), 0x1ffffffffffn);
  assert.equal(parseCapEff(status('0000000000003000')), 0x3000n);
  assert.equal(parseCapEff('CapBnd:\tffff\nCapEff:\t0000000000000000\n'), 0n);
});

test('parseCapEff throws when there is no CapEff line', () => {
  assert.throws(() => parseCapEff('Name:\tnode\n'), /CapEff/);
});

test('missingCapabilities names exactly what is missing', () => {
  const netAdmin = 1n << 12n;
  const netRaw = 1n << 13n;
  assert.deepEqual(missingCapabilities(netAdmin | netRaw), []);
  assert.deepEqual(missingCapabilities(netAdmin), ['CAP_NET_RAW']);
  assert.deepEqual(missingCapabilities(netRaw), ['CAP_NET_ADMIN']);
  assert.deepEqual(missingCapabilities(0n), ['CAP_NET_ADMIN', 'CAP_NET_RAW']);
  assert.deepEqual(missingCapabilities(0x1ffffffffffn), []);
  assert.deepEqual(missingCapabilities(0n, ['CAP_BPF']), ['CAP_BPF']);
  assert.deepEqual(missingCapabilities(1n << 39n, ['CAP_BPF']), []);
});

test('missingCapabilities rejects an unknown capability name', () => {
  assert.throws(() => missingCapabilities(0n, ['CAP_FLY']), /unknown capability/);
});

test('checkCapabilities uses the injected status text', () => {
  assert.deepEqual(checkCapabilities(undefined, () => status('0000000000001000')), ['CAP_NET_RAW']);
});

test('checkCapabilities reads /proc/self/status and returns a list', () => {
  const missing = checkCapabilities();
  assert.ok(Array.isArray(missing));
  if (process.getuid?.() === 0) assert.deepEqual(missing, [], 'root normally has every capability');
});
