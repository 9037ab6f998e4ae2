import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalAddress, selectNatEntries } from '../../../src/conntrack/nat-selection.js';
import { IPS_SRC_NAT } from '../../../src/conntrack/ctnetlink-constants.js';
import { capturedEntries, entryOf, loadCapture } from './fixture.js';

const cap = loadCapture();
const entries = capturedEntries(cap);
const [wan1, wan2] = cap.lab.wans;
const ports = (xs: { orig: { srcPort: number | null } }[]): (number | null)[] => xs.map((e) => e.orig.srcPort).sort();

test('leaving wan1: exactly the flows NATed to its address, per family', () => {
  assert.deepEqual(ports(selectNatEntries(entries, 'ipv4', [wan1.v4])), [41001]);
  assert.deepEqual(ports(selectNatEntries(entries, 'ipv6', [wan1.v6])), [41002]);
});

test('leaving wan2: its own flows only', () => {
  assert.deepEqual(ports(selectNatEntries(entries, 'ipv4', [wan2.v4])), [41003]);
  assert.deepEqual(ports(selectNatEntries(entries, 'ipv6', [wan2.v6])), [41004]);
});

test('LAN-internal entries and the router own sockets on the WAN address are never selected', () => {
  const all = [
    ...selectNatEntries(entries, 'ipv4', [wan1.v4, wan2.v4, cap.lab.client4, cap.lab.routerLan4]),
    ...selectNatEntries(entries, 'ipv6', [wan1.v6, wan2.v6, cap.lab.client6, cap.lab.routerLan6]),
  ];
  assert.deepEqual(ports(all), [41001, 41002, 41003, 41004]);
});

test('the family must match: IPv4 addresses select no IPv6 entry and back', () => {
  assert.deepEqual(selectNatEntries(entries, 'ipv6', [wan1.v4]), []);
  assert.deepEqual(selectNatEntries(entries, 'ipv4', [wan1.v6]), []);
});

test('addresses compare by value, not by spelling', () => {
  assert.deepEqual(ports(selectNatEntries(entries, 'ipv6', ['2001:DB8:A:0:0::1'])), [41002]);
  assert.equal(canonicalAddress('2001:db8:a::1'), canonicalAddress('2001:0db8:000a::0001'));
  assert.equal(canonicalAddress('not an address'), null);
});

test('no usable address selects nothing', () => {
  assert.deepEqual(selectNatEntries(entries, 'ipv4', []), []);
  assert.deepEqual(selectNatEntries(entries, 'ipv4', ['eth0']), []);
});

test('an entry returned by two dumps is selected once', () => {
  const e = entryOf(entries, 41001);
  assert.equal(selectNatEntries([e, { ...e }, e], 'ipv4', [wan1.v4, wan1.v4]).length, 1);
});

test('an entry whose reply goes to the WAN address but without IPS_SRC_NAT stays (not NATed)', () => {
  const e = { ...entryOf(entries, 41001) };
  e.status &= ~IPS_SRC_NAT;
  assert.deepEqual(selectNatEntries([e], 'ipv4', [wan1.v4]), []);
});
