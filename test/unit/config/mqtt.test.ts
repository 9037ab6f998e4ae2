// The optional mqtt: section: absent = off, defaults, and one clear problem per bad key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, parseConfigReport } from '../../../src/config/load.js';
import { configProblems, keysOf } from './helpers.js';

const parse = (mqtt: string): ReturnType<typeof parseConfig> => parseConfig(`api_key: ${'k'.repeat(32)}\n${mqtt}`, '/etc/x.yaml');

test('absent or empty mqtt section: MQTT is off', () => {
  assert.equal(parse('').mqtt, undefined);
  assert.equal(parse('mqtt:\n').mqtt, undefined);
});

test('a minimal section takes the defaults', () => {
  assert.deepEqual(parse('mqtt:\n  url: mqtt://192.0.2.10:1883\n').mqtt, {
    url: 'mqtt://192.0.2.10:1883', ca: null, cert: null, key: null, username: null, password: null, clientId: null,
    baseTopic: 'wan-failover', discoveryPrefix: 'homeassistant', discovery: true,
  });
});

test('every key is read; a numeric password is taken as written', () => {
  const c = parse([
    'mqtt:', '  url: mqtts://broker.lan:8883', '  ca: /etc/ssl/ca.pem', '  cert: /etc/c.pem', '  key: /etc/k.pem',
    '  username: ha', '  password: 123456', '  client_id: gw-1', '  base_topic: home/wan', '  discovery_prefix: ha', '  discovery: false', '',
  ].join('\n')).mqtt!;
  assert.equal(c.password, '123456');
  assert.equal(c.baseTopic, 'home/wan');
  assert.equal(c.discovery, false);
  assert.equal(c.ca, '/etc/ssl/ca.pem');
  assert.equal(c.clientId, 'gw-1');
});

const BAD: ReadonlyArray<[string, string[]]> = [
  ['mqtt: yes\n', ['mqtt']],
  ['mqtt:\n  username: ha\n', ['mqtt.url']],
  ['mqtt:\n  url: http://broker\n', ['mqtt.url']],
  ['mqtt:\n  url: mqtt://user:pw@broker\n', ['mqtt.url']],
  ['mqtt:\n  url: mqtt://broker\n  ca: /x.pem\n', ['mqtt.ca']],
  ['mqtt:\n  url: mqtts://broker\n  cert: /c.pem\n', ['mqtt.key']],
  ['mqtt:\n  url: mqtt://broker\n  password: x\n', ['mqtt.username']],
  ['mqtt:\n  url: mqtt://broker\n  base_topic: "wan/#"\n', ['mqtt.base_topic']],
  ['mqtt:\n  url: mqtt://broker\n  discovery_prefix: "a//b"\n', ['mqtt.discovery_prefix']],
  ['mqtt:\n  url: mqtt://broker\n  client_id: "has space"\n', ['mqtt.client_id']],
  ['mqtt:\n  url: mqtt://broker\n  discovery: "yes"\n', ['mqtt.discovery']],
];

test('an unknown key in the mqtt section is a warning, as everywhere (the original ignored unknown keys)', () => {
  const r = parseConfigReport('mqtt:\n  url: mqtt://broker\n  retain: true\n', '/etc/x.yaml');
  assert.ok(r.warnings.some((w) => w.key === 'mqtt.retain'));
  assert.equal(r.config.mqtt?.url, 'mqtt://broker');
});

for (const [yaml, keys] of BAD) {
  test(`refused with a problem naming ${keys.join(', ')}: ${JSON.stringify(yaml)}`, () => {
    const { problems, error } = configProblems(() => parse(yaml));
    assert.deepEqual(keysOf(problems), keys);
    assert.match(error.message, /\/etc\/x\.yaml: .*mqtt/);
  });
}

test('a bad password value is never echoed', () => {
  const { error, problems } = configProblems(() => parse('mqtt:\n  url: mqtt://broker\n  username: ha\n  password: [hunter2]\n'));
  assert.deepEqual(keysOf(problems), ['mqtt.password']);
  assert.ok(!error.message.includes('hunter2'));
  assert.ok(!JSON.stringify(problems).includes('hunter2'));
});
