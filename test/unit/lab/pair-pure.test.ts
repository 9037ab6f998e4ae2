// The VRRP pair lab's pure parts (issue 25): its plan (names unique, addresses in the lab's ranges,
// its namespaces recognised as the prefix's), the per-interface fault rules, the keepalived.conf it
// renders and the RFC 3768 bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedConf, masterDownMs } from '../../../lab/keepalived-conf.js';
import { labNamespaces } from '../../../lab/lab-plan.js';
import { faultRuleset, faultTable } from '../../../lab/nft-rules.js';
import { pairNamespaces, planPair } from '../../../lab/pair-plan.js';

const ALLOWED = [/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./, /^198\.1[89]\./, /^198\.51\.100\./, /^203\.0\.113\./];

test('planPair: two routers with two WANs each into two shared ISPs, unique names and subnets, lab ranges only', () => {
  const p = planPair('wfv-1a2b');
  const [a, b] = p.routers;
  assert.deepEqual([a.id, a.priority, b.id, b.priority], ['a', 150, 'b', 100]);
  const links = p.routers.flatMap((r) => r.links);
  assert.equal(links.length, 4);
  assert.deepEqual(links.map((l) => l.ispNs), ['wfv-1a2b-isp1', 'wfv-1a2b-isp2', 'wfv-1a2b-isp1', 'wfv-1a2b-isp2']);
  assert.equal(new Set(links.map((l) => `${l.ispNs}/${l.cpeIface}`)).size, 4, 'one ISP interface per router link');
  assert.equal(new Set(links.map((l) => l.wanSubnet)).size, 4);
  const addresses = [...links.flatMap((l) => [l.address, l.gateway]), a.lanAddress, b.lanAddress, p.vip, p.lanHost.address, ...p.targets, p.echoAddress];
  assert.equal(new Set(addresses).size, addresses.length);
  for (const x of addresses) assert.ok(ALLOWED.some((re) => re.test(x)), x);
  const all = pairNamespaces(p);
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual(labNamespaces('wfv-1a2b', [...all, 'wfv-1a2bx-ra', 'other-ra']).sort(), [...all].sort(), '`lab down` finds the pair');
});

test('faultRuleset with iface: only that interface, in a table of its own; without: as before', () => {
  const r = faultRuleset('upstream', { iface: 'cpe1b' });
  assert.match(r, /^table inet wanlab_fault_cpe1b \{\}\ndelete table inet wanlab_fault_cpe1b\n/);
  assert.match(r, /iifname "cpe1b" drop; oifname "cpe1b" drop;/);
  assert.doesNotMatch(r, /input_hook/);
  assert.match(faultRuleset('gateway', { iface: 'cpe2' }), /chain input_hook \{ type filter hook input priority 0; policy accept; iifname "cpe2" drop; \}/);
  assert.doesNotMatch(faultRuleset('upstream'), /ifname/);
  assert.equal(faultTable(), 'wanlab_fault');
  assert.throws(() => faultTable('bad name'), /invalid interface/);
});

test('keepalivedConf: track_file or vrrp_script, nopreempt only when asked, one statement per line', () => {
  const base = { routerId: 'r-a', iface: 'lan0', vrid: 51, priority: 150, advertInt: 1, vip: '100.64.100.1', prefixLength: 24 };
  const tf = keepalivedConf({ ...base, preempt: true, health: { kind: 'track_file', file: '/run/x/w', weight: 1 } });
  assert.match(tf, /track_file wan_health \{\n {2}file "\/run\/x\/w"\n {2}weight 1\n\}/);
  assert.match(tf, / {2}track_file \{\n {4}wan_health\n/);
  assert.match(tf, / {4}100\.64\.100\.1\/24\n/);
  assert.doesNotMatch(tf, /nopreempt|vrrp_script/);
  assert.doesNotMatch(tf, /;/, 'keepalived.conf has no statement separators');
  const sc = keepalivedConf({ ...base, preempt: false, health: { kind: 'script', command: '/usr/bin/wanctl status --check', intervalS: 1, timeoutS: 2, fall: 2, rise: 2, weight: 0 } });
  assert.match(sc, /vrrp_script wan_health \{\n {2}script "\/usr\/bin\/wanctl status --check"\n {2}interval 1\n {2}timeout 2\n {2}fall 2\n {2}rise 2\n {2}weight 0\n\}/);
  assert.match(sc, / {2}nopreempt\n/);
  assert.match(sc, / {2}track_script \{\n {4}wan_health\n/);
});

test('masterDownMs: 3 x advert_int + (256 - priority) / 256 x advert_int', () => {
  assert.equal(masterDownMs(1, 100), 3609);
  assert.equal(masterDownMs(2, 255), 6008);
});
