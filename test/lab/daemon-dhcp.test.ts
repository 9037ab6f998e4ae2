// The whole DHCP chain with the real daemon: dnsmasq in the ISP namespace leases wan2 an address
// and a router; dhclient's exit hook writes the state file; the daemon takes the gateway from it
// (the -sf script installs no route, so the file is the only source) and routes wan2's table via
// it. A new lease with another router reaches the route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { clientLog, startDhcpClient, startDhcpServer, stateFileGateway, stopDhcpClient, writeClientFiles, type DhcpClientFiles } from '../../lab/dhcp.js';
import { terminate } from '../../lab/exec.js';
import { notRoot, status, waitFor, withRig } from './support.js';

function skipReason(): string | false {
  if (notRoot) return notRoot;
  for (const cmd of ['dnsmasq', 'dhclient']) {
    try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', timeout: 5000 }); } catch {
      return `${cmd} not installed (apt-get install -y dnsmasq-base isc-dhcp-client)`;
    }
  }
  return false;
}

test('a DHCP lease reaches the daemon through the exit hook\'s state file, and a new lease reaches the route', { skip: skipReason(), timeout: 150_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wfd-dhcp-'));
  let server: ChildProcess | null = null;
  let client: ChildProcess | null = null;
  try {
    await withRig('dhcp', async (rig) => {
      const { lab } = rig;
      const isp2 = lab.ispNs(2);
      const files: DhcpClientFiles = { dir, iface: 'wan2', stateDir: join(dir, 'state') };
      // wan2 gets its address from DHCP instead of the lab's static one.
      await lab.exec(lab.routerNs, 'ip', ['-4', 'addr', 'flush', 'dev', 'wan2']);
      await writeClientFiles(files, { applyRoutes: false });
      server = await startDhcpServer(isp2, 'cpe2', dir, { rangeStart: '100.64.2.10', rangeEnd: '100.64.2.20', router: '100.64.2.1' });
      client = startDhcpClient(lab.routerNs, files);
      await waitFor('the hook\'s state file', async () => stateFileGateway(files.stateDir, 'wan2') === '100.64.2.1', 40_000)
        .catch((e: Error) => { throw new Error(`${e.message}\n${clientLog(files)}`); });

      const d = await rig.start({ gateway_state_dir: files.stateDir }, { stateFiles: false });
      const st = await status(rig, d);
      assert.equal(st.secondary.gateway, '100.64.2.1');
      assert.equal(st.secondary.gateway_source, 'state_file');
      assert.equal((await rig.agent.defaultRoutes(1001))[0]?.gateway, '100.64.2.1');
      await waitFor('wan2 healthy through its leased address', async () => (await status(rig, d)).secondary.healthy === true);

      // The ISP moves its router: a new lease names it, the hook rewrites the file, the route follows.
      await lab.changeGateway(2, '100.64.2.254');
      await terminate(server);
      server = await startDhcpServer(isp2, 'cpe2', dir, { rangeStart: '100.64.2.10', rangeEnd: '100.64.2.20', router: '100.64.2.254' });
      await stopDhcpClient(lab.routerNs, files, client);
      client = startDhcpClient(lab.routerNs, files);
      await waitFor('the new gateway in wan2\'s table', async () => (await rig.agent.defaultRoutes(1001))[0]?.gateway === '100.64.2.254', 60_000)
        .catch((e: Error) => { throw new Error(`${e.message}\n${clientLog(files)}`); });
      assert.equal((await status(rig, d)).secondary.gateway, '100.64.2.254');
      await waitFor('wan2 healthy through the new gateway', async () => (await status(rig, d)).secondary.healthy === true);
    });
  } finally {
    if (client) await terminate(client);
    if (server) await terminate(server);
    await rm(dir, { recursive: true, force: true });
  }
});
