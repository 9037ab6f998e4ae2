// The real daemon keeps its history across a restart: it writes history.bin in state_dir at stop
// (atomically) and reads it at start, so /api/history and /api/events still show the first run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { notRoot, waitFor, withRig } from './support.js';

test('the history survives a restart of the real daemon', { skip: notRoot, timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-history-lab-'));
  try {
    await withRig('hst', async (rig) => {
      const get = async (d: { apiKey: string; apiPort: number }, path: string): Promise<any> => {
        const res = await rig.agent.http('GET', path, { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
        assert.equal(res.status, 200, res.body);
        return JSON.parse(res.body);
      };
      const first = await rig.start({ state_dir: dir });
      await waitFor('points of both links', async () => {
        const h = await get(first, '/api/history?step=1');
        return h.links.wan1?.length >= 2 && h.links.wan2?.length >= 2;
      });
      const before = await get(first, '/api/history?step=1');
      const events = (await get(first, '/api/events')).events as { message: string }[];
      assert.ok(events.some((e) => /^wan1 ipv4 up: probes pass/.test(e.message)), JSON.stringify(events));
      assert.equal(await first.stop('SIGTERM', 8000), 0);
      assert.ok(existsSync(join(dir, 'history.bin')), 'written at stop');

      const second = await rig.start({ state_dir: dir });
      const after = await get(second, '/api/history?step=1');
      const firstTime = before.links.wan1[0].time as string;
      assert.ok((after.links.wan1 as { time: string }[]).some((p) => p.time === firstTime), 'the first run\'s points are back');
      const again = (await get(second, '/api/events')).events as { message: string }[];
      assert.ok(again.length >= events.length);
      assert.equal(again[0]!.message, events[0]!.message);
      const minutes = await get(second, '/api/history?step=60&link=wan1');
      assert.ok(minutes.links.wan1.length >= 1);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
