// DHCP in the lab: dnsmasq as an ISP's DHCP server and dhclient on a router interface, with our
// own minimal -sf script (never the system's dhclient-script, which rewrites /etc/resolv.conf)
// that applies the lease with `ip` inside the namespace and then runs the project's exit hook.
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNs, spawnInNs, terminate } from './exec.js';

export const HOOK_PATH = fileURLToPath(new URL('../../install/dhclient-exit-hook', import.meta.url));

export interface DhcpServerOptions {
  rangeStart: string;
  rangeEnd: string;
  router: string;
  /** Lease time, dnsmasq syntax (default 2m). */
  lease?: string;
  /** DNS servers the lease names (DHCP option 6); default none. */
  dns?: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs: number, detail: () => string): Promise<void> {
  for (let waited = 0; waited <= timeoutMs; waited += 100) {
    if (ok()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
}

const readOr = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** dnsmasq serving DHCP only (port=0: no DNS) on one interface of `ns`; resolves once it listens. */
export async function startDhcpServer(ns: string, iface: string, dir: string, o: DhcpServerOptions): Promise<ChildProcess> {
  const logFile = join(dir, `dnsmasq-${iface}.log`);
  const before = readOr(logFile).split('DHCP, IP range').length;
  const log = openSync(logFile, 'a');
  const child = spawnInNs(ns, 'dnsmasq', ['--no-daemon', '--conf-file=/dev/null', '--port=0', `--interface=${iface}`,
    '--bind-interfaces', '--dhcp-authoritative', `--dhcp-range=${o.rangeStart},${o.rangeEnd},255.255.255.0,${o.lease ?? '2m'}`,
    `--dhcp-option=3,${o.router}`, ...(o.dns?.length ? [`--dhcp-option=option:dns-server,${o.dns.join(',')}`] : []), '--log-dhcp', `--dhcp-leasefile=${join(dir, `dnsmasq-${iface}.leases`)}`],
  { stdio: ['ignore', log, log] });
  closeSync(log);
  // --no-daemon writes no pid file; dnsmasq logs its DHCP range once it is listening.
  await until('dnsmasq to listen', () => readOr(logFile).split('DHCP, IP range').length > before, 10_000, () => readOr(logFile));
  return child;
}

export interface DhcpClientFiles { dir: string; iface: string; stateDir: string }

/** The -sf script: apply the lease with `ip`, optionally its default route (at `routeMetric`), then the exit hook. */
export async function writeClientFiles(f: DhcpClientFiles, opts: { applyRoutes: boolean; routeMetric?: number }): Promise<void> {
  const route = opts.applyRoutes
    ? `set -- $new_routers\n    [ -z "\${1:-}" ] || ip -4 route replace default via "$1" dev "$interface" metric ${opts.routeMetric ?? 100} proto dhcp`
    : ':';
  const script = `#!/bin/sh
WAN_FAILOVER_STATE_DIR='${f.stateDir}'; export WAN_FAILOVER_STATE_DIR
echo "reason=$reason interface=$interface ip=\${new_ip_address:-} routers=\${new_routers:-}" >> '${join(f.dir, 'script.log')}'
case "$reason" in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
    ${route} ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface" ;;
esac
. '${HOOK_PATH}'
exit 0
`;
  await writeFile(join(f.dir, 'script.sh'), script);
  await chmod(join(f.dir, 'script.sh'), 0o755);
  await writeFile(join(f.dir, 'dhclient.conf'), 'timeout 30;\nretry 5;\nrequest subnet-mask, broadcast-address, routers, domain-name-servers;\n');
}

function clientArgs(f: DhcpClientFiles): string[] {
  return ['-v', '-cf', join(f.dir, 'dhclient.conf'), '-sf', join(f.dir, 'script.sh'),
    '-pf', join(f.dir, 'dhclient.pid'), '-lf', join(f.dir, 'dhclient.leases'), f.iface];
}

/** dhclient in the foreground (-d), one attempt (-1): it stays our own child, so we hold its pid. */
export function startDhcpClient(ns: string, f: DhcpClientFiles): ChildProcess {
  const log = openSync(join(f.dir, 'dhclient.log'), 'a');
  const child = spawnInNs(ns, 'dhclient', ['-d', '-1', ...clientArgs(f)], { stdio: ['ignore', log, log] });
  closeSync(log);
  return child;
}

/** `dhclient -x` (runs the script with STOP, which removes the state file), then reaps the client. */
export async function stopDhcpClient(ns: string, f: DhcpClientFiles, child: ChildProcess): Promise<void> {
  await runInNs(ns, 'dhclient', ['-x', ...clientArgs(f)], { timeoutMs: 20_000 }).catch(() => undefined);
  await terminate(child);
}

export const clientLog = (f: DhcpClientFiles): string => readOr(join(f.dir, 'dhclient.log'));

/** The DNS servers in the hook's state file (issue 22), or null without a file. */
export function stateFileDns(stateDir: string, iface: string): string[] | null {
  try {
    return (JSON.parse(readFileSync(join(stateDir, `${iface}.json`), 'utf8')) as { dns?: string[] }).dns ?? [];
  } catch {
    return null;
  }
}

/** The gateway in the hook's state file, or null. */
export function stateFileGateway(stateDir: string, iface: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(stateDir, `${iface}.json`), 'utf8')) as { gateway?: string }).gateway ?? null;
  } catch {
    return null;
  }
}
