import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discoveryMessages, entityName, LINK_STATES, OFF, ON, type DiscoveryLink } from '../../../src/mqtt/discovery.js';
import { slugify, uniqueSlugs } from '../../../src/mqtt/slug.js';
import { buildTopics } from '../../../src/mqtt/topics.js';
import { haProblems } from './ha-schema.js';

const DEVICE = { name: 'WAN failover gw', model: 'wan-failover daemon', manufacturer: 'wan-failover', swVersion: '1.2.3' };
const LINKS: DiscoveryLink[] = [
  { name: 'primary', label: 'Telekom', hasJitter: false },
  { name: 'lte.backup', label: 'LTE', hasJitter: true },
];
const topics = buildTopics('wan-failover', 'homeassistant', 'wan-failover-gw.lan', LINKS.map((l) => l.name));
const messages = discoveryMessages(DEVICE, LINKS, topics);
const ID_CLASS = /^[a-zA-Z0-9_-]+$/;

test('slugify keeps only [a-zA-Z0-9_-] and is never empty; unique slugs stay unique', () => {
  assert.equal(slugify('gw.example.lan'), 'gw_example_lan');
  assert.equal(slugify('...'), 'x');
  assert.equal(slugify('wan 1/ü'), 'wan_1');
  const m = uniqueSlugs(['a.b', 'a_b', 'a-b']);
  assert.deepEqual([...m.values()], ['a_b', 'a_b_2', 'a-b']);
});

test('every discovery topic is <prefix>/<component>/<node_id>/<object_id>/config with legal ids', () => {
  assert.ok(messages.length > 10);
  for (const m of messages) {
    const parts = m.topic.split('/');
    assert.equal(parts.length, 5, m.topic);
    assert.equal(parts[0], 'homeassistant');
    assert.equal(parts[1], m.component);
    assert.match(parts[2]!, ID_CLASS, m.topic);
    assert.match(parts[3]!, ID_CLASS, m.topic);
    assert.equal(parts[4], 'config');
  }
  assert.equal(topics.node, 'wan-failover-gw_lan');
  assert.equal(new Set(messages.map((m) => m.topic)).size, messages.length, 'topics are unique');
});

test('every config has the fields Home Assistant needs, and one identical device block', () => {
  const device = JSON.stringify(messages[0]!.payload['device']);
  const ids = new Set<string>();
  for (const m of messages) {
    const p = m.payload;
    assert.equal(typeof p['name'], 'string', m.topic);
    assert.match(p['unique_id'] as string, ID_CLASS);
    assert.equal(p['object_id'], p['unique_id']);
    ids.add(p['unique_id'] as string);
    assert.equal(JSON.stringify(p['device']), device, 'device block identical in every config');
    assert.deepEqual(p['availability'], [{ topic: 'wan-failover/availability', payload_available: 'online', payload_not_available: 'offline' }]);
    if (m.component === 'button') assert.equal(typeof p['command_topic'], 'string');
    else assert.equal(typeof p['state_topic'], 'string', `${m.topic} has a state_topic`);
    if (m.component === 'select' || m.component === 'switch' || m.component === 'button') {
      assert.match(p['command_topic'] as string, /^wan-failover\/.+\/set$/);
    }
    if (p['entity_category'] !== undefined) {
      assert.ok(m.component !== 'sensor' && m.component !== 'binary_sensor' ? true : p['entity_category'] === 'diagnostic', m.topic);
    }
    assert.ok(p['device_class'] !== undefined || p['icon'] !== undefined, `${m.topic}: a device class or an icon`);
    // A state document is JSON: a config reading it needs a template (or only attributes).
    if (typeof p['state_topic'] === 'string' && (p['state_topic'] as string).endsWith('/state')) assert.equal(typeof p['value_template'], 'string', m.topic);
  }
  assert.equal(ids.size, messages.length, 'unique ids are unique');
  const d = JSON.parse(device) as Record<string, unknown>;
  assert.deepEqual(d['identifiers'], [topics.node]);
  for (const k of ['name', 'model', 'manufacturer', 'sw_version']) assert.equal(typeof d[k], 'string', k);
});

test('no entity name starts with the device name', () => {
  for (const m of messages) assert.ok(!(m.payload['name'] as string).toLowerCase().startsWith(DEVICE.name.toLowerCase()), m.payload['name'] as string);
  assert.equal(entityName('WAN failover gw RTT', DEVICE.name), 'Link WAN failover gw RTT');
  assert.equal(entityName('Telekom RTT', DEVICE.name), 'Telekom RTT');
});

test('binary sensors use exactly ON/OFF; the switch too; the button presses PRESS', () => {
  for (const m of messages.filter((x) => x.component === 'binary_sensor' || x.component === 'switch')) {
    assert.equal(m.payload['payload_on'], ON, m.topic);
    assert.equal(m.payload['payload_off'], OFF, m.topic);
    assert.match(m.payload['value_template'] as string, /'ON'.*'OFF'/);
  }
  const button = messages.find((m) => m.component === 'button')!;
  assert.equal(button.payload['payload_press'], 'PRESS');
});

test('the per-link and router entities the issue lists are all there', () => {
  const keys = messages.map((m) => m.topic.split('/')[3]);
  for (const k of ['primary_connectivity', 'primary_gateway', 'primary_carrier', 'primary_rtt', 'primary_loss', 'primary_rx_mbps',
    'primary_tx_mbps', 'primary_rx_mbps_avg', 'primary_tx_mbps_avg', 'primary_state', 'lte_backup_jitter', 'primary_carrying', 'primary_share',
    'active_link', 'route_via', 'auto_failover', 'resume_auto', 'switch_count', 'last_switch', 'all_links_down']) {
    assert.ok(keys.includes(k), `missing ${k}`);
  }
  assert.ok(!keys.includes('primary_jitter'), 'jitter only when the engine reports it');
  const rx = messages.find((m) => m.topic.includes('/primary_rx_mbps/'))!.payload;
  assert.equal(rx['unit_of_measurement'], 'Mbit/s');
  assert.equal(rx['device_class'], 'data_rate');
  assert.equal(rx['state_class'], 'measurement');
  const rtt = messages.find((m) => m.topic.includes('/primary_rtt/'))!.payload;
  assert.equal(rtt['unit_of_measurement'], 'ms');
  const last = messages.find((m) => m.topic.includes('/last_switch/'))!.payload;
  assert.equal(last['device_class'], 'timestamp');
  assert.equal(last['state_topic'], 'wan-failover/router/last_switch');
  const state = messages.find((m) => m.topic.includes('/primary_state/'))!.payload;
  assert.deepEqual(state['options'], LINK_STATES);
});

test('the select offers the link names and reads the topic that carries exactly one of them', () => {
  const select = messages.find((m) => m.component === 'select')!.payload;
  assert.deepEqual(select['options'], ['primary', 'lte.backup']);
  assert.equal(select['state_topic'], topics.active);
  assert.equal(select['value_template'], undefined, 'raw state: the payload is the option');
  assert.equal(select['command_topic'], 'wan-failover/router/active/set');
});

test("every config passes the documented schema of its platform (no undocumented keys, required ones present)", () => {
  const problems = messages.flatMap((m) => haProblems(m.component, m.payload).map((p) => `${m.topic}: ${p}`));
  assert.deepEqual(problems, []);
  assert.ok(haProblems('sensor', { ...messages[0]!.payload, stat_t: 'x' }).length > 0, 'the checker catches an undocumented key');
});

test('with IPv6 managed, an "Active link (IPv6)" sensor reads active_ipv6_label from the router document; without, none', () => {
  const key = (ms: typeof messages): string[] => ms.map((m) => m.topic).filter((t) => t.includes('active_link_ipv6'));
  assert.deepEqual(key(messages), []);
  const with6 = discoveryMessages(DEVICE, LINKS, topics, { ipv6: true });
  const [sensor] = with6.filter((m) => m.topic.includes('active_link_ipv6'));
  assert.ok(sensor, 'the IPv6 active-link sensor is announced');
  assert.equal(sensor.component, 'sensor');
  assert.equal(sensor.payload['state_topic'], topics.router);
  assert.match(String(sensor.payload['value_template']), /active_ipv6_label/);
  assert.deepEqual(haProblems(sensor.component, sensor.payload), []);
  assert.equal(with6.length, messages.length + 1, 'everything else is unchanged');
});

test('a metered link gets a data usage sensor (MB, its cap and percentage as attributes); an unmetered one does not', () => {
  const metered = discoveryMessages(DEVICE, [LINKS[0]!, { ...LINKS[1]!, metered: true }], topics);
  const usage = metered.filter((m) => m.topic.includes('data_usage'));
  assert.equal(usage.length, 1);
  assert.match(usage[0]!.topic, /lte_backup_data_usage/);
  assert.equal(usage[0]!.payload['value_template'], '{{ value_json.usage_mb }}');
  assert.equal(usage[0]!.payload['unit_of_measurement'], 'MB');
  assert.equal(usage[0]!.payload['json_attributes_topic'], topics.link('lte.backup'));
  assert.deepEqual(haProblems(usage[0]!.component, usage[0]!.payload), []);
  assert.equal(messages.filter((m) => m.topic.includes('data_usage')).length, 0);
});
