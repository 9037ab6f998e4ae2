// The vrrp: section (issue 25): absent = no track file; defaults; every bad value is one problem
// naming file, key, value and what was expected; unknown keys warn; the commented example in
// config.example.yaml is valid once uncommented.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig, parseConfigReport } from '../../../src/config/load.js';
import { configProblems } from './helpers.js';

const HEAD = `api_key: ${'k'.repeat(32)}\n`;
const parse = (extra: string): ReturnType<typeof parseConfig> => parseConfig(HEAD + extra, '/etc/x.yaml');
const EXAMPLE = fileURLToPath(new URL('../../../../config.example.yaml', import.meta.url));

describe('vrrp config', () => {
  it('absent: no track file', () => {
    assert.equal(parse('').vrrp ?? null, null);
  });

  it('track_file alone: down_weight -100, no per-link weight', () => {
    assert.deepEqual(parse('vrrp: {track_file: /run/wan-failover/vrrp-weight}').vrrp,
      { trackFile: '/run/wan-failover/vrrp-weight', downWeight: -100, perLinkWeight: null });
  });

  it('takes down_weight and per_link_weight as given', () => {
    assert.deepEqual(parse('vrrp: {track_file: /run/w, down_weight: -254, per_link_weight: -30}').vrrp,
      { trackFile: '/run/w', downWeight: -254, perLinkWeight: -30 });
  });

  it('refuses a missing or relative track_file, naming key and value', () => {
    const missing = configProblems(() => parse('vrrp: {down_weight: -50}'));
    assert.deepEqual(missing.problems.map((p) => p.key), ['vrrp.track_file']);
    assert.match(missing.error.message, /\/etc\/x\.yaml: vrrp\.track_file: got nothing, expected an absolute file path/);
    const relative = configProblems(() => parse('vrrp: {track_file: run/w}'));
    assert.match(relative.error.message, /vrrp\.track_file: got "run\/w", expected an absolute file path/);
  });

  it('refuses weights that are not integers from -254 to -1', () => {
    for (const bad of ['0', '5', '-255', '-1.5', '"-100"']) {
      const { problems, error } = configProblems(() => parse(`vrrp: {track_file: /run/w, down_weight: ${bad}, per_link_weight: ${bad}}`));
      assert.deepEqual(problems.map((p) => p.key), ['vrrp.down_weight', 'vrrp.per_link_weight'], bad);
      assert.match(error.message, /expected an integer from -254 to -1/);
    }
  });

  it('refuses a section that is not a mapping', () => {
    const { problems } = configProblems(() => parse('vrrp: /run/w'));
    assert.deepEqual(problems.map((p) => p.key), ['vrrp']);
  });

  it('an unknown key is a warning and the section still works', () => {
    const r = parseConfigReport(`${HEAD}vrrp: {track_file: /run/w, down_wieght: -5}`, '/etc/x.yaml');
    assert.equal(r.config.vrrp?.downWeight, -100);
    assert.ok(r.warnings.some((w) => w.key === 'vrrp.down_wieght'), JSON.stringify(r.warnings));
  });

  it('the commented vrrp: example in config.example.yaml is valid once uncommented', () => {
    const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('# vrrp:'));
    assert.notEqual(start, -1, 'config.example.yaml has a commented vrrp: section');
    const block: string[] = [];
    for (const l of lines.slice(start)) {
      if (!l.startsWith('#')) break;
      block.push(l.slice(2));
    }
    assert.deepEqual(parse(block.join('\n')).vrrp, { trackFile: '/run/wan-failover/vrrp-weight', downWeight: -100, perLinkWeight: null });
  });
});
