// ping_targets with probe methods (issue 23): addresses stay ICMP; URIs and mappings name TCP, DNS
// and HTTP(S) targets, IP literals only, with clear errors for what cannot be probed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, parseConfigReport } from '../../../src/config/load.js';
import { parseProbeTarget } from '../../../src/config/probe-target.js';
import { configProblems } from './helpers.js';

const FILE = '/etc/wan-failover/config.yaml';

function target(entry: unknown) {
  const p = parseProbeTarget(entry);
  if (!p.ok) assert.fail(`refused: ${p.expected}`);
  return p.target;
}

function refusal(entry: unknown): string {
  const p = parseProbeTarget(entry);
  assert.equal(p.ok, false, `accepted ${JSON.stringify(entry)}`);
  return p.ok ? '' : p.expected;
}

test('an address stays an ICMP target keyed by the address (IPv6 in RFC 5952 form)', () => {
  assert.deepEqual([target('9.9.9.9').method, target('9.9.9.9').key], ['icmp', '9.9.9.9']);
  const six = target('2001:DB8:0:0::1');
  assert.deepEqual([six.method, six.key, six.family], ['icmp', '2001:db8::1', 'ipv6']);
});

test('tcp:// takes an IP literal and a port, both families', () => {
  const t = target('tcp://198.51.100.7:443');
  assert.deepEqual([t.method, t.address, t.port, t.family, t.key], ['tcp', '198.51.100.7', 443, 'ipv4', 'tcp://198.51.100.7:443']);
  const six = target('tcp://[2001:DB8::7]:53');
  assert.deepEqual([six.address, six.family, six.key], ['2001:db8::7', 'ipv6', 'tcp://[2001:db8::7]:53']);
});

test('dns:// asks for A unless ?type= says otherwise; port 53 by default', () => {
  const a = target('dns://203.0.113.53/Example.com');
  assert.deepEqual([a.method, a.dnsName, a.dnsType, a.port, a.key], ['dns', 'example.com', 'A', 53, 'dns://203.0.113.53/example.com']);
  const aaaa = target('dns://[2001:db8::53]:5353/example.com?type=aaaa');
  assert.deepEqual([aaaa.dnsType, aaaa.port, aaaa.family, aaaa.key], ['AAAA', 5353, 'ipv6', 'dns://[2001:db8::53]:5353/example.com?type=AAAA']);
});

test('http:// and https:// keep path and query; default ports are left out of the key', () => {
  const h = target('http://198.51.100.7/generate_204?x=1');
  assert.deepEqual([h.method, h.port, h.path, h.key], ['http', 80, '/generate_204?x=1', 'http://198.51.100.7/generate_204?x=1']);
  const s = target('https://198.51.100.7');
  assert.deepEqual([s.method, s.port, s.path, s.key, s.insecure], ['https', 443, '/', 'https://198.51.100.7/', false]);
  assert.equal(target('https://198.51.100.7:8443/').key, 'https://198.51.100.7:8443/');
});

test('a mapping sets host, expect_status and insecure', () => {
  const t = target({ target: 'https://198.51.100.7/generate_204', host: 'check.example', expect_status: 204, insecure: true });
  assert.deepEqual([t.host, t.expectStatus, t.insecure, t.key], ['check.example', 204, true, 'https://198.51.100.7/generate_204']);
  assert.equal(target({ target: 'http://198.51.100.7/' }).expectStatus, null);
});

test('clear errors: unknown scheme, a name for the host, bad port, TCP without port', () => {
  assert.match(refusal('icmp://198.51.100.7'), /known probe scheme.*not "icmp:\/\/"/);
  assert.match(refusal('tcp://dns.google:443'), /IP literal.*not "dns\.google"/);
  assert.match(refusal('https://example.com/'), /IP literal/);
  assert.match(refusal('dns.google'), /not a host name/);
  assert.match(refusal('tcp://198.51.100.7:70000'), /port from 1 to 65535.*"70000"/);
  assert.match(refusal('tcp://198.51.100.7:0'), /port from 1 to 65535/);
  assert.match(refusal('http://198.51.100.7:http/'), /port from 1 to 65535/);
  assert.match(refusal('tcp://198.51.100.7'), /a port in a tcp:\/\/ target/);
  assert.match(refusal('tcp://127.0.0.1:80'), /IP literal/);
  assert.match(refusal('tcp://[fe80::1]:80'), /IP literal/);
  assert.match(refusal('dns://198.51.100.53/'), /DNS name/);
  assert.match(refusal('dns://198.51.100.53/example.com?type=BOGUS'), /\?type= one of/);
  assert.match(refusal({ target: 'tcp://198.51.100.7:443', host: 'x.example' }), /"host" only on an http/);
  assert.match(refusal({ target: 'http://198.51.100.7/', insecure: true }), /"insecure" only on an https/);
  assert.match(refusal({ target: 'http://198.51.100.7/', expect_status: 42 }), /status code from 100 to 599/);
  assert.match(refusal({ target: 'http://198.51.100.7/', follow: true }), /unknown: follow/);
});

test('the config splits targets by family and keeps the specs of non-ICMP ones', () => {
  const c = parseConfig([
    'ping_targets:',
    '  - 198.51.100.1',
    '  - tcp://198.51.100.2:443',
    '  - dns://[2001:db8::53]/example.com?type=AAAA',
    '  - {target: "http://198.51.100.3/portal", expect_status: 204}',
    '  - 2001:db8::1',
    'min_targets_up: 1',
  ].join('\n'), FILE);
  assert.deepEqual(c.pingTargets, ['198.51.100.1', 'tcp://198.51.100.2:443', 'http://198.51.100.3/portal']);
  assert.deepEqual(c.pingTargets6, ['dns://[2001:db8::53]/example.com?type=AAAA', '2001:db8::1']);
  assert.deepEqual(c.probeTargets?.map((t) => [t.key, t.method]), [
    ['tcp://198.51.100.2:443', 'tcp'], ['dns://[2001:db8::53]/example.com?type=AAAA', 'dns'], ['http://198.51.100.3/portal', 'http'],
  ]);
  assert.equal(c.probeTargets?.[2]?.expectStatus, 204);
});

test('an ICMP-only config has no probeTargets (reads as before)', () => {
  assert.equal(parseConfig('ping_targets: [198.51.100.1, 198.51.100.2]\n', FILE).probeTargets, undefined);
});

test('a bad entry names its position; a target listed twice (same key) is refused', () => {
  const bad = configProblems(() => parseConfig('ping_targets: [198.51.100.1, "tcp://one.example:53"]\n', FILE));
  assert.deepEqual(bad.problems.map((p) => p.key), ['ping_targets[1]']);
  assert.match(bad.error.message, /ping_targets\[1\]/);
  const dup = configProblems(() => parseConfig('ping_targets: ["tcp://198.51.100.1:53", "TCP://198.51.100.1:53"]\n', FILE));
  assert.match(dup.problems[0]!.expected, /not listed before/);
});

test('min_targets_up counts targets of every method in the family', () => {
  const ok = parseConfig('ping_targets: ["tcp://198.51.100.1:53", "dns://198.51.100.1/example.com"]\nmin_targets_up: 2\n', FILE);
  assert.equal(ok.minTargetsUp, 2);
  const bad = configProblems(() => parseConfig('ping_targets: ["tcp://198.51.100.1:53"]\nmin_targets_up: 2\n', FILE));
  assert.deepEqual(bad.problems.map((p) => p.key), ['min_targets_up']);
});

test('insecure: true is a warning that names the target', () => {
  const r = parseConfigReport('ping_targets: [{target: "https://198.51.100.7/", insecure: true}]\n', FILE);
  assert.ok(r.warnings.some((w) => w.message.includes('https://198.51.100.7/') && /not verified/.test(w.message)));
});
