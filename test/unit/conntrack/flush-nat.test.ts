import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flushNat } from '../../../src/conntrack/flush-nat.js';
import type { CtEntry } from '../../../src/conntrack/ctnetlink-codec.js';
import { FakeClock } from '../fake-clock.js';
import { capturedEntries, entryOf, loadCapture } from './fixture.js';
import { FakeConntrack, errnoError } from './fake-port.js';

const cap = loadCapture();
const [wan1] = cap.lab.wans;

test('deletes exactly the entries NATed to the addresses and leaves the rest', async () => {
  const entries = capturedEntries(cap);
  const port = new FakeConntrack([...entries]);
  const r = await flushNat(port, new FakeClock(), 'ipv4', [wan1.v4]);
  assert.deepEqual(port.removed.map((e) => e.orig.srcPort), [41001]);
  assert.equal(r.deleted, 1);
  assert.equal(r.gone, 0);
  assert.equal(r.family, 'ipv4');
  assert.equal(port.table.length, entries.length - 1);
  assert.deepEqual(port.lists, [{ family: 'ipv4', replyDst: wan1.v4 }]);
});

test('one list per distinct address; an entry gone before its delete is counted apart', async () => {
  const entries = capturedEntries(cap);
  const port = new FakeConntrack([...entries]);
  port.expired.add(entryOf(entries, 41002));
  const r = await flushNat(port, new FakeClock(), 'ipv6', [wan1.v6, wan1.v6, '2001:db8:a::99']);
  assert.equal(port.lists.length, 2);
  assert.deepEqual(port.batches, [1], 'the entry listed twice is deleted once');
  assert.equal(r.deleted, 0);
  assert.equal(r.gone, 1);
});

test('many matching entries: all deleted in one remove call', async () => {
  const base = entryOf(capturedEntries(cap), 41001);
  const many: CtEntry[] = Array.from({ length: 200 }, (_, i) => ({ ...base, id: 1000 + i, orig: { ...base.orig, srcPort: 50000 + i } }));
  const port = new FakeConntrack([...many]);
  const r = await flushNat(port, new FakeClock(), 'ipv4', [wan1.v4]);
  assert.equal(r.deleted, 200);
  assert.equal(port.table.length, 0);
  assert.deepEqual(port.batches, [200]);
});

test('a failing dump rejects with the errno error', async () => {
  const port = new FakeConntrack([]);
  port.listError = errnoError('ETIMEDOUT');
  await assert.rejects(flushNat(port, new FakeClock(), 'ipv4', [wan1.v4]), /ETIMEDOUT/);
});

test('duration comes from the clock', async () => {
  const clock = new FakeClock();
  const port = new FakeConntrack([]);
  let release!: () => void;
  port.gate = new Promise((r) => { release = r; });
  const p = flushNat(port, clock, 'ipv4', [wan1.v4]);
  clock.advance(3);
  release();
  assert.equal((await p).durationMs, 3);
});
