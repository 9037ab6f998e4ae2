import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkDoc, routerDoc, stateMessages } from '../../../src/mqtt/state-docs.js';
import { buildTopics } from '../../../src/mqtt/topics.js';
import { fakeLink, fakeStatus, T0 } from '../../api/fake-engine.js';

const topics = buildTopics('wan-failover', 'homeassistant', 'gw', ['primary', 'secondary']);

test('the router document: active link, auto, all-down, count, last switch as ISO 8601 with a zone', () => {
  const d = routerDoc(fakeStatus());
  assert.equal(d.active, 'primary');
  assert.equal(d.active_label, 'Telekom');
  assert.equal(d.auto, true);
  assert.equal(d.all_down, false);
  assert.equal(d.switch_count, 2);
  assert.equal(d.last_switch, new Date(T0 + 30_000).toISOString());
  assert.match(d.last_switch!, /Z$/);
  assert.equal(d.links_up, 1);
});

test('a link document: booleans, rounded figures, traffic in Mbit/s, null when unknown', () => {
  const s = fakeStatus();
  const up = linkDoc(s.links[0]!);
  assert.equal(up.healthy, true);
  assert.equal(up.rtt_ms, 12.35);
  assert.equal(up.rx_mbps, 10.126);
  assert.equal(up.rx_mbps_avg, 8.25);
  assert.equal('jitter_ms' in up, false);
  const down = linkDoc(s.links[1]!);
  assert.equal(down.rtt_ms, null);
  assert.equal(down.carrier, false);
  assert.equal(down.state, 'down');
  assert.equal(down.last_check, null);
  const withJitter = linkDoc({ ...fakeLink({ name: 'x' }), jitterMs: 3.456 } as ReturnType<typeof fakeLink>);
  assert.equal(withJitter.jitter_ms, 3.46);
});

test('state messages: nothing on the select or timestamp topics until there is a value', () => {
  const s = { ...fakeStatus(), active: null, lastSwitchMs: null, switchCount: 0 };
  const m = stateMessages(s, topics);
  assert.equal(m.has(topics.active), false);
  assert.equal(m.has(topics.lastSwitch), false);
  assert.ok(m.has(topics.router));
  assert.ok(m.has(topics.link('primary')) && m.has(topics.link('secondary')));
  const m2 = stateMessages(fakeStatus(), topics);
  assert.equal(m2.get(topics.active), 'primary', 'the select state is exactly an option (a link name)');
  assert.equal(m2.get(topics.lastSwitch), new Date(T0 + 30_000).toISOString());
});

test('the router document carries the IPv6 active link only when IPv6 is managed', () => {
  const plain = routerDoc(fakeStatus());
  assert.equal('active_ipv6' in plain, false);
  const d = routerDoc({ ...fakeStatus(), activeIpv6: 'secondary' });
  assert.equal(d.active_ipv6, 'secondary');
  assert.equal(d.active_ipv6_label, fakeStatus().links[1]!.displayName);
  assert.equal(d.active, 'primary', 'the IPv4 fields keep their meaning');
  const none = routerDoc({ ...fakeStatus(), activeIpv6: null });
  assert.equal(none.active_ipv6, null);
  assert.equal(none.active_ipv6_label, null);
});
