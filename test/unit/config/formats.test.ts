// The pure format checks: interface names, IPv4, seconds, log levels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkIfname,
  checkIpv4,
  checkProbeSeconds,
  checkTable,
  parseLogLevel,
} from '../../../src/config/formats.js';

test('ifname follows the kernel dev_valid_name rules', () => {
  for (const ok of ['eth0', 'wan0', 'enp3s0f1', 'a', 'x'.repeat(15), 'br-lan.100', 'wwan0@x']) {
    assert.equal(checkIfname(ok), null, ok);
  }
  for (const bad of ['', 'x'.repeat(16), '.', '..', 'a/b', 'a b', 'a\tb', 'eth0:1', 5, null]) {
    assert.notEqual(checkIfname(bad), null, String(bad));
  }
});

test('ipv4 accepts unicast dotted quads only', () => {
  for (const ok of ['198.51.100.1', '203.0.113.254', '8.8.8.8', '100.64.0.1']) assert.equal(checkIpv4(ok), null, ok);
  for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '0.0.0.0', '127.0.0.1', '224.0.0.1', '255.255.255.255', '::1', 'host', 1]) {
    assert.notEqual(checkIpv4(bad), null, String(bad));
  }
});

test('probe seconds (check_interval, ping_timeout): from the 0.05 s floor', () => {
  for (const ok of [0.05, 0.1, 3, 86_400]) assert.equal(checkProbeSeconds(ok), null, String(ok));
  for (const bad of [0, -1, 0.001, 0.049, '1', Number.NaN, Number.POSITIVE_INFINITY, 1e9]) assert.notEqual(checkProbeSeconds(bad), null, String(bad));
});

test('tables: u32 without the kernel reserved ids', () => {
  assert.equal(checkTable(1), null);
  assert.equal(checkTable(1000), null);
  for (const bad of [0, 253, 254, 255, -1, 1.5, 2 ** 32]) assert.notEqual(checkTable(bad), null, String(bad));
});

test('log levels map to pino names', () => {
  assert.equal(parseLogLevel('WARNING'), 'warn');
  assert.equal(parseLogLevel('critical'), 'fatal');
  assert.equal(parseLogLevel(' Info '), 'info');
  assert.equal(parseLogLevel('verbose'), null);
  assert.equal(parseLogLevel(20), null);
});
