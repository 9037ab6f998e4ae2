import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeHistory, encodeHistory, HISTORY_FILE, loadHistory, saveHistory } from '../../../src/history/persist.js';
import { HistoryStore } from '../../../src/history/store.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function filled(): HistoryStore {
  const s = new HistoryStore();
  s.record('wan1', 'ipv4', T0, { rttMs: 12.5, lossPct: 0, jitterMs: null, state: 'up', share: 1, rxMbps: 3, txMbps: 1 });
  s.record('wan2', 'ipv6', T0 + 1000, { rttMs: null, lossPct: 100, jitterMs: null, state: 'down', share: 0, rxMbps: 0, txMbps: 0 });
  s.addEvent({ timeMs: T0, kind: 'state', link: 'wan2', family: 'ipv6', message: 'wan2 ipv6 down', figures: { rounds: 3 } });
  return s;
}

test('a saved history reads back with its points and events', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-history-'));
  try {
    await saveHistory(dir, filled(), T0);
    assert.deepEqual(await readdir(dir), [HISTORY_FILE], 'no temporary file is left behind');
    const back = (await loadHistory(dir))!;
    const now = T0 + 2000;
    assert.deepEqual(back.query('ipv4', 1, 0, now)['wan1']!.map((p) => [p.rttMs, p.state, p.share]), [[12.5, 'up', 1]]);
    assert.deepEqual(back.query('ipv6', 60, 0, now)['wan2']!.map((p) => [p.rttMs, p.lossPct, p.state]), [[null, 100, 'down']]);
    assert.deepEqual(back.eventsSince(0).map((e) => e.message), ['wan2 ipv6 down']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a save creates a missing state_dir', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-history-'));
  try {
    await saveHistory(join(dir, 'a', 'b'), filled(), T0);
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), [HISTORY_FILE]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('no file is no history; a damaged file throws instead of being misread', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-history-'));
  try {
    assert.equal(await loadHistory(dir), null);
    const bytes = encodeHistory(filled(), T0);
    await writeFile(join(dir, HISTORY_FILE), bytes.subarray(0, bytes.length - 10));
    await assert.rejects(loadHistory(dir), /truncated/);
    assert.throws(() => decodeHistory(Buffer.from('garbage!')), /not a wan-failover history file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a save replaces the file whole (rename), it does not append', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-history-'));
  try {
    await saveHistory(dir, filled(), T0);
    await saveHistory(dir, new HistoryStore(), T0);
    const back = decodeHistory(await readFile(join(dir, HISTORY_FILE)));
    assert.deepEqual(back.allSeries(), []);
    assert.deepEqual(back.eventsSince(0), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
