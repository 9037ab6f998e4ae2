// The real daemon in the namespace lab under the unit's sandbox as far as it can be had without
// systemd as PID 1 (this machine's PID 1 is not systemd, so no `systemd-run`): setpriv makes it an
// unprivileged user (nobody) with only CAP_NET_ADMIN and CAP_NET_RAW (ambient, bounding set
// reduced) and no_new_privs, as User=, AmbientCapabilities=, CapabilityBoundingSet= and
// NoNewPrivileges= in install/wan-failover.service do. It must start, probe, switch, serve
// /metrics with the key, and run a configured hook on the switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { labConfig, startDaemon, type DaemonHandle } from '../../lab/daemon-runner.js';
import { activeIface, notRoot, waitFor, withRig } from './support.js';

const NOBODY = { uid: 65534, gid: 65534 };
const SETPRIV = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all,+net_admin,+net_raw',
  '--ambient-caps=-all,+net_admin,+net_raw', '--bounding-set=-all,+net_admin,+net_raw', '--no-new-privs'];
const noSetpriv = spawnSync('setpriv', ['--version']).status !== 0 ? 'setpriv not installed (util-linux)' : false;

/** CapEff as a bit mask, NoNewPrivs and the real uid from /proc/<pid>/status. */
function procStatus(pid: number): { capEff: bigint; noNewPrivs: string; uid: string } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (k: string): string => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return { capEff: BigInt(`0x${field('CapEff')}`), noNewPrivs: field('NoNewPrivs'), uid: field('Uid').split(/\s+/)[0] ?? '' };
}

test('under setpriv (nobody, CAP_NET_ADMIN + CAP_NET_RAW only, no_new_privs) the daemon probes, switches, serves /metrics and runs a hook',
  { skip: notRoot || noSetpriv, timeout: 120_000 }, async () => {
    const hookDir = mkdtempSync(path.join(tmpdir(), 'wf-ops-hook-'));
    chownSync(hookDir, NOBODY.uid, NOBODY.gid);
    const hook = path.join(hookDir, 'on-switch.sh');
    writeFileSync(hook, `#!/bin/sh\necho "$WAN_EVENT $WAN_FROM $WAN_TO $WAN_REASON $(id -u)" >> ${hookDir}/events\n`);
    chmodSync(hook, 0o755);
    let d: DaemonHandle | null = null;
    try {
      await withRig('sbx', async (rig) => {
        d = await startDaemon(rig.lab, labConfig(rig.lab, { hooks: [{ path: hook, events: ['switch'] }] }),
          { commandPrefix: SETPRIV, owner: NOBODY });
        await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
        const st = procStatus(d.pid);
        assert.equal(st.uid, '65534');
        assert.equal(st.noNewPrivs, '1');
        assert.equal(st.capEff, (1n << 12n) | (1n << 13n), 'CAP_NET_ADMIN (12) and CAP_NET_RAW (13) only');
        assert.equal(await activeIface(rig), 'wan1');

        // Probing works: RTT samples of both links show up in the metrics.
        const scrape = async (): Promise<string> => {
          const r = await rig.agent.http('GET', '/metrics', { headers: { authorization: `Bearer ${d!.apiKey}` }, port: d!.apiPort });
          assert.equal(r.status, 200);
          return r.body;
        };
        await waitFor('probes of both links', async () => /wan_failover_probes_received_total\{link="wan2"/.test(await scrape()), 20_000);
        const unauth = await rig.agent.http('GET', '/metrics', { port: d.apiPort });
        assert.equal(unauth.status, 401);

        await rig.lab.fail(1, 'upstream');
        await waitFor('default route on wan2', async () => (await activeIface(rig)) === 'wan2', 30_000);
        const text = await scrape();
        assert.match(text, /^wan_failover_switches_total\{family="ipv4",reason="failover"\} 1$/m);
        assert.match(text, /^wan_failover_active_link_info\{link="wan2",interface="wan2",family="ipv4"\} 1$/m);
        assert.match(text, /^wan_failover_link_state\{link="wan1",interface="wan1",family="ipv4",state="down"\} 1$/m);
        assert.match(text, /^process_resident_memory_bytes \d+/m);
        await waitFor('the hook to run', async () => existsSync(`${hookDir}/events`), 10_000);
        assert.equal(readFileSync(`${hookDir}/events`, 'utf8').trim(), 'switch wan1 wan2 failover 65534');
        await d.dispose();
      });
    } finally {
      rmSync(hookDir, { recursive: true, force: true });
    }
  });
