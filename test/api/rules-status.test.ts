// The policy rules' outputs (issue 22): the status entry per rule (its first family, IPv6 beside it,
// the main route's link when it falls back, null for a blackhole), served by /api/status unchanged
// by serialisation, absent without rules; the metrics series; `wanctl rules`' table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncEventBus } from '../../src/bus/event-bus.js';
import { buildPolicyRules } from '../../src/config/policy-rules.js';
import { ruleStatuses } from '../../src/engine/rule-decisions.js';
import { MetricsExtension } from '../../src/metrics/metrics-extension.js';
import { createPromRegistry } from '../../src/metrics/prom-registry.js';
import { renderRules } from '../../src/cli/cmd-rules.js';
import { ruleSelector } from '../../src/cli/format.js';
import { hookEnv, toNotifyEvent } from '../../src/notify/notify-event.js';
import { discoveryMessages } from '../../src/mqtt/discovery.js';
import { routerDoc } from '../../src/mqtt/state-docs.js';
import { buildTopics } from '../../src/mqtt/topics.js';
import { fakeStatus } from './fake-engine.js';
import type { RuleDecision } from '../../src/routes/policy-rules-plan.js';
import { FakeClock } from '../unit/fake-clock.js';
import { auth, makeApp } from './helpers.js';

const { rules } = buildPolicyRules([
  { name: 'voip', match: { src: '198.51.100.50/32' }, links: ['secondary', 'primary'] },
  { name: 'iptv', match: { iif: 'br-iptv' }, links: ['secondary'], fallback: 'blackhole' },
], [{ name: 'primary' }, { name: 'secondary' }]);

const decisions: RuleDecision[] = [
  { rule: rules[0]!, index: 0, family: 'ipv4', choice: { state: 'fallback', carriers: [{ link: 'primary', weight: 1 }] } },
  { rule: rules[1]!, index: 1, family: 'ipv4', choice: { state: 'blackhole', carriers: [] } },
  { rule: rules[1]!, index: 1, family: 'ipv6', choice: { state: 'fallback', carriers: [] } },
];
const STATUS = ruleStatuses(rules, decisions, (f) => (f === 'ipv6' ? 'primary' : 'secondary'));

test('ruleStatuses: the carrying link, the main route\'s when none of its own, null for a blackhole', () => {
  assert.deepEqual(STATUS, [
    { name: 'voip', family: 'ipv4', link: 'primary', state: 'fallback' },
    { name: 'iptv', family: 'ipv4', link: null, state: 'blackhole', ipv6: { link: 'primary', state: 'fallback' } },
  ]);
});

test('/api/status serves rules as they are, and has none without rules', async () => {
  const { app, engine } = await makeApp();
  try {
    const without = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json() as Record<string, unknown>;
    assert.equal('rules' in without, false);
    engine.current = { ...engine.current, rules: STATUS };
    const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json() as Record<string, unknown>;
    assert.deepEqual(body['rules'], STATUS);
  } finally {
    await app.close();
  }
});

test('metrics: wan_failover_rule_link per rule and family with its link and state', async () => {
  const { FakeEngine } = await import('./fake-engine.js');
  const engine = new FakeEngine();
  engine.current = { ...engine.current, rules: STATUS };
  const registry = createPromRegistry({ defaultMetrics: false });
  const ext = new MetricsExtension({ bus: new SyncEventBus({ warn: () => undefined }), engine, registry, clock: new FakeClock(), public: false });
  await ext.start();
  const text = await ext.render();
  assert.match(text, /wan_failover_rule_link\{rule="voip",link="primary",family="ipv4",state="fallback"\} 1\n/);
  assert.match(text, /wan_failover_rule_link\{rule="iptv",link="",family="ipv4",state="blackhole"\} 1\n/);
  assert.match(text, /wan_failover_rule_link\{rule="iptv",link="primary",family="ipv6",state="fallback"\} 1\n/);
  await ext.stop();
});

test('wanctl rules: one row per rule and family', () => {
  assert.deepEqual(renderRules(STATUS), [
    'RULE  FAMILY  LINK     STATE',
    'voip  ipv4    primary  fallback',
    'iptv  ipv4    -        blackhole',
    'iptv  ipv6    primary  fallback',
  ]);
  assert.deepEqual(renderRules([]), ['no policy rules configured']);
});

test('wanctl dump rules: a policy rule\'s selectors as `ip rule` spells them', () => {
  assert.equal(ruleSelector({ family: 'inet', priority: 2000, table: 2000, oifname: null, iifname: 'lan0', src: '100.64.100.2', srcLength: 32,
    dst: null, dstLength: 0, fwmark: 0x100, fwmask: 0xf00, protocol: 201, action: 1, ipProto: 17, sport: { start: 5060, end: 5060 },
    dport: { start: 5060, end: 5061 }, uid: { start: 1000, end: 1999 } }),
  'from 100.64.100.2/32 fwmark 0x100/0xf00 iif lan0 ipproto udp sport 5060 dport 5060-5061 uidrange 1000-1999');
});

test('hooks and webhooks: a `rule` event when a rule moves, with WAN_RULE', () => {
  const n = toNotifyEvent({ kind: 'rule-moved', rule: 'iptv', family: 'ipv4', from: 'fiber', to: null, state: 'blackhole', timeMs: Date.UTC(2026, 0, 1) });
  assert.ok(n);
  assert.deepEqual([n.event, n.rule, n.from, n.to, n.reason, n.message], ['rule', 'iptv', 'fiber', '', 'blackhole', 'rule iptv (ipv4): fiber -> blackhole (blackhole)']);
  assert.equal(hookEnv(n)['WAN_RULE'], 'iptv');
  assert.equal(hookEnv(n)['WAN_EVENT'], 'rule');
});

test('MQTT: a sensor per rule reading the router document, which names each rule\'s link (or blackhole)', () => {
  const topics = buildTopics('wan-failover', 'homeassistant', 'router1', ['primary', 'secondary']);
  const device = { name: 'WAN failover router1', model: 'm', manufacturer: 'x', swVersion: '1' };
  const links = [{ name: 'primary', label: 'P', hasJitter: false }, { name: 'secondary', label: 'S', hasJitter: false }];
  const without = discoveryMessages(device, links, topics, {});
  const msgs = discoveryMessages(device, links, topics, { rules: ['voip', 'iptv'] });
  const added = msgs.filter((m) => !without.some((w) => w.topic === m.topic));
  assert.deepEqual(added.map((m) => [m.topic, m.payload['name'], m.payload['state_topic']]), [
    ['homeassistant/sensor/router1/rule_voip/config', 'Rule voip', topics.router],
    ['homeassistant/sensor/router1/rule_iptv/config', 'Rule iptv', topics.router],
  ]);
  assert.match(String(added[0]!.payload['value_template']), /value_json\.rules\['voip'\]/);
  assert.deepEqual(routerDoc({ ...fakeStatus(), rules: STATUS }).rules, { voip: 'primary', iptv: 'blackhole' });
  assert.equal('rules' in routerDoc(fakeStatus()), false, 'no rules: the document is as before');
});
