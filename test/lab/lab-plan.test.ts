// No root needed: the lab's pure naming/addressing plan and its nft fault scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLab, labNamespaces, parseNetnsList, countIspNamespaces, validatePrefix } from '../../lab/lab-plan.js';
import { faultRuleset, isFaultKind } from '../../lab/nft-rules.js';

test('planLab: fixed names and allowed ranges only', () => {
  const p = planLab('wfl-x', 3);
  assert.equal(p.routerNs, 'wfl-x-r');
  assert.equal(p.netNs, 'wfl-x-net');
  assert.deepEqual(p.targets, ['198.51.100.1', '203.0.113.1']);
  assert.deepEqual(
    p.links.map((l) => [l.iface, l.address, l.gateway, l.ispNs, l.cpeIface, l.uplinkAddress, l.netAddress]),
    [
      ['wan1', '100.64.1.2', '100.64.1.1', 'wfl-x-isp1', 'cpe1', '198.18.1.1', '198.18.1.2'],
      ['wan2', '100.64.2.2', '100.64.2.1', 'wfl-x-isp2', 'cpe2', '198.18.2.1', '198.18.2.2'],
      ['wan3', '100.64.3.2', '100.64.3.1', 'wfl-x-isp3', 'cpe3', '198.18.3.1', '198.18.3.2'],
    ],
  );
  for (const l of p.links) {
    assert.match(l.address, /^100\.64\./);
    assert.match(l.uplinkAddress, /^198\.18\./);
  }
});

test('planLab: defaults and bounds', () => {
  assert.equal(planLab().routerNs, 'wflab-r');
  assert.equal(planLab().links.length, 2);
  assert.throws(() => planLab('wfl', 0));
  assert.throws(() => planLab('wfl', 5));
  assert.throws(() => validatePrefix('Bad Prefix'));
  assert.throws(() => validatePrefix('-x'));
});

test('labNamespaces matches exactly one prefix, not a longer one', () => {
  const existing = parseNetnsList('wfl-a-r (id: 1)\nwfl-a-isp1\nwfl-a-isp2 (id: 3)\nwfl-a-net\nwfl-ab-r\nother\nwfl-a-rx\n');
  assert.deepEqual(labNamespaces('wfl-a', existing), ['wfl-a-r', 'wfl-a-isp1', 'wfl-a-isp2', 'wfl-a-net']);
  assert.equal(countIspNamespaces('wfl-a', existing), 2);
  assert.equal(countIspNamespaces('wfl-z', existing), 0);
});

test('faultRuleset: upstream drops forwarded only; gateway drops input too; loss uses numgen', () => {
  const up = faultRuleset('upstream');
  assert.match(up, /hook forward priority 0; policy accept; drop;/);
  assert.equal(up.includes('hook input'), false);
  const gw = faultRuleset('gateway');
  assert.match(gw, /hook input/);
  assert.match(faultRuleset('upstream', { lossPct: 30 }), /numgen random mod 100 < 30 drop/);
  assert.throws(() => faultRuleset('upstream', { lossPct: 0 }));
  assert.equal(isFaultKind('carrier'), true);
  assert.equal(isFaultKind('flood'), false);
});

test('parseLabArgs: commands, links, kinds, usage errors', async () => {
  const { parseLabArgs, parseLinkArg, LabUsageError } = await import('../../lab/lab-args.js');
  const prefix = 'wflab';
  assert.deepEqual(parseLabArgs(['up']), { cmd: 'up', links: 2, daemon: true, prefix });
  assert.deepEqual(parseLabArgs(['up', '--links', '3', '--no-daemon']), { cmd: 'up', links: 3, daemon: false, prefix });
  assert.deepEqual(parseLabArgs(['down']), { cmd: 'down', prefix });
  assert.deepEqual(parseLabArgs(['fail', 'wan2', 'upstream', '--loss', '30']), { cmd: 'fail', link: 2, kind: 'upstream', lossPct: 30, prefix });
  assert.deepEqual(parseLabArgs(['fail', '1', 'carrier']), { cmd: 'fail', link: 1, kind: 'carrier', prefix });
  assert.deepEqual(parseLabArgs(['heal', '1']), { cmd: 'heal', link: 1, prefix });
  assert.deepEqual(parseLabArgs([]), { cmd: 'help', prefix });
  assert.equal(parseLinkArg('wan4'), 4);
  for (const bad of [['fail', '1', 'flood'], ['fail', 'x', 'upstream'], ['heal'], ['up', '--links', '9'], ['nope'], ['fail', '1', 'carrier', '--loss', '5']]) {
    assert.throws(() => parseLabArgs(bad), LabUsageError, bad.join(' '));
  }
});

test('faultRuleset per family: meta nfproto limits the drop; both/absent drops every family', async () => {
  assert.match(faultRuleset('upstream', { family: 'ipv6' }), /forward_hook .*meta nfproto ipv6 drop;/);
  assert.match(faultRuleset('gateway', { family: 'ipv4', lossPct: 30 }), /input_hook .*meta nfproto ipv4 numgen random mod 100 < 30 drop;/);
  assert.doesNotMatch(faultRuleset('upstream', { family: 'both' }), /nfproto/);
  assert.doesNotMatch(faultRuleset('upstream'), /nfproto/);
  assert.throws(() => faultRuleset('upstream', { family: 'ipx' as never }));
  const { parseLabArgs, LabUsageError } = await import('../../lab/lab-args.js');
  assert.deepEqual(parseLabArgs(['fail', '1', 'upstream', '--family', 'ipv6']), { cmd: 'fail', link: 1, kind: 'upstream', family: 'ipv6', prefix: 'wflab' });
  assert.deepEqual(parseLabArgs(['up', '--ipv6']), { cmd: 'up', links: 2, daemon: true, ipv6: true, prefix: 'wflab' });
  for (const bad of [['fail', '1', 'upstream', '--family', 'ipx'], ['fail', '1', 'carrier', '--family', 'ipv6'], ['fail', '1', 'upstream', '--family']]) {
    assert.throws(() => parseLabArgs(bad), LabUsageError, bad.join(' '));
  }
});

test('planLab IPv6: every address in 2001:db8::/32 (or link-local), one prefix per WAN', () => {
  const p = planLab('wfx', 3);
  assert.deepEqual(p.targets6, ['2001:db8:ff00::1', '2001:db8:ff01::1']);
  const all = p.links.flatMap((l) => [l.address6, l.globalGateway6, l.uplinkAddress6, l.netAddress6, l.wanSubnet6]);
  for (const a of [...all, ...p.targets6]) assert.match(a, /^2001:db8:/);
  assert.deepEqual(p.links.map((l) => l.wanSubnet6), ['2001:db8:1::/64', '2001:db8:2::/64', '2001:db8:3::/64']);
  assert.ok(p.links.every((l) => l.gateway6 === 'fe80::1'));
  assert.equal(new Set(all).size, all.length, 'no address twice');
});
