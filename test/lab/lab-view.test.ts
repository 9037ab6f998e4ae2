// No root needed: the demo's pure rendering, the JSON-line framing, default-route picking and
// the tool preflight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { renderConfig, renderStatus, renderSummary, timingOf, viewKey } from '../../lab/demo-view.js';
import { parseJsonLine, onLines } from '../../lab/json-lines.js';
import { pickDefaultRoutes } from '../../lab/agent-client.js';
import { findOnPath, requireTools } from '../../lab/preflight.js';
import type { RouteEntry } from '../../src/netlink/types.js';

const status = {
  active_link: 'wan2', active_display_name: 'ISP 2', auto_enabled: true, all_down: false,
  links: [
    { name: 'wan1', interface: 'wan1', state: 'down', healthy: false, gateway_reachable: true, carrier: true, active: false, rtt_ms: null, loss_pct: 100 },
    { name: 'wan2', interface: 'wan2', state: 'up', healthy: true, gateway_reachable: true, carrier: true, active: true, rtt_ms: 0.25, loss_pct: 0 },
  ],
};

test('renderStatus: status line, column header, one line per link, active marked', () => {
  const lines = renderStatus(status, 12_345);
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^\[ 12\.3s\] active: wan2 \(ISP 2\)  auto: on$/);
  assert.match(lines[1]!, /^ {4}link +iface +state +healthy +gw +carrier +rtt +loss +fails$/);
  assert.match(lines[2]!, /^ {4}wan1 +wan1 +down +no +yes +yes +- +100% +-$/);
  assert.match(lines[3]!, /^ {2}\* wan2 .*yes .*0\.25ms/);
  assert.deepEqual(renderStatus({}, 0).length, 2);
});

test('renderStatus with the demo context: kernel route, loss window and failure count in the header', () => {
  const s = { ...status, links: status.links.map((l) => ({ ...l, consecutive_failures: l.name === 'wan1' ? 2 : 0, carrier: l.name === 'wan1' ? false : true })) };
  const lines = renderStatus(s, 1000, { kernelRoute: 'wan2', lossWindow: 3, failureThreshold: 3 });
  assert.match(lines[0]!, /kernel route: wan2/);
  assert.match(lines[1]!, /loss\/3 +fails\/3$/);
  assert.match(lines[2]!, /^ {4}wan1 +wan1 +down +no +yes +no +- +100% +2$/, 'carrier:no while it lasts');
  assert.match(renderStatus(s, 0, { kernelRoute: null })[0]!, /kernel route: none/);
});

test('renderConfig: the config and the failover window it implies', () => {
  const lines = renderConfig({
    links: [{ name: 'wan1', display_name: 'ISP 1' }], ping_targets: ['198.51.100.1'], check_interval: 1, ping_timeout: 0.5,
    ping_count: 1, failure_threshold: 3, recovery_threshold: 3, min_secondary_time: 5, stats_window: 3,
  }).join('\n');
  assert.match(lines, /check_interval 1 s, ping_timeout 0\.5 s/);
  assert.match(lines, /upstream outage -> failover in 2\.5-3\.5 s: 3 failed checks 1 s apart/);
  assert.match(lines, /carrier loss +-> failover at once/);
  assert.match(lines, /return +-> in 2-3 s: 3 good checks, the first one 0-1 s after the\s+heal, and at least 5 s on the secondary/);
  assert.match(lines, /loss over the last 3 checks/);
  const other = { check_interval: 2, ping_timeout: 1, failure_threshold: 2, recovery_threshold: 2, min_secondary_time: 0 };
  assert.match(renderConfig(other).join('\n'), /failover in 3-5 s/);
  assert.ok(renderConfig({ ping_targets: ['198.51.100.1'] }).every((l) => !/bounds/.test(l)), 'no bounds without the timing keys');
});

test('viewKey ignores RTT and loss, sees health and the active link', () => {
  const rttOnly = { ...status, links: status.links.map((l) => ({ ...l, rtt_ms: 9, loss_pct: 5 })) };
  assert.equal(viewKey(rttOnly), viewKey(status));
  assert.notEqual(viewKey({ ...status, active_link: 'wan1' }), viewKey(status));
});

test('renderSummary shows times, bounds and failures', () => {
  const t = timingOf({ check_interval: 1, ping_timeout: 0.5, failure_threshold: 3, recovery_threshold: 3, min_secondary_time: 5 });
  const lines = renderSummary([
    { step: 'outage', kind: 'upstream', expected: 'wan2', ms: 3060 },
    { step: 'heal', kind: 'return', expected: 'wan1', ms: null, error: 'timeout' },
  ], t);
  const text = lines.join('\n');
  assert.match(text, /\n {2}outage +wan2 +3\.06 s +2\.5-3\.5 s/);
  assert.match(text, /\n {2}heal +wan1 +FAILED/);
  assert.match(text, /heal: FAILED: timeout/);
  assert.match(text, /outage: 0\.56 s until the next check/);
});

test('parseJsonLine keeps objects only', () => {
  assert.deepEqual(parseJsonLine('{"msg":"x"}'), { msg: 'x' });
  assert.equal(parseJsonLine('[1]'), null);
  assert.equal(parseJsonLine('not json'), null);
  assert.equal(parseJsonLine('{broken'), null);
});

test('onLines splits chunks on newlines and flushes the tail', async () => {
  const s = new PassThrough();
  const got: string[] = [];
  onLines(s, (l) => got.push(l));
  s.write('a\nb');
  s.write('c\n\nd');
  s.end();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, ['a', 'bc', 'd']);
});

test('pickDefaultRoutes: IPv4 defaults of one table, lowest metric first', () => {
  const base: RouteEntry = {
    family: 'inet', table: 254, dst: null, dstLength: 0, gateway: '100.64.1.1', oif: 2, priority: 100,
    protocol: 16, scope: 0, type: 1, prefsrc: null,
  };
  const routes: RouteEntry[] = [
    base,
    { ...base, gateway: '100.64.2.1', priority: null },
    { ...base, table: 1000 },
    { ...base, dst: '100.64.1.0', dstLength: 24 },
    { ...base, family: 'inet6', gateway: '2001:db8::1' },
  ];
  assert.deepEqual(pickDefaultRoutes(routes).map((r) => r.gateway), ['100.64.2.1', '100.64.1.1']);
  assert.equal(pickDefaultRoutes(routes, 1000).length, 1);
});

test('preflight names the missing tool and its package', () => {
  assert.equal(findOnPath('definitely-not-a-tool-wfl'), null);
  assert.throws(() => requireTools(['definitely-not-a-tool-wfl']), /definitely-not-a-tool-wfl/);
  assert.doesNotThrow(() => requireTools(['sh']));
});
