// Hardening: a primary link that fails and recovers every few seconds must not drag the default
// route back and forth. The hysteresis (failure/recovery thresholds, min_secondary_time) bounds
// the switches; we count them in the daemon's own log lines and check their spacing. Each fault
// lasts longer than the failover window (check_interval 1, ping_timeout 0.5, failure_threshold 3:
// declared down 2.5 to 3.5 s after the fault), so switching must happen: a test that passed with
// 0 switches would not test the hysteresis at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeIface, notRoot, sleep, switchTimes, waitFor, withHardRig } from './hardening-support.js';

const MIN_SECONDARY_S = 10;
const ROUNDS = 6;
const FAIL_MS = 5000;
const HEAL_MS = 5000;

test('a flapping primary: switches bounded by the hysteresis, returns >= min_secondary_time apart', { skip: notRoot, timeout: 150_000 }, async () => {
  await withHardRig('flap', async (rig) => {
    const d = await rig.start({ failure_threshold: 3, recovery_threshold: 3, min_secondary_time: MIN_SECONDARY_S, check_interval: 1, ping_timeout: 0.5 });
    const startedMs = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      await rig.lab.fail(1, 'upstream');
      await sleep(FAIL_MS);
      await rig.lab.heal(1);
      await sleep(HEAL_MS);
    }
    // Healed for good: the route must come home once the primary is stable (bounded wait).
    await waitFor('route back on wan1 after the flapping stops', async () => (await activeIface(rig)) === 'wan1', 30_000);
    const runMs = Date.now() - startedMs;
    const sw = switchTimes(d);
    console.log(`flapping: ${ROUNDS} rounds of ${FAIL_MS}/${HEAL_MS} ms over ${runMs} ms -> ${sw.length} switches: ` +
      sw.map((s) => `${s.to}@${s.atMs - startedMs}ms`).join(', '));

    // Each away->back pair lasts at least min_secondary_time, and there is at most one more "away"
    // than "back": so at most 2 * floor(run / min_secondary_time) + 1 switches in the run.
    const allowed = 2 * Math.floor(runMs / (MIN_SECONDARY_S * 1000)) + 1;
    assert.ok(sw.some((s) => s.to === 'wan2'), `at least one failover (${sw.length} switches)`);
    assert.ok(sw.some((s) => s.to === 'wan1'), `at least one return (${sw.length} switches)`);
    assert.ok(sw.length <= allowed, `${sw.length} switches, the hysteresis allows at most ${allowed} in ${runMs} ms`);
    assert.ok(sw.length < 2 * ROUNDS, `fewer switches than a daemon without hysteresis would make (${sw.length})`);
    for (let i = 0; i < sw.length; i++) {
      const s = sw[i]!;
      assert.equal(s.to, i % 2 === 0 ? 'wan2' : 'wan1', `switches alternate away/back (switch ${i} went to ${s.to})`);
      if (s.to === 'wan1') {
        const onSecondary = s.atMs - sw[i - 1]!.atMs;
        assert.ok(onSecondary >= MIN_SECONDARY_S * 1000, `return ${i} came ${onSecondary} ms after the switch away (min ${MIN_SECONDARY_S} s)`);
      }
    }
    assert.equal(d.exitCode, null, 'the daemon kept running');
  });
});
