// The dhclient exit hook for real: dnsmasq in an "isp" namespace hands out a lease with a
// router option; dhclient in a "router" namespace, with our own minimal -sf script that sources
// the hook (lab/dhcp.ts), must produce <state>/<iface>.json; a changed router option yields
// the new gateway, and STOP removes the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clientLog, startDhcpClient, startDhcpServer, stateFileGateway, stopDhcpClient, writeClientFiles, type DhcpClientFiles } from '../../lab/dhcp.js';
import { terminate } from '../../lab/exec.js';

const tag = String(process.pid % 100000);
const ISP = `wfi-isp-${tag}`;
const RTR = `wfi-rtr-${tag}`;
const ISP_IF = `wfiI${tag}`;
const RTR_IF = `wfiR${tag}`;

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { timeout: 5_000 }).status === 0;
}

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const cmd of ['ip', 'dnsmasq', 'dhclient']) {
    if (!which(cmd)) return `${cmd} not installed (apt-get install -y iproute2 dnsmasq-base isc-dhcp-client)`;
  }
  return false;
}

function run(args: string[], timeoutMs = 10_000): void {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
}

test('dhclient exit hook records the DHCP gateway and follows a changed router option', { skip: skipReason(), timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wfi-dhcp-'));
  const files: DhcpClientFiles = { dir, iface: RTR_IF, stateDir: path.join(dir, 'state') };
  const stateFile = path.join(files.stateDir, `${RTR_IF}.json`);
  const range = { rangeStart: '100.64.9.10', rangeEnd: '100.64.9.20' };
  let dnsmasq: ChildProcess | null = null;
  let client: ChildProcess | null = null;
  const waitGateway = async (gw: string): Promise<void> => {
    for (let waited = 0; waited < 40_000 && stateFileGateway(files.stateDir, RTR_IF) !== gw; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(stateFileGateway(files.stateDir, RTR_IF), gw, clientLog(files));
  };
  try {
    run(['ip', 'netns', 'add', ISP]);
    run(['ip', 'netns', 'add', RTR]);
    run(['ip', '-n', ISP, 'link', 'add', ISP_IF, 'type', 'veth', 'peer', 'name', RTR_IF, 'netns', RTR]);
    run(['ip', '-n', ISP, 'addr', 'add', '100.64.9.1/24', 'dev', ISP_IF]);
    run(['ip', '-n', ISP, 'link', 'set', ISP_IF, 'up']);
    run(['ip', '-n', RTR, 'link', 'set', RTR_IF, 'up']);
    await writeClientFiles(files, { applyRoutes: true });

    dnsmasq = await startDhcpServer(ISP, ISP_IF, dir, { ...range, router: '100.64.9.1' });
    client = startDhcpClient(RTR, files);
    await waitGateway('100.64.9.1');
    const first = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, string>;
    assert.equal(first.dhcp_server, '100.64.9.1');
    assert.match(first.timestamp ?? '', /Z$/);

    // New router option: restart dnsmasq (same lease file), stop dhclient (STOP removes the
    // file), then a fresh dhclient run re-acquires the lease and the hook writes the new gateway.
    await terminate(dnsmasq);
    dnsmasq = await startDhcpServer(ISP, ISP_IF, dir, { ...range, router: '100.64.9.2' });
    await stopDhcpClient(RTR, files, client);
    assert.equal(existsSync(stateFile), false, 'STOP removed the state file');
    client = startDhcpClient(RTR, files);
    await waitGateway('100.64.9.2');
  } finally {
    if (client) await terminate(client);
    if (dnsmasq) await terminate(dnsmasq);
    spawnSync('ip', ['netns', 'del', RTR], { stdio: 'ignore', timeout: 10_000 });
    spawnSync('ip', ['netns', 'del', ISP], { stdio: 'ignore', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  }
});
