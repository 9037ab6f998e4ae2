// The unit's sandbox score: `systemd-analyze security --offline=true` (systemd >= 250) must rate
// install/wan-failover.service at 2.0 or below (lower is tighter; the original's unit is 7.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { INSTALL_DIR } from './paths.js';

const UNIT = path.join(INSTALL_DIR, 'wan-failover.service');
const BOUND = 2.0;

const version = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8', timeout: 10_000 });
const major = Number(/systemd (\d+)/.exec(version.stdout ?? '')?.[1] ?? 0);
const skip = version.status !== 0 ? 'systemd-analyze not available (apt-get install -y systemd)'
  : major < 250 ? `systemd ${major} has no security --offline` : false;

test(`systemd-analyze security rates the unit ${BOUND} or below`, { skip }, () => {
  const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', UNIT], { encoding: 'utf8', timeout: 60_000 });
  const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(r.stdout);
  assert.ok(m, `no overall exposure level in:\n${r.stdout}\n${r.stderr}`);
  const score = Number(m[1]);
  assert.ok(score <= BOUND, `exposure ${score} > ${BOUND}:\n${r.stdout.split('\n').filter((l) => l.startsWith('✗')).join('\n')}`);
});

test('the sandbox keeps what the daemon needs', { skip }, () => {
  const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', UNIT], { encoding: 'utf8', timeout: 60_000 });
  // Capabilities for routes and ICMP stay; netlink and inet sockets stay allowed.
  assert.match(r.stdout, /✗ CapabilityBoundingSet=~CAP_NET_ADMIN/);
  assert.match(r.stdout, /✗ RestrictAddressFamilies=~AF_NETLINK/);
  assert.match(r.stdout, /✗ RestrictAddressFamilies=~AF_\(INET\|INET6\)/);
});
