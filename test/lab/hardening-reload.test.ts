// Hardening: SIGHUP reloads while faults come and go. Valid reloads apply, an invalid file is
// refused with one log line and the running configuration kept; through all of it the daemon
// stays up, its API answers, and a final upstream fault on the active link still fails it over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import type { DaemonHandle, LogLine } from '../../lab/daemon-runner.js';
import { activeIface, alive, logAfter, notRoot, sleep, status, switchedTo, switches, waitFor, withHardRig } from './hardening-support.js';

const RELOADED = 'configuration reloaded';
const REFUSED = 'configuration reload refused; keeping the running configuration';

const count = (d: DaemonHandle, msg: string): number => d.logs.filter((l: LogLine) => l.msg === msg).length;

/** Sends SIGHUP and waits for the daemon's verdict line (reloaded or refused) written after it. */
async function hup(d: DaemonHandle, expect: string): Promise<LogLine> {
  const from = d.logs.length;
  process.kill(d.pid, 'SIGHUP');
  return logAfter(d, from, (l) => l.msg === RELOADED || l.msg === REFUSED, 10_000).then((l) => {
    assert.equal(l.msg, expect, `SIGHUP answered with "${String(l.msg)}" (${String(l.error ?? '')})`);
    return l;
  });
}

test('SIGHUP reloads under injected faults: invalid config refused, valid one applied, failover still works', { skip: notRoot, timeout: 90_000 }, async () => {
  await withHardRig('hup', async (rig) => {
    const d = await rig.start({ min_secondary_time: 5 });
    const pid = d.pid;
    const valid = JSON.parse(await readFile(d.configPath, 'utf8')) as Record<string, unknown>;
    await rig.lab.fail(1, 'upstream', { lossPct: 30 });

    // Reloads of an unchanged file while the faults change under the daemon.
    const faults = [
      () => rig.lab.fail(2, 'upstream', { lossPct: 50 }),
      () => rig.lab.heal(1),
      () => rig.lab.fail(1, 'gateway', { lossPct: 30 }),
      () => rig.lab.heal(2),
    ];
    for (const toggle of faults) {
      await toggle();
      const line = await hup(d, RELOADED);
      assert.deepEqual(line.needRestart, [], 'an unchanged file needs no restart');
      await sleep(700);
    }
    // A burst: signals may coalesce, but at least one reload happens and nothing breaks.
    const before = count(d, RELOADED);
    for (let i = 0; i < 5; i++) process.kill(pid, 'SIGHUP');
    await waitFor('a reload after the SIGHUP burst', async () => count(d, RELOADED) > before, 10_000);

    // Invalid: broken YAML, then a value the schema refuses. Each refused, old config kept.
    await writeFile(d.configPath, 'check_interval: [1,\n  ping_targets: {\n', { mode: 0o600 });
    const refusedYaml = await hup(d, REFUSED);
    await writeFile(d.configPath, JSON.stringify({ ...valid, check_interval: -3 }), { mode: 0o600 });
    const refusedValue = await hup(d, REFUSED);
    assert.ok(String(refusedValue.error).length > 0, 'the refusal says why');
    // Truncated to 0 bytes (issue 19, defect 7): all defaults would drop the key, the links and the targets.
    await writeFile(d.configPath, '', { mode: 0o600 });
    const refusedEmpty = await hup(d, REFUSED);
    assert.match(String(refusedEmpty.error), /reload refused: it would remove the API key/);
    assert.equal((await rig.agent.http('GET', '/api/status', { port: d.apiPort, headers: { authorization: `Bearer ${d.apiKey}` } })).status, 200,
      'the API still answers (the same key: the old config is running)');

    // Valid again, with a changed check_interval: applied without a restart.
    await rig.lab.fail(2, 'upstream', { lossPct: 30 });
    await writeFile(d.configPath, JSON.stringify({ ...valid, check_interval: 2 }), { mode: 0o600 });
    const applied = await hup(d, RELOADED);
    assert.deepEqual(applied.needRestart, [], 'check_interval changes in place');

    // Calm the lab, then a real upstream fault on whichever link is active must still fail it over.
    await rig.lab.heal(1);
    await rig.lab.heal(2);
    await waitFor('both links healthy again', async () => {
      const st = await status(rig, d);
      return st.primary.healthy === true && st.secondary.healthy === true;
    }, 30_000);
    const active = await activeIface(rig);
    assert.ok(active === 'wan1' || active === 'wan2', `a WAN is active (${String(active)})`);
    const other = active === 'wan1' ? 'wan2' : 'wan1';
    const switchesBefore = switches(d).length;
    await rig.lab.fail(active === 'wan1' ? 1 : 2, 'upstream');
    await waitFor(`failover from ${active} to ${other}`, async () => (await activeIface(rig)) === other, 30_000);
    await switchedTo(d, other);
    assert.ok(switches(d).length > switchesBefore);

    assert.ok(alive(pid) && d.exitCode === null, 'the daemon kept running through every reload');
    assert.equal(d.pid, pid);
    assert.equal(count(d, 'uncaught exception'), 0);
    assert.ok(refusedYaml.msg === REFUSED && count(d, REFUSED) === 3, 'exactly the two invalid files and the empty one were refused');
    console.log(`reload: ${count(d, RELOADED)} reloads applied, ${count(d, REFUSED)} refused, ${switches(d).length} switches; ` +
      `refusal reasons: ${String(refusedYaml.error).slice(0, 120)} | ${String(refusedValue.error).slice(0, 120)}`);
  });
});
