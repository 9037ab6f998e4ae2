// src/config/reload.ts: the one diff of two configs (live keys applied, restart keys kept, per the
// schema) and the refusal of a reload that would lose the API key, every link or every target
// (issue 19, defect 7: a config truncated to 0 bytes reloaded as all defaults).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { planReload, reloadMode, reloadRefusal } from '../../../src/config/reload.js';
import { SCHEMA } from '../../../src/config/schema.js';
import { isWanError } from '../../../src/errors.js';

const KEY = 'k'.repeat(32);
const RUNNING = `api_key: ${KEY}
links:
  - {name: wan1, interface: wan1}
  - {name: wan2, interface: wan2}
ping_targets: [198.51.100.1, 198.51.100.2]
check_interval: 1
`;
const running = parseConfig(RUNNING, '/etc/wan-failover/config.yaml');
const next = (text: string) => parseConfig(text, '/etc/wan-failover/config.yaml');

function refused(text: string): string {
  try {
    planReload(running, next(text));
  } catch (err) {
    assert.ok(isWanError(err) && err.code === 'WAN_ERR_CONFIG', String(err));
    assert.equal(err.message.split('\n').length, 1, 'one line');
    return err.message;
  }
  assert.fail('the reload was not refused');
}

test('an empty file (truncated) is refused on reload: it would drop the API key', () => {
  const msg = refused('');
  assert.match(msg, /reload refused: it would remove the API key/);
  assert.match(msg, /running configuration is kept/);
  assert.ok(!msg.includes(KEY), 'the key is never in the message');
});

test('a reload that drops every link, or every target, is refused with the reason', () => {
  assert.match(refused(RUNNING.replace(/links:[\s\S]*?ping_targets/, 'ping_targets')), /every link \(wan1, wan2 -> eth0, eth1\)/);
  assert.match(refused(RUNNING.replace('ping_targets: [198.51.100.1, 198.51.100.2]', 'ping_targets: [203.0.113.1]')),
    /every ping target \(198\.51\.100\.1, 198\.51\.100\.2 -> 203\.0\.113\.1\)/);
  assert.match(refused(RUNNING.replace(KEY, 'short')), /remove the API key \(api_key is too short/);
});

test('a reload keeping one link and one target, with a key, is accepted', () => {
  const text = `${RUNNING.replace('interface: wan2', 'interface: wan3').replace('198.51.100.2', '203.0.113.7')}failure_threshold: 4\n`;
  const plan = planReload(running, next(text));
  assert.deepEqual([...plan.needRestart], ['links']);
  assert.deepEqual([...plan.changed].sort(), ['failure_threshold', 'ping_targets']);
  assert.equal(plan.applied.links[1]!.interface, 'wan2', 'links wait for a restart');
  assert.equal(plan.applied.failureThreshold, 4);
});

test('a daemon started on the defaults (drop-in, no key) may reload an empty file', () => {
  const defaults = parseConfig('', '/etc/wan-failover/config.yaml');
  assert.equal(reloadRefusal(defaults, defaults), null);
  assert.deepEqual(planReload(defaults, parseConfig('', '/etc/wan-failover/config.yaml')).changed, []);
});

test('mode switches need a restart: probe_interval on/off, IPv6 targets added; within a mode they are live', () => {
  const cont = planReload(running, next(`${RUNNING}probe_interval: 0.2\n`));
  assert.deepEqual(cont.needRestart, ['probe_interval']);
  assert.equal(cont.applied.probeIntervalMs ?? null, null);
  const c1 = next(`${RUNNING}probe_interval: 0.2\n`);
  assert.deepEqual(planReload(c1, next(`${RUNNING}probe_interval: 0.5\n`)).changed, ['probe_interval']);
  const v6 = planReload(running, next(RUNNING.replace('198.51.100.2]', '198.51.100.2, 2001:db8::1]')));
  assert.deepEqual(v6.needRestart, ['ping_targets']);
  assert.deepEqual(v6.applied.pingTargets6, []);
});

test('every schema key says what SIGHUP does with it', () => {
  for (const key of Object.keys(SCHEMA)) assert.match(reloadMode(key), /^(live|restart|live-same-mode)$/, key);
  assert.equal(reloadMode('mqtt'), 'restart');
  assert.equal(reloadMode('check_interval'), 'live');
  assert.equal(reloadMode('route_metric'), 'restart');
  assert.equal(reloadMode('primary'), 'restart');
});

test('a link\'s tier and weight apply in place; any other link change and balance.buckets wait for a restart (issue 21)', () => {
  const weighted = planReload(running, next(RUNNING.replace('{name: wan1, interface: wan1}', '{name: wan1, interface: wan1, tier: 1, weight: 5}')
    .replace('{name: wan2, interface: wan2}', '{name: wan2, interface: wan2, tier: 1, weight: 3}')));
  assert.deepEqual(weighted.needRestart, []);
  assert.deepEqual(weighted.changed, ['links']);
  assert.deepEqual(weighted.applied.links.map((l) => [l.tier, l.weight]), [[1, 5], [1, 3]]);

  const renamed = planReload(running, next(RUNNING.replace('{name: wan2, interface: wan2}', '{name: wan2, interface: wan3, weight: 2}')));
  assert.deepEqual(renamed.needRestart, ['links']);
  assert.deepEqual(renamed.applied.links.map((l) => l.interface), ['wan1', 'wan2'], 'the running links stay, weight and all');

  const balanced = running.balance === undefined ? parseConfig(`${RUNNING}balance: {buckets: 128, idle_timer: 120}\n`, running.sourcePath) : running;
  const buckets = planReload(balanced, next(`${RUNNING}balance: {buckets: 256, idle_timer: 30}\n`));
  assert.deepEqual(buckets.needRestart, ['balance.buckets']);
  assert.deepEqual(buckets.changed, ['balance']);
  assert.deepEqual(buckets.applied.balance, { buckets: 128, idleTimerS: 30, unbalancedTimerS: 0 }, 'the timers apply, the bucket count stays');
});
