// Unit tests of the pure `wanctl status` rendering from a fixture /api/status body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDuration, formatMs, formatPct, ipv6Table, renderStatus, shortTime, statusTable,
} from '../../../src/cli/format-status.js';
import { makePainter } from '../../../src/cli/io.js';
import { asStatusJson, statusLinks, type StatusJson } from '../../../src/cli/status-json.js';
import { STATUS_FIXTURE } from './status-fixture.js';

const plain = makePainter(false);
// The API's payload type must be assignable to what wanctl reads: checked by the compiler here.
const fixture: StatusJson = STATUS_FIXTURE;

test('the table lists every link in order with the active one marked', () => {
  const lines = statusTable(fixture, plain);
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^\s*LINK\s+NAME\s+IFACE\s+HEALTH\s+GW REACH\s+GATEWAY\s+RTT\s+LOSS\s+JITTER\s+CARRIER\s+RX MBPS\s+TX MBPS$/);
  const cells = lines.slice(1).map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(cells[0], ['primary', 'Telekom', 'wan0', 'down', 'yes', '198.51.100.1', '-', '100%', '-', 'yes', '10.12', '1.00']);
  assert.deepEqual(cells[1], ['*', 'secondary', 'Digi', 'wan1', 'up', 'yes', '203.0.113.1', '12.3 ms', '0%', '-', 'yes', '10.12', '1.00']);
  assert.deepEqual(cells[2], ['lte', 'LTE', 'wwan0', 'unknown', 'no', 'unknown', '-', '-', '-', 'no', '10.12', '1.00']);
});

test('the columns line up: every row is as long as the header or shorter only at the end', () => {
  const lines = statusTable(fixture, plain);
  const gw = lines[0].indexOf('GATEWAY');
  assert.equal(lines[1].indexOf('198.51.100.1'), gw);
  assert.equal(lines[3].indexOf('unknown', lines[0].indexOf('GW REACH') + 8), gw);
});

test('the page: summary, table, events', () => {
  const lines = renderStatus(fixture, plain);
  assert.equal(lines[0], 'active: secondary (Digi) via wan1, gateway 203.0.113.1');
  assert.equal(lines[1], 'auto failover: on   switches: 3 (last 2025-01-02 03:00:00Z)   uptime: 1h 02m 03s');
  const ev = lines.indexOf('recent events:');
  assert.ok(ev > 0);
  assert.match(lines[ev + 1], /^ {2}2025-01-02 02:59:58Z {2}down {4}Telekom is down/);
  assert.match(lines[ev + 2], /switch {2}switched to Digi$/);
});

test('all down, manual hold, no active link and no events are said plainly', () => {
  const s: StatusJson = { ...fixture, active_link: null, all_down: true, manual_hold: 'primary', recent_events: [] };
  const lines = renderStatus(s, plain);
  assert.equal(lines[0], 'active: none');
  assert.match(lines[1], /manual hold: primary/);
  assert.ok(lines.some((l) => l.startsWith('ALL LINKS DOWN')));
  assert.equal(lines.at(-1), 'recent events: none');
});

test('a seed daemon status (no links[], no additions) still renders', () => {
  const seed = asStatusJson({
    active_link: 'primary', active_display_name: 'Telekom', auto_enabled: false,
    primary: { name: 'primary', display_name: 'Telekom', interface: 'eth0', gateway: '198.51.100.1', healthy: true, gateway_reachable: true },
    secondary: { name: 'secondary', display_name: 'Digi', interface: 'eth1', gateway: null, healthy: false, gateway_reachable: false },
  });
  assert.equal(statusLinks(seed).length, 2);
  const lines = renderStatus(seed, plain);
  assert.match(lines[1], /^auto failover: off$/);
  const cells = statusTable(seed, plain).slice(1).map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(cells[0].slice(0, 5), ['*', 'primary', 'Telekom', 'eth0', 'up']);
  assert.deepEqual(cells[1].slice(0, 4), ['secondary', 'Digi', 'eth1', 'down']);
});

test('colour marks health only when enabled', () => {
  const coloured = statusTable(fixture, makePainter(true)).join('\n');
  assert.ok(coloured.includes('\u001b[32mup'));
  assert.ok(coloured.includes('\u001b[31mdown'));
  assert.ok(!statusTable(fixture, plain).join('\n').includes('\u001b['));
});

test('asStatusJson refuses what is not a status', () => {
  assert.throws(() => asStatusJson([]), TypeError);
  assert.throws(() => asStatusJson({ active_link: 'x' }), TypeError);
});

test('small formatters', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(65), '1m 05s');
  assert.equal(formatDuration(90061), '1d 01h 01m');
  // Below 1 ms two significant digits (the JSON's 0.04 is not "0.0 ms"); above, one decimal.
  assert.equal(formatMs(0.4567), '0.46 ms');
  assert.equal(formatMs(0.04), '0.04 ms');
  assert.equal(formatMs(0.0071), '0.0071 ms');
  assert.equal(formatMs(0), '0.0 ms');
  assert.equal(formatMs(1.25), '1.3 ms');
  assert.equal(formatMs(150.4), '150 ms');
  assert.equal(formatMs(null), '-');
  assert.equal(formatPct(33.333), '33.3%');
  assert.equal(shortTime('2025-01-02T03:04:05.678+02:00'), '2025-01-02 03:04:05+02:00');
  assert.equal(shortTime('yesterday'), 'yesterday');
  assert.equal(shortTime(null), '-');
});

test('link quality: each link\'s reason and window verdict, each target\'s figures and state', () => {
  const withQuality: StatusJson = {
    ...fixture,
    links: [{
      name: 'primary', display_name: 'Telekom', interface: 'wan0', gateway: null, healthy: true, gateway_reachable: true,
      state: 'degraded', jitter_ms: 1.5, state_reason: 'quality: loss 12 % >= degraded_loss_pct 10',
      quality: { state: 'degraded', reason: 'loss 12 % >= degraded_loss_pct 10', window_s: 10, samples: 100 },
      targets: [
        { target: '192.0.2.1', up: true, rtt_ms: 12, loss_pct: 12, jitter_ms: 1.5, state: 'degraded', reason: 'loss 12 % >= degraded_loss_pct 10' },
        { target: '192.0.2.2', up: false, rtt_ms: null, loss_pct: 100, jitter_ms: null, state: 'dead', reason: 'silent' },
      ],
    }],
  };
  const lines = renderStatus(withQuality, plain);
  const at = lines.indexOf('link quality:');
  assert.ok(at > 0);
  assert.equal(lines[at + 1], '  primary: degraded - quality: loss 12 % >= degraded_loss_pct 10; window 10 s, 100 probes: degraded (loss 12 % >= degraded_loss_pct 10)');
  assert.match(lines[at + 2]!, /192\.0\.2\.1\s+degraded\s+rtt 12\.0 ms\s+jitter 1\.5 ms\s+loss 12%/);
  assert.match(lines[at + 3]!, /192\.0\.2\.2\s+dead/);
  assert.deepEqual(renderStatus(fixture, plain).filter((l) => l === 'link quality:'), [], 'cycle mode: no quality block');
});

/** The fixture as a dual-stack daemon sends it: IPv6 on primary while IPv4 is on secondary. */
function dualStack(): StatusJson {
  const v6 = { gateway_source: 'netlink', targets: [], healthy: true, state: 'up', gateway_reachable: true };
  return {
    ...fixture,
    active_link_ipv6: 'primary',
    active_interface_ipv6: 'wan0',
    links: statusLinks(fixture).map((l) => ({
      ...l,
      ipv6: l.name === 'primary' ? { ...v6, gateway: 'fe80::1', active: true, rtt_ms: 4.25, loss_pct: 0 }
        : l.name === 'secondary' ? { ...v6, gateway: 'fe80::2', active: false, healthy: false, state: 'down', gateway_reachable: false, rtt_ms: null, loss_pct: 100 }
          : { ...v6, gateway: null, gateway_source: null, active: false, healthy: false, state: 'unknown', gateway_reachable: false, rtt_ms: null, loss_pct: null },
    })),
  };
}

test('IPv6: the summary names the IPv6 active link and a table shows each link\'s IPv6', () => {
  const s = dualStack();
  const lines = renderStatus(s, plain);
  assert.equal(lines[0], 'active: secondary (Digi) via wan1, gateway 203.0.113.1');
  assert.equal(lines[1], 'active IPv6: primary (Telekom) via wan0, gateway fe80::1');
  assert.doesNotMatch(lines[2]!, /manual hold/);
  assert.match(renderStatus({ ...s, manual_hold_ipv6: 'primary' }, plain)[2]!, /^auto failover: on {3}manual hold IPv6: primary {3}switches/);
  const at = lines.indexOf('IPv6:');
  assert.ok(at > 0, 'an IPv6 section');
  assert.match(lines[at + 1], /^\s*LINK\s+IPV6\s+GW REACH\s+GATEWAY\s+SOURCE\s+RTT\s+LOSS$/);
  const cells = ipv6Table(s, plain).slice(1).map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(cells, [
    ['*', 'primary', 'up', 'yes', 'fe80::1', 'netlink', '4.3 ms', '0%'],
    ['secondary', 'down', 'no', 'fe80::2', 'netlink', '-', '100%'],
    ['lte', 'unknown', 'no', 'unknown', '-', '-', '-'],
  ]);
  // The IPv4 table keeps its meaning: secondary is the active link there.
  assert.match(statusTable(s, plain)[2]!, /^\*\s+secondary/);
});

test('IPv6: nothing about IPv6 when the daemon does not report it; none when it has no IPv6 route', () => {
  const lines = renderStatus(fixture, plain);
  assert.ok(!lines.some((l) => /IPv6/.test(l)));
  assert.deepEqual(ipv6Table(fixture, plain), []);
  assert.equal(renderStatus({ ...dualStack(), active_link_ipv6: null, active_interface_ipv6: null }, plain)[1], 'active IPv6: none');
});
