// The usage file in state_dir (issue 24): round trip, the rename leaves no temporary file, a
// missing file is "no usage yet", entries the daemon did not write are skipped, a corrupt file throws.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileUsageStore, USAGE_FILE } from '../../../src/metered/usage-file.js';

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-usage-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('usage file', () => {
  it('saves atomically and loads what it saved', () => withDir(async (dir) => {
    const store = fileUsageStore(join(dir, 'state'));
    assert.deepEqual(store.load(), {});
    const lte = { periodStartMs: 1_700_000_000_000, bytes: 123_456_789, notifiedPct: 75 as const, last: { epoch: 'b/3', rxBytes: 10, txBytes: 20 } };
    await store.save({ lte });
    assert.deepEqual(readdirSync(join(dir, 'state')), [USAGE_FILE]);
    assert.deepEqual(fileUsageStore(join(dir, 'state')).load(), { lte });
    assert.ok(store.bootId().length > 0);
  }));

  it('skips entries it did not write; a corrupt file throws', () => withDir(async (dir) => {
    writeFileSync(join(dir, USAGE_FILE), JSON.stringify({ links: { lte: { bytes: 'many' }, ok: { periodStartMs: 1, bytes: 2, notifiedPct: 0, last: null } } }));
    assert.deepEqual(Object.keys(fileUsageStore(dir).load()), ['ok']);
    writeFileSync(join(dir, USAGE_FILE), '{not json');
    assert.throws(() => fileUsageStore(dir).load());
  }));
});
