// The dhclient exit hook run by sh with dhclient-script's variables (no dhclient, no root):
// JSON content, atomic replace (no temp files left), removal on lease loss, hostile names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INSTALL_DIR } from './paths.js';

const HOOK = path.join(INSTALL_DIR, 'dhclient-exit-hook');

function runHook(stateDir: string, vars: Record<string, string>): string {
  // Sourced, as dhclient-script does; the trailing echo proves the hook did not `exit`.
  const r = spawnSync('sh', ['-c', `. "${HOOK}"; echo "after:$reason"`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', WAN_FAILOVER_STATE_DIR: stateDir, ...vars },
    encoding: 'utf8',
    timeout: 10_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'wfi-hook-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('BOUND writes gateway, dhcp_server and an ISO timestamp', () => withDir((dir) => {
  const out = runHook(dir, { reason: 'BOUND', interface: 'wan1', new_routers: '100.64.9.1 100.64.9.2', new_dhcp_server_identifier: '100.64.9.254' });
  assert.equal(out, 'after:BOUND');
  const data = JSON.parse(readFileSync(path.join(dir, 'wan1.json'), 'utf8')) as Record<string, string>;
  assert.equal(data.gateway, '100.64.9.1');
  assert.equal(data.dhcp_server, '100.64.9.254');
  assert.match(data.timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(readdirSync(dir), ['wan1.json'], 'no temp file left behind');
}));

test('RENEW, REBIND and REBOOT replace the file; EXPIRE, FAIL, RELEASE and STOP remove it', () => withDir((dir) => {
  const file = path.join(dir, 'eth1.json');
  const gw = (): string => (JSON.parse(readFileSync(file, 'utf8')) as { gateway: string }).gateway;
  const reasons: Array<[string, string]> = [['RENEW', '198.51.100.1'], ['REBIND', '198.51.100.2'], ['REBOOT', '198.51.100.3']];
  for (const [reason, router] of reasons) {
    runHook(dir, { reason, interface: 'eth1', new_routers: router });
    assert.equal(gw(), router, reason);
  }
  for (const reason of ['EXPIRE', 'FAIL', 'RELEASE', 'STOP']) {
    runHook(dir, { reason: 'BOUND', interface: 'eth1', new_routers: '198.51.100.9' });
    runHook(dir, { reason, interface: 'eth1' });
    assert.deepEqual(readdirSync(dir), [], reason);
  }
}));

test('other reasons leave the file alone; a lease without a router removes it', () => withDir((dir) => {
  runHook(dir, { reason: 'BOUND', interface: 'eth1', new_routers: '203.0.113.1' });
  runHook(dir, { reason: 'PREINIT', interface: 'eth1' });
  assert.deepEqual(readdirSync(dir), ['eth1.json']);
  runHook(dir, { reason: 'RENEW', interface: 'eth1', new_routers: '' });
  assert.deepEqual(readdirSync(dir), []);
}));

test('hostile interface names and router values never escape or corrupt the state dir', () => withDir((dir) => {
  for (const iface of ['../evil', '..', '', 'a b', 'x/y']) {
    runHook(dir, { reason: 'BOUND', interface: iface, new_routers: '203.0.113.1' });
  }
  runHook(dir, { reason: 'BOUND', interface: 'eth2', new_routers: '1.2.3.4"}' });
  assert.deepEqual(readdirSync(dir), []);
  assert.deepEqual(readdirSync(path.dirname(dir)).filter((f) => f.startsWith('evil')), []);
}));

test('BOUND records the lease\'s DNS servers as a list "dns", dotted quads only', () => withDir((dir) => {
  runHook(dir, { reason: 'BOUND', interface: 'wan1', new_routers: '198.51.100.1',
    new_domain_name_servers: '198.51.100.53 1.2.3 x"y 1.2.3.4.5 .1.2.3 1..2.3 * 203.0.113.53' });
  const data = JSON.parse(readFileSync(path.join(dir, 'wan1.json'), 'utf8')) as { gateway: string; dns: string[] };
  assert.equal(data.gateway, '198.51.100.1');
  assert.deepEqual(data.dns, ['198.51.100.53', '203.0.113.53']);
  runHook(dir, { reason: 'RENEW', interface: 'wan1', new_routers: '198.51.100.1' });
  assert.deepEqual((JSON.parse(readFileSync(path.join(dir, 'wan1.json'), 'utf8')) as { dns: string[] }).dns, [], 'a lease without servers: an empty list');
}));

test('DHCPv6 reasons record new_dhcp6_name_servers in <iface>.dhcp6.json and never touch the IPv4 file', () => withDir((dir) => {
  runHook(dir, { reason: 'BOUND', interface: 'wan1', new_routers: '198.51.100.1', new_domain_name_servers: '198.51.100.53' });
  const v4 = readFileSync(path.join(dir, 'wan1.json'), 'utf8');
  for (const reason of ['BOUND6', 'RENEW6', 'REBIND6', 'REBOOT6']) {
    runHook(dir, { reason, interface: 'wan1', new_dhcp6_name_servers: '2001:db8::53 bad;rm 2001:DB8:1::35' });
    const data = JSON.parse(readFileSync(path.join(dir, 'wan1.dhcp6.json'), 'utf8')) as { dns: string[] };
    assert.deepEqual(data.dns, ['2001:db8::53', '2001:DB8:1::35'], reason);
    assert.equal(readFileSync(path.join(dir, 'wan1.json'), 'utf8'), v4, `${reason} leaves the IPv4 file as it was`);
  }
  for (const reason of ['EXPIRE6', 'RELEASE6', 'STOP6']) {
    runHook(dir, { reason: 'BOUND6', interface: 'wan1', new_dhcp6_name_servers: '2001:db8::53' });
    runHook(dir, { reason, interface: 'wan1' });
    assert.deepEqual(readdirSync(dir), ['wan1.json'], `${reason} removes only the DHCPv6 file`);
  }
}));
