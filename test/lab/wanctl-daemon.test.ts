// wanctl against the real daemon in the lab: status, switch and auto over the daemon's API, with
// host, port and key taken from the daemon's own config file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInNs } from '../../lab/exec.js';
import { activeIface, notRoot, status, waitFor, withRig } from './support.js';

const WANCTL = fileURLToPath(new URL('../../src/cli/wanctl.js', import.meta.url));

async function wanctl(ns: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await runInNs(ns, process.execPath, [WANCTL, ...args], { timeoutMs: 20_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { exitCode?: number; stdout?: string; stderr?: string };
    return { code: err.exitCode ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

test('wanctl status, switch and auto drive the running daemon', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('ctl', async (rig) => {
    const d = await rig.start({ min_secondary_time: 120 });
    const ns = rig.lab.routerNs;
    const st = await wanctl(ns, ['status', '--json', '-c', d.configPath]);
    assert.equal(st.code, 0, st.stderr);
    assert.equal(JSON.parse(st.stdout).active_link, 'wan1');
    const human = await wanctl(ns, ['status', '-c', d.configPath]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /wan1/);
    assert.match(human.stdout, /wan2/);

    const sw = await wanctl(ns, ['switch', 'wan2', '-c', d.configPath]);
    assert.equal(sw.code, 0, sw.stderr);
    await waitFor('route on wan2', async () => (await activeIface(rig)) === 'wan2');

    const bad = await wanctl(ns, ['switch', 'wan7', '-c', d.configPath]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1, 'one line on stderr');

    const off = await wanctl(ns, ['auto', 'off', '-c', d.configPath]);
    assert.equal(off.code, 0, off.stderr);
    assert.equal((await status(rig, d)).auto_enabled, false);
    const usage = await wanctl(ns, ['auto', 'maybe', '-c', d.configPath]);
    assert.equal(usage.code, 2);
  });
});
