// IPv6 in the config: targets per family, gateway6, route_metric6, ipv6_set_accept_ra, and
// clear problems naming key, value and what was expected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkIpv6Gateway, checkPingTarget, canonicalIpv6 } from '../../../src/config/formats.js';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { configProblems, fixture, keysOf } from './helpers.js';

test('a dual-stack config: targets split by family (IPv6 in RFC 5952 form), gateway6 per link', () => {
  const c = loadConfig(fixture('valid-dual-stack.yaml'));
  assert.deepEqual(c.pingTargets, ['203.0.113.10', '198.18.0.1'], 'pingTargets keeps its IPv4 meaning');
  assert.deepEqual(c.pingTargets6, ['2001:db8:ffff::10', '2001:db8:fffe::10']);
  assert.deepEqual(c.links.map((l) => l.gateway6 ?? null), [null, 'fe80::1', '2001:db8:3::1']);
  assert.equal(c.links[0]!.gateway, null);
  assert.equal(c.routeMetric6, 100);
  assert.equal(c.ipv6SetAcceptRa, true);
  assert.equal(c.minTargetsUp, 2);
});

test('an IPv4-only config (the original\'s) gets no IPv6 targets, metric 1, no accept_ra changes', () => {
  const c = loadConfig(fixture('seed.yaml'));
  assert.deepEqual(c.pingTargets6, []);
  assert.equal(c.routeMetric6, 1);
  assert.equal(c.ipv6SetAcceptRa, false);
  assert.ok(c.links.every((l) => !('gateway6' in l)), 'links without gateway6 look as before');
});

test('gateway6 under primary/secondary', () => {
  const c = parseConfig('primary: {interface: wan0, gateway6: "2001:db8:1::1"}\nsecondary: {interface: wan1}\n', '/x.yaml');
  assert.equal(c.links[0]!.gateway6, '2001:db8:1::1');
  assert.equal(c.links[1]!.gateway6, undefined);
});

const CASES: ReadonlyArray<[file: string, keys: string[], expected: RegExp]> = [
  ['invalid-link-local-target.yaml', ['ping_targets[1]'], /link-local/],
  ['invalid-bad-gateway6.yaml', ['primary.gateway6', 'secondary.gateway6'], /IPv6/],
  ['invalid-route-metric6.yaml', ['route_metric6'], /1 to 1023/],
  ['invalid-min-targets-up-v6.yaml', ['min_targets_up'], /IPv6 ping_targets \(1\)/],
  ['invalid-no-ipv4-target.yaml', ['ping_targets'], /IPv4/],
  ['invalid-duplicate-target-v6.yaml', ['ping_targets[2]'], /not listed before/],
  ['invalid-links-gateway6.yaml', ['links[0].gateway6', 'links[1].gateway6'], /zone/],
];

for (const [file, keys, expected] of CASES) {
  test(`${file} -> ${keys.join(', ')}`, () => {
    const path = fixture(file);
    const { error, problems } = configProblems(() => loadConfig(path));
    assert.deepEqual([...new Set(keysOf(problems))].sort(), [...keys].sort());
    for (const p of problems) assert.match(p.expected, expected, `${p.key}: ${p.expected}`);
    for (const line of error.message.split('\n')) assert.ok(line.startsWith(`${path}: `), line);
  });
}

test('the message names file, key, value and what was expected', () => {
  const { error } = configProblems(() => loadConfig(fixture('invalid-link-local-target.yaml')));
  assert.match(error.message, /invalid-link-local-target\.yaml: ping_targets\[1\]: got "fe80::1", expected a global IPv6 address/);
});

test('format checks', () => {
  for (const ok of ['fe80::1', '2001:db8::1', 'fd00::1']) assert.equal(checkIpv6Gateway(ok), null, ok);
  for (const bad of ['::', '::1', 'ff02::2', '::ffff:198.51.100.1', 'fe80::1%eth0', '198.51.100.1', 'x', 7]) {
    assert.notEqual(checkIpv6Gateway(bad), null, String(bad));
  }
  for (const ok of ['203.0.113.1', '2001:db8::1', 'fd12:3456::1']) assert.equal(checkPingTarget(ok), null, ok);
  for (const bad of ['fe80::1', 'FE80::1', 'febf::1', '::1', '::', 'ff0e::1', '::ffff:203.0.113.1', '127.0.0.1', '2001:db8::1%x', 'host']) {
    assert.notEqual(checkPingTarget(bad), null, bad);
  }
  assert.equal(checkPingTarget('fec0::1'), null, 'fec0::/10 is not link-local');
  assert.equal(canonicalIpv6('2001:0DB8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIpv6('198.51.100.1'), null);
});
