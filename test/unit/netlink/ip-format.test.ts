import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToIp, familyName, familyNumber, formatMac, ipToBytes } from '../../../src/netlink/ip-format.js';

test('IPv4 round trip', () => {
  assert.equal(bytesToIp(Uint8Array.from([198, 51, 100, 1])), '198.51.100.1');
  assert.deepEqual([...ipToBytes('203.0.113.254')], [203, 0, 113, 254]);
});

test('IPv6 formatting follows RFC 5952 (longest zero run, lower case, no single-group ::)', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:0db8:0001:0001:0001:0001:0000:0001', '2001:db8:1:1:1:1:0:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['fe80:0000:0000:0000:0000:0000:0000:0000', 'fe80::'],
  ];
  for (const [full, short] of cases) {
    const bytes = Buffer.from(full.replaceAll(':', ''), 'hex');
    assert.equal(bytesToIp(bytes), short);
    assert.deepEqual(ipToBytes(short), bytes);
  }
  assert.deepEqual([...ipToBytes('::ffff:198.51.100.7').subarray(10)], [0xff, 0xff, 198, 51, 100, 7]);
});

test('non-address inputs', () => {
  assert.equal(bytesToIp(Uint8Array.from([1, 2, 3])), null);
  assert.throws(() => ipToBytes('198.51.100'), TypeError);
  assert.throws(() => ipToBytes('eth0'), TypeError);
});

test('a %zone suffix is refused by name, not dropped silently', () => {
  // node:net calls 'fe80::1%wan0' an IPv6 address; its bytes would be those of fe80::1, interface lost.
  assert.throws(() => ipToBytes('fe80::1%wan0'), (e: unknown) => e instanceof TypeError && /%zone/.test(e.message) && e.message.includes('fe80::1%wan0'));
  assert.throws(() => ipToBytes('fe80::a:b%2'), /%zone/);
  assert.deepEqual([...ipToBytes('fe80::1')], [0xfe, 0x80, ...new Array<number>(13).fill(0), 1]);
});

test('mac and family helpers', () => {
  assert.equal(formatMac(Uint8Array.from([0x02, 0xab, 0, 1, 0x10, 0xff])), '02:ab:00:01:10:ff');
  assert.equal(familyName(2), 'inet');
  assert.equal(familyName(10), 'inet6');
  assert.equal(familyName(7), null);
  assert.equal(familyNumber('inet6'), 10);
});
