// The dhclient exit hook for real: dnsmasq in an "isp" namespace hands out a lease with a
// router option; dhclient in a "router" namespace, with our own minimal -sf script that sources
// the hook, must produce <state>/<iface>.json; a changed router option yields the new gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../install/dhclient-exit-hook');
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

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (ok()) return;
    await delay(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// Applies the lease inside the namespace with `ip` only (never touches /etc/resolv.conf),
// then sources the exit hook exactly like dhclient-script does.
function scriptText(stateDir: string, logFile: string): string {
  return `#!/bin/sh
WAN_FAILOVER_STATE_DIR='${stateDir}'; export WAN_FAILOVER_STATE_DIR
echo "reason=$reason interface=$interface ip=\${new_ip_address:-} routers=\${new_routers:-}" >> '${logFile}'
case "$reason" in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
    set -- $new_routers
    [ -z "\${1:-}" ] || ip -4 route replace default via "$1" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface" ;;
esac
. '${HOOK}'
exit 0
`;
}

function startDnsmasq(dir: string, router: string): ChildProcess {
  const log = openSync(path.join(dir, 'dnsmasq.log'), 'a');
  const child = spawn('ip', ['netns', 'exec', ISP, 'dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--port=0',
    `--interface=${ISP_IF}`, '--bind-interfaces', '--dhcp-authoritative',
    '--dhcp-range=100.64.9.10,100.64.9.20,255.255.255.0,2m', `--dhcp-option=3,${router}`,
    `--pid-file=${path.join(dir, 'dnsmasq.pid')}`, '--log-dhcp', `--dhcp-leasefile=${path.join(dir, 'dnsmasq.leases')}`],
  { stdio: ['ignore', log, log] });
  closeSync(log);
  return child;
}

// --no-daemon writes no pid file; dnsmasq logs its DHCP range once it is listening.
async function dnsmasqReady(dir: string, starts: number): Promise<void> {
  const logFile = path.join(dir, 'dnsmasq.log');
  const count = (): number => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('DHCP, IP range').length - 1 : 0);
  try {
    await waitFor('dnsmasq to listen', () => count() >= starts, 10_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`);
  }
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, delay(5_000)]);
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
}

function dhclientArgs(dir: string): string[] {
  return ['-v', '-cf', path.join(dir, 'dhclient.conf'), '-sf', path.join(dir, 'script.sh'),
    '-pf', path.join(dir, 'dhclient.pid'), '-lf', path.join(dir, 'dhclient.leases'), RTR_IF];
}

// dhclient -d -1 stays our own child (foreground, one attempt), so we hold its pid and reap it;
// a daemonized dhclient would only be reachable through its pid file, which races with the hook.
function startDhclient(dir: string): ChildProcess {
  const log = openSync(path.join(dir, 'dhclient.log'), 'a');
  const child = spawn('ip', ['netns', 'exec', RTR, 'dhclient', '-d', '-1', ...dhclientArgs(dir)], { stdio: ['ignore', log, log] });
  closeSync(log);
  return child;
}

// dhclient -x: runs the script with STOP and ends the client named by the pid file.
function stopDhclient(dir: string): number | null {
  return spawnSync('ip', ['netns', 'exec', RTR, 'dhclient', '-x', ...dhclientArgs(dir)], { stdio: 'ignore', timeout: 20_000 }).status;
}

function gateway(file: string): string | null {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { gateway?: string }).gateway ?? null;
  } catch {
    return null;
  }
}

test('dhclient exit hook records the DHCP gateway and follows a changed router option', { skip: skipReason(), timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wfi-dhcp-'));
  const stateDir = path.join(dir, 'state');
  const stateFile = path.join(stateDir, `${RTR_IF}.json`);
  let dnsmasq: ChildProcess | null = null;
  let client: ChildProcess | null = null;
  const dhcpLog = (): string => readFileSync(path.join(dir, 'dhclient.log'), 'utf8');
  try {
    run(['ip', 'netns', 'add', ISP]);
    run(['ip', 'netns', 'add', RTR]);
    run(['ip', '-n', ISP, 'link', 'add', ISP_IF, 'type', 'veth', 'peer', 'name', RTR_IF, 'netns', RTR]);
    run(['ip', '-n', ISP, 'addr', 'add', '100.64.9.1/24', 'dev', ISP_IF]);
    run(['ip', '-n', ISP, 'link', 'set', ISP_IF, 'up']);
    run(['ip', '-n', RTR, 'link', 'set', RTR_IF, 'up']);
    writeFileSync(path.join(dir, 'dhclient.conf'), 'timeout 30;\nretry 5;\nrequest subnet-mask, broadcast-address, routers;\n');
    writeFileSync(path.join(dir, 'script.sh'), scriptText(stateDir, path.join(dir, 'script.log')));
    chmodSync(path.join(dir, 'script.sh'), 0o755);

    dnsmasq = startDnsmasq(dir, '100.64.9.1');
    await dnsmasqReady(dir, 1);
    client = startDhclient(dir);
    await waitFor('state file with the first gateway', () => gateway(stateFile) === '100.64.9.1', 40_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${dhcpLog()}`);
    });
    const first = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, string>;
    assert.equal(first.dhcp_server, '100.64.9.1');
    assert.match(first.timestamp ?? '', /Z$/);

    // New router option: restart dnsmasq (same lease file), stop dhclient (STOP removes the
    // file), then a fresh dhclient run re-acquires the lease and the hook writes the new gateway.
    await stopChild(dnsmasq);
    dnsmasq = startDnsmasq(dir, '100.64.9.2');
    await dnsmasqReady(dir, 2);
    assert.equal(stopDhclient(dir), 0);
    await stopChild(client);
    assert.equal(existsSync(stateFile), false, 'STOP removed the state file');
    client = startDhclient(dir);
    await waitFor('state file with the new gateway', () => gateway(stateFile) === '100.64.9.2', 40_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${dhcpLog()}`);
    });
  } finally {
    await stopChild(client);
    await stopChild(dnsmasq);
    spawnSync('ip', ['netns', 'del', RTR], { stdio: 'ignore', timeout: 10_000 });
    spawnSync('ip', ['netns', 'del', ISP], { stdio: 'ignore', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  }
});
