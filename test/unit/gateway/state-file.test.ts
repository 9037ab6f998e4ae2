// The state files' DNS lists (issue 22): what the dhclient hook writes, read back; the gateway
// parsing stays as it was (test/unit/facts/gateway-tracker.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseStateFile, parseStateFileDns, readStateDns } from '../../../src/gateway/state-file.js';

test('parseStateFileDns keeps the addresses of the file\'s family, in order, once', () => {
  const v4 = '{"gateway": "198.51.100.1", "dns": ["198.51.100.53", "2001:db8::1", "nope", 5, "203.0.113.53", "198.51.100.53"]}';
  assert.deepEqual(parseStateFileDns(v4, 'ipv4'), ['198.51.100.53', '203.0.113.53']);
  assert.equal(parseStateFile(v4), '198.51.100.1', 'the gateway still parses beside dns');
  assert.deepEqual(parseStateFileDns('{"dns": ["2001:DB8:0::53", "198.51.100.53"]}', 'ipv6'), ['2001:db8::53']);
  assert.deepEqual(parseStateFileDns('{"gateway": "198.51.100.1"}', 'ipv4'), [], 'an old file without dns');
  assert.deepEqual(parseStateFileDns('{"dns": "198.51.100.53"}', 'ipv4'), []);
  assert.deepEqual(parseStateFileDns('{trunc', 'ipv4'), []);
});

test('readStateDns joins the IPv4 lease\'s servers and the DHCPv6 lease\'s', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wfi-dns-'));
  try {
    assert.deepEqual(await readStateDns(dir, 'wan1'), []);
    writeFileSync(path.join(dir, 'wan1.dhcp6.json'), '{"dns": ["2001:db8::53"]}');
    assert.deepEqual(await readStateDns(dir, 'wan1'), ['2001:db8::53']);
    writeFileSync(path.join(dir, 'wan1.json'), '{"gateway": "198.51.100.1", "dns": ["198.51.100.53"]}');
    assert.deepEqual(await readStateDns(dir, 'wan1'), ['198.51.100.53', '2001:db8::53']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ChangedFileReader: a file replaced by rename (same size), rewritten, or removed is read anew', async () => {
  const { mkdtempSync, writeFileSync, renameSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { ChangedFileReader } = await import('../../../src/gateway/state-file.js');
  const dir = mkdtempSync(join(tmpdir(), 'wf-changed-'));
  try {
    const file = join(dir, 'wan1.json');
    const r = new ChangedFileReader();
    assert.equal(r.read(file), null, 'no file yet');
    writeFileSync(file, '{"gateway": "100.64.1.1"}');
    assert.equal(r.read(file), '{"gateway": "100.64.1.1"}');
    assert.equal(r.read(file), '{"gateway": "100.64.1.1"}', 'unchanged: the same text');
    // The hook's way: a temporary file renamed over the old one; same size, another inode.
    writeFileSync(join(dir, '.tmp'), '{"gateway": "100.64.1.9"}');
    renameSync(join(dir, '.tmp'), file);
    assert.equal(r.read(file), '{"gateway": "100.64.1.9"}', 'a renamed-over file is a new lease');
    writeFileSync(file, '{"gateway": "100.64.1.10"}');
    assert.equal(r.read(file), '{"gateway": "100.64.1.10"}', 'rewritten in place with another size');
    rmSync(file);
    assert.equal(r.read(file), null, 'removed (lease gone)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
