// Drop-in, on the real daemon in a namespace lab: the original's example config (its key set, the
// placeholder api_key kept; only interfaces, targets and paths changed for the lab) runs and fails
// over while the API answers 503 WAN_ERR_API_DISABLED; and check_interval 1 with ping_timeout 1
// runs, warns with the effective period and fails over (its time is printed beside the window; the
// period max(I, T), not I + T, is pinned on a fake clock in test/unit/engine/probe-loop.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startDaemon, type DaemonHandle } from '../../lab/daemon-runner.js';
import { runInNs } from '../../lab/exec.js';
import { failoverWindowMs } from '../../src/config/timing.js';
import { activeIface, notRoot, switches, waitFor, withRig } from './support.js';

const PLACEHOLDER = 'CHANGE_ME_TO_A_RANDOM_STRING';
const WANCTL = fileURLToPath(new URL('../../src/cli/wanctl.js', import.meta.url));

test("the original's config.example.yaml (placeholder key) runs: failover works, the API says why it is off",
  { skip: notRoot, timeout: 120_000 }, async () => {
    await withRig('orig', async (rig) => {
      const [l1, l2] = rig.lab.links;
      // fixtures/config/seed.yaml, key for key; gateway_state_dir and log_file are filled in per run.
      const seed = {
        primary: { name: 'primary', interface: l1!.iface, display_name: 'Telekom' },
        secondary: { name: 'secondary', interface: l2!.iface, display_name: 'Digi' },
        ping_targets: [...rig.lab.targets],
        ping_timeout: 1.5,
        ping_count: 1,
        check_interval: 3.0,
        failure_threshold: 3,
        recovery_threshold: 5,
        min_secondary_time: 30.0,
        api_host: '0.0.0.0',
        api_port: 8780,
        api_key: PLACEHOLDER,
        log_level: 'INFO',
      };
      let d: DaemonHandle | null = null;
      try {
        d = await startDaemon(rig.lab, seed);
        await d.waitForLog((l) => l.msg === 'daemon ready', 30_000);
        assert.equal(d.exitCode, null, 'the daemon runs with the placeholder key');
        const loud = d.logs.filter((l) => l.level === 'error' && /^API DISABLED/.test(String(l.msg)));
        assert.equal(loud.length, 1, 'one loud line about the API');
        assert.ok(!JSON.stringify(d.logs).includes(PLACEHOLDER), 'the key itself is never logged');

        const res = await rig.agent.http('GET', '/api/status', { headers: { authorization: `Bearer ${PLACEHOLDER}` }, port: 8780 });
        assert.equal(res.status, 503);
        const body = JSON.parse(res.body) as Record<string, unknown>;
        assert.equal(body['code'], 'WAN_ERR_API_DISABLED');
        assert.match(String(body['error']), /api_key is still the example placeholder/);
        // `wanctl status` (host, port and key from the same file) prints the reason, exit 1.
        const ctl = await runInNs(rig.lab.routerNs, process.execPath, [WANCTL, 'status', '-c', d.configPath], { timeoutMs: 20_000 })
          .then(() => ({ code: 0, stderr: '' }), (e: { exitCode?: number; stderr?: string }) => ({ code: e.exitCode ?? -1, stderr: e.stderr ?? '' }));
        assert.equal(ctl.code, 1);
        assert.match(ctl.stderr, /^wanctl status: API disabled: api_key is still the example placeholder; set a good api_key in .* and reload/);

        await waitFor('the route on the primary', async () => (await activeIface(rig)) === l1!.iface, 30_000);
        await rig.lab.fail(1, 'upstream');
        // failure_threshold 3, check_interval 3, ping_timeout 1.5: declared down 7.5 to 10.5 s after the fault.
        await waitFor('failover to the secondary', async () => (await activeIface(rig)) === l2!.iface, 30_000);
        const sw = switches(d);
        assert.equal(sw.at(-1)?.to, 'secondary');
        const still = await rig.agent.http('POST', '/api/switch', { headers: { authorization: `Bearer ${PLACEHOLDER}`, 'content-type': 'application/json' },
          body: '{"target":"primary"}', port: 8780 });
        assert.equal(still.status, 503, 'the API stays off; it cannot move the route');
        assert.equal(await activeIface(rig), l2!.iface);
        assert.equal(d.exitCode, null);
      } finally {
        await d?.dispose().catch(() => undefined);
      }
    });
  });

test('check_interval 1 with ping_timeout 1: runs, warns with the effective period, fails over (the time is a printed figure)',
  { skip: notRoot, timeout: 120_000 }, async () => {
    await withRig('tmg', async (rig) => {
      const cfg = { check_interval: 1, ping_timeout: 1, failure_threshold: 5 };
      const d = await rig.start(cfg);
      const warn = d.logs.find((l) => l.key === 'ping_timeout' && /effective check period/.test(String(l.msg)));
      assert.ok(warn !== undefined, 'the warning is logged at start');
      assert.match(String(warn.msg), /max\(check_interval, ping_timeout\) = 1 s/);
      await waitFor('the route on wan1', async () => (await activeIface(rig)) === 'wan1', 20_000);

      await rig.lab.fail(1, 'upstream');
      const faultMs = Date.now();
      const line = await d.waitForLog((l) => l.msg === 'default route switched' && l.to === 'wan2', 30_000);
      const tookMs = Date.parse(String(line.time)) - faultMs;
      // The documented window: (F - 1) * max(I, T) + T .. + I = 5 .. 6 s. A daemon that waited a full
      // check_interval after each 1 s round (period 2 s) would need at least 9 s. Printed, not asserted:
      // timings are figures (bench/), not pass/fail conditions.
      const w = failoverWindowMs({ checkIntervalMs: 1000, pingTimeoutMs: 1000, failureThreshold: 5 });
      console.log(`timing: check_interval 1 s, ping_timeout 1 s, failure_threshold 5 -> window ${w.minMs}..${w.maxMs} ms; failover after ${tookMs} ms`);
      assert.equal(d.exitCode, null);
    });
  });
