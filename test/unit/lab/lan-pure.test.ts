// The LAN lab's pure parts: NAT and BCP38 rulesets, the nft counter parser, echo gap finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { natRuleset, bcp38Ruleset, parseCounterPackets, isNatStyle } from '../../../lab/nat-rules.js';
import { echoGaps } from '../../../lab/lan.js';
import { labNamespaces, planLab } from '../../../lab/lab-plan.js';

const links = [{ iface: 'wan1', address: '100.64.1.2' }, { iface: 'wan2', address: '100.64.2.2' }];

test('natRuleset: one rule per WAN in the chosen style, replacing only its own table', () => {
  const m = natRuleset('masquerade', links);
  assert.match(m, /oifname "wan1" masquerade\n/);
  assert.match(m, /oifname "wan2" masquerade\n/);
  assert.doesNotMatch(m, /snat/);
  const s = natRuleset('snat', links);
  assert.match(s, /oifname "wan1" snat to 100\.64\.1\.2\n/);
  assert.match(s, /oifname "wan2" snat to 100\.64\.2\.2\n/);
  assert.match(s, /^table ip wanlab_nat \{\}\ndelete table ip wanlab_nat\n/);
  assert.match(s, /type nat hook postrouting priority srcnat/);
  assert.equal(isNatStyle('snat'), true);
  assert.equal(isNatStyle('none'), false);
});

test('bcp38Ruleset: drops and counts foreign sources from the customer side only', () => {
  const r = bcp38Ruleset('cpe2', '100.64.2.0/24');
  assert.match(r, /iifname "cpe2" ip saddr != 100\.64\.2\.0\/24 counter name "spoofed" drop/);
  assert.match(r, /hook forward priority -10/);
});

test('parseCounterPackets reads nft -j output', () => {
  const json = '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"counter": {"family": "inet", "name": "spoofed", "packets": 23, "bytes": 1000}}]}';
  assert.equal(parseCounterPackets(json), 23);
  assert.equal(parseCounterPackets('{"nftables": []}'), null);
  assert.equal(parseCounterPackets('not json'), null);
});

test('echoGaps: gaps between consecutive echoes by arrival, over the threshold only', () => {
  const e = (seq: number, at: number): { seq: number; sentAt: number; at: number } => ({ seq, sentAt: at - 1, at });
  const echoes = [e(0, 1000), e(1, 1050), e(2, 1100), e(9, 1480), e(10, 1530), e(3, 1120)];
  assert.deepEqual(echoGaps(echoes, 150), [{ afterSeq: 3, fromAt: 1120, toAt: 1480, ms: 360 }]);
  assert.deepEqual(echoGaps(echoes, 400), []);
  assert.deepEqual(echoGaps([], 10), []);
});

test('the LAN namespace belongs to the lab (teardown and the in-use check see it)', () => {
  assert.equal(planLab('wfx').lanNs, 'wfx-lan');
  assert.deepEqual(labNamespaces('wfx', ['wfx-r', 'wfx-lan', 'wfx-lan2', 'other-lan']), ['wfx-r', 'wfx-lan']);
});
