// The real daemon stops while a hook that ignores SIGTERM runs (issue 19, defect 6): the hook's
// whole process group is killed before the daemon exits, instead of living on with PPID 1.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { groupAlive, liveMembers } from '../support/process-group.js';
import { notRoot, waitFor, withRig } from './support.js';

test('a hook still running at SIGTERM, ignoring it, is killed with its process group before the daemon exits', { skip: notRoot, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-hookstop-'));
  const pidFile = join(dir, 'pid');
  const hook = join(dir, 'stubborn.sh');
  writeFileSync(hook, `#!/bin/sh\ntrap '' TERM\necho $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}\nsleep 60\n`);
  chmodSync(hook, 0o700);
  let pgid = 0;
  try {
    await withRig('hks', async (rig) => {
      const d = await rig.start({ min_secondary_time: 120, hooks: [{ path: hook, events: ['switch'], timeout: 60 }] });
      const res = await rig.agent.http('POST', '/api/switch', { headers: { authorization: `Bearer ${d.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ target: 'wan2' }), port: d.apiPort });
      assert.equal(res.status, 200, res.body);
      await waitFor('the hook runs', async () => existsSync(pidFile), 15_000, 50);
      pgid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(liveMembers(pgid).length >= 1, 'the hook runs');
      assert.equal(await d.stop('SIGTERM', 15_000), 0, 'a clean stop');
      assert.equal(await groupAlive(pgid), false, 'no process of the hook outlives the daemon');
      assert.ok(d.logs.some((l) => l.msg === 'hook killed: the daemon is stopping'));
    });
  } finally {
    if (pgid > 0 && liveMembers(pgid).length > 0) process.kill(-pgid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
