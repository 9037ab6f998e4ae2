// metered: (issue 24): true takes the defaults, a mapping sets its keys, bad input names the key;
// state_dir is a top-level key with its default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { isWanError } from '../../../src/errors.js';
import type { ConfigProblem } from '../../../src/config/problems.js';

const KEY = `api_key: ${'k'.repeat(32)}\n`;
const LIST = (lte: string): string => `${KEY}links:\n  - {name: fiber, interface: eth0}\n  - {name: lte, interface: wwan0, metered: ${lte}}\n`;

function problems(yaml: string): ConfigProblem[] {
  try {
    parseConfig(yaml, '/etc/x.yaml');
  } catch (e) {
    if (isWanError(e) && e.code === 'WAN_ERR_CONFIG') return e.details['problems'] as ConfigProblem[];
    throw e;
  }
  assert.fail('expected a WAN_ERR_CONFIG');
}

describe('metered config', () => {
  it('absent: no link is metered, state_dir has its default', () => {
    const c = parseConfig(KEY, '/etc/x.yaml');
    assert.ok(c.links.every((l) => l.metered === undefined));
    assert.equal(c.stateDir, '/var/lib/wan-failover');
  });

  it('state_dir is read', () => {
    assert.equal(parseConfig(`${KEY}state_dir: /srv/wf\n`, '/etc/x.yaml').stateDir, '/srv/wf');
  });

  it('metered: true takes the defaults (60 s, no cap, day 1)', () => {
    const c = parseConfig(LIST('true'), '/etc/x.yaml');
    assert.equal(c.links[0]!.metered, undefined);
    assert.deepEqual(c.links[1]!.metered, { standbyProbeIntervalMs: 60_000, dataCapBytes: null, capResetDay: 1 });
  });

  it('metered: false is not metered', () => {
    assert.equal(parseConfig(LIST('false'), '/etc/x.yaml').links[1]!.metered, undefined);
  });

  it('a mapping sets interval, cap (MB = 10^6 bytes) and reset day', () => {
    const c = parseConfig(LIST('{standby_probe_interval: 120, data_cap_mb: 10000, cap_reset_day: 15}'), '/etc/x.yaml');
    assert.deepEqual(c.links[1]!.metered, { standbyProbeIntervalMs: 120_000, dataCapBytes: 10_000_000_000, capResetDay: 15 });
  });

  it('works under primary/secondary too', () => {
    const c = parseConfig(`${KEY}secondary: {interface: wwan0, metered: {data_cap_mb: 500}}\n`, '/etc/x.yaml');
    assert.equal(c.links[1]!.interface, 'wwan0');
    assert.deepEqual(c.links[1]!.metered, { standbyProbeIntervalMs: 60_000, dataCapBytes: 500_000_000, capResetDay: 1 });
  });

  it('bad values are refused naming the key', () => {
    const keys = (y: string): string[] => problems(y).map((p) => p.key);
    assert.deepEqual(keys(LIST('{data_cap_mb: 0}')), ['links[1].metered.data_cap_mb']);
    assert.deepEqual(keys(LIST('{cap_reset_day: 29}')), ['links[1].metered.cap_reset_day']);
    assert.deepEqual(keys(LIST('{cap_reset_day: 0}')), ['links[1].metered.cap_reset_day']);
    assert.deepEqual(keys(LIST('yes-please')), ['links[1].metered']);
    assert.deepEqual(keys(`${KEY}secondary: {interface: wwan0, metered: {data_cap_mb: -1}}\n`), ['secondary.metered.data_cap_mb']);
  });

  it('standby_probe_interval below check_interval is refused, naming both', () => {
    const p = problems(`check_interval: 5\n${LIST('{standby_probe_interval: 2}')}`);
    assert.equal(p.length, 1);
    assert.equal(p[0]!.key, 'links[1].metered.standby_probe_interval');
    assert.match(p[0]!.expected, /check_interval \(5\)/);
    const s = problems(`check_interval: 5\n${KEY}secondary: {interface: wwan0, metered: {standby_probe_interval: 4}}\n`);
    assert.equal(s[0]!.key, 'secondary.metered.standby_probe_interval');
  });

  it('an unknown key inside metered is a warning, the link stays metered', () => {
    const c = parseConfig(LIST('{data_cap_mb: 5, colour: red}'), '/etc/x.yaml');
    assert.equal(c.links[1]!.metered?.dataCapBytes, 5_000_000);
  });
});

describe('metered config warnings', () => {
  it('with probe_interval a metered link gets a warning that standby probing needs the cycles', async () => {
    const { parseConfigReport } = await import('../../../src/config/load.js');
    const r = parseConfigReport(`probe_interval: 0.5\n${LIST('true')}`, '/etc/x.yaml');
    const w = r.warnings.filter((x) => x.key === 'links[1].metered');
    assert.equal(w.length, 1);
    assert.match(w[0]!.message, /standby probing applies to the check cycles only/);
    assert.equal(parseConfigReport(LIST('true'), '/etc/x.yaml').warnings.filter((x) => x.key.includes('metered')).length, 0);
  });
});
