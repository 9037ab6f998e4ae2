import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flushNat, MAX_FLUSH_PASSES } from '../../../src/conntrack/flush-nat.js';
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
  assert.deepEqual(port.lists, [{ family: 'ipv4', replyDst: wan1.v4 }, { family: 'ipv4', replyDst: wan1.v4 }], 'a second pass finds none left');
  assert.equal(r.passes, 2);
});

test('a dump that missed entries (NLM_F_DUMP_INTR, new flows): passes repeat until none is left, bounded', async () => {
  const base = entryOf(capturedEntries(cap), 41001);
  const more = (n: number, from: number): CtEntry[] => Array.from({ length: n }, (_, i) => ({ ...base, id: from + i, orig: { ...base.orig, srcPort: from + i } }));
  const port = new FakeConntrack(more(3, 50000));
  // Each dump shows only what was there when it began; entries appear behind it twice.
  let refills = 2;
  const list = port.list.bind(port);
  port.list = async (f, a) => { const r = await list(f, a); if (refills-- > 0) port.table.push(...more(2, 60000 + refills * 10)); return r; };
  const r = await flushNat(port, new FakeClock(), 'ipv4', [wan1.v4]);
  assert.equal(r.deleted, 7);
  assert.equal(port.table.filter((e) => (e.orig.srcPort ?? 0) >= 50000).length, 0);
  assert.equal(r.passes, 4);
  // A table that refills at every dump: the bound ends it.
  const endless = new FakeConntrack(more(1, 70000));
  const l2 = endless.list.bind(endless);
  let k = 0;
  endless.list = async (f, a) => { const r = await l2(f, a); endless.table.push(...more(1, 80000 + k++)); return r; };
  assert.equal((await flushNat(endless, new FakeClock(), 'ipv4', [wan1.v4])).passes, MAX_FLUSH_PASSES);
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
