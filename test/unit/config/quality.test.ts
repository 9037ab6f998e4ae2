// probe_interval and the quality: section: absent = the original's behaviour, defaults, clear
// problems naming key and value, the commented example in config.example.yaml is valid.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../../src/config/load.js';
import { isWanError } from '../../../src/errors.js';
import type { ConfigProblem } from '../../../src/config/problems.js';

const parse = (extra: string): ReturnType<typeof parseConfig> => parseConfig(`api_key: ${'k'.repeat(32)}\n${extra}`, '/etc/x.yaml');

function problems(extra: string): ConfigProblem[] {
  try {
    parse(extra);
  } catch (e) {
    if (isWanError(e) && e.code === 'WAN_ERR_CONFIG') return e.details['problems'] as ConfigProblem[];
    throw e;
  }
  assert.fail('expected a WAN_ERR_CONFIG');
}

describe('probe_interval and quality config', () => {
  it('absent: no probe interval, no quality (the original cycles)', () => {
    const c = parse('');
    assert.equal(c.probeIntervalMs ?? null, null);
    assert.equal(c.quality ?? null, null);
  });

  it('probe_interval alone: continuous probing, no quality rule', () => {
    const c = parse('probe_interval: 0.2\nping_timeout: 0.4\n');
    assert.equal(c.probeIntervalMs, 200);
    assert.equal(c.quality ?? null, null);
  });

  it('an empty quality section takes the defaults', () => {
    const c = parse('probe_interval: 0.2\nquality: {}\n');
    assert.deepEqual(c.quality, { windowMs: 10_000, lossDownPct: 40, lossUpPct: 10, latencyDownMs: 0, latencyUpMs: 0,
      jitterDownMs: 0, jitterUpMs: 0, degradedLossPct: 10 });
  });

  it('the issue example, with up thresholds defaulting to half the down ones', () => {
    const c = parse('probe_interval: 0.2\nquality:\n  window: 5\n  latency_down_ms: 800\n  jitter_down_ms: 60\n');
    assert.equal(c.quality?.windowMs, 5000);
    assert.equal(c.quality?.latencyUpMs, 400);
    assert.equal(c.quality?.jitterUpMs, 30);
  });

  it('refuses a bad probe_interval with the key and the range', () => {
    const p = problems('probe_interval: 0.01\n');
    assert.equal(p[0]?.key, 'probe_interval');
    assert.match(p[0]!.expected, /0\.05 to 60/);
  });

  it('quality needs probe_interval', () => {
    assert.deepEqual(problems('quality: {}\n').map((p) => p.key), ['quality']);
  });

  it('names each bad key of the section', () => {
    const p = problems([
      'probe_interval: 0.5',
      'quality:',
      '  window: 0.5',
      '  loss_down_pct: 30',
      '  loss_up_pct: 50',
      '  latency_up_ms: 100',
      '  degraded_loss_pct: 30',
      '  bogus: 1',
      '',
    ].join('\n'));
    // quality.bogus is an unknown key: a warning, as everywhere (in the refusal's message, not a problem).
    assert.deepEqual(p.map((x) => x.key).sort(), ['quality.degraded_loss_pct', 'quality.latency_up_ms',
      'quality.loss_up_pct', 'quality.window'].sort());
    assert.match(p.find((x) => x.key === 'quality.window')!.expected, /2 x probe_interval/);
  });

  it('refuses a quality section that is not a mapping', () => {
    assert.deepEqual(problems('probe_interval: 0.2\nquality: 5\n').map((p) => p.key), ['quality']);
  });

  it('the commented probe_interval/quality example in config.example.yaml is valid once uncommented', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../../config.example.yaml', import.meta.url)), 'utf8');
    const all = text.split('\n');
    const start = all.indexOf('# quality:');
    const block = [all.find((l) => /^# probe_interval: [\d.]+$/.test(l))!, ...all.slice(start, start + 1 + all.slice(start + 1).findIndex((l) => !l.startsWith('#   ')))];
    const c = parse(block.map((l) => l.slice(2).replace(/\s+#.*$/, '')).join('\n'));
    assert.equal(c.probeIntervalMs, 200);
    assert.equal(c.quality?.latencyDownMs, 800);
    assert.equal(c.quality?.windowMs, 10_000);
  });
});
