// The systemd unit: required settings present (pure text check), and `systemd-analyze verify`
// clean against a scratch root so the check needs no installed binary on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INSTALL_DIR } from './paths.js';
import { SCHEMA, type SchemaLeaf } from '../../src/config/schema.js';

const UNIT = path.join(INSTALL_DIR, 'wan-failover.service');

function settings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

test('unit declares the required service settings', () => {
  const s = settings(readFileSync(UNIT, 'utf8'));
  const expected: Record<string, string> = {
    Type: 'notify',
    NotifyAccess: 'main',
    WatchdogSec: '30',
    Restart: 'always',
    User: 'wan-failover',
    AmbientCapabilities: 'CAP_NET_ADMIN CAP_NET_RAW',
    CapabilityBoundingSet: 'CAP_NET_ADMIN CAP_NET_RAW',
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    PrivateTmp: 'yes',
    RestrictAddressFamilies: 'AF_NETLINK AF_INET AF_INET6 AF_UNIX',
    StateDirectory: 'wan-failover',
    RuntimeDirectory: 'wan-failover',
    RuntimeDirectoryPreserve: 'yes',
    LogsDirectory: 'wan-failover',
    ConfigurationDirectory: 'wan-failover',
    ExecReload: '/bin/kill -HUP $MAINPID',
    ExecStart: '/usr/local/bin/wan-failover --config /etc/wan-failover/config.yaml',
    ReadWritePaths: '/proc/sys/net/ipv4/conf /proc/sys/net/ipv6/conf',
    ProtectKernelTunables: 'yes',
  };
  for (const [key, value] of Object.entries(expected)) assert.equal(s.get(key), value, key);
});

test('state_dir defaults to the directory systemd gives the unit (StateDirectory), where the history is written', () => {
  const s = settings(readFileSync(UNIT, 'utf8'));
  assert.equal((SCHEMA['state_dir'] as SchemaLeaf).default, `/var/lib/${s.get('StateDirectory')}`);
});

function findUnitDir(): string | null {
  for (const d of ['/usr/lib/systemd/system', '/lib/systemd/system']) {
    if (existsSync(path.join(d, 'sysinit.target'))) return d;
  }
  return null;
}

const analyze = spawnSync('systemd-analyze', ['--version'], { timeout: 10_000 });
const unitDir = findUnitDir();
const skip = analyze.status !== 0
  ? 'systemd-analyze not available (apt-get install -y systemd)'
  : unitDir === null ? 'no systemd unit directory with sysinit.target on this machine' : false;

test('systemd-analyze verify passes with no warnings', { skip }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wfi-unit-'));
  try {
    // A scratch root: the stock units (for sysinit.target etc.), our unit, and stand-ins
    // for the executables it names, which verify insists on finding.
    mkdirSync(path.join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync(unitDir as string, path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
    copyFileSync(UNIT, path.join(root, 'etc/systemd/system/wan-failover.service'));
    mkdirSync(path.join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(path.join(root, 'usr/local/bin/wan-failover'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'usr/local/bin/wan-failover'), 0o755);
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'bin/kill'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'bin/kill'), 0o755);
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '/etc/systemd/system/wan-failover.service'],
      { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    // verify exits 0 even on unknown keys or bad values; those show up on stderr.
    assert.equal(r.stderr.trim(), '');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('boot order: after network.target, never waiting for network-online.target (a dead WAN holds it)', () => {
  const text = readFileSync(UNIT, 'utf8');
  const s = settings(text);
  assert.equal(s.get('After'), 'network.target');
  assert.ok(!/^(Wants|Requires|After)=.*network-online/m.test(text), 'no network-online.target dependency');
});

test('logrotate snippet: rotates the unit log directory and signals the daemon to reopen', () => {
  const text = readFileSync(path.join(INSTALL_DIR, 'logrotate'), 'utf8');
  const s = settings(readFileSync(UNIT, 'utf8'));
  assert.match(text, new RegExp(`^/var/log/${s.get('LogsDirectory')}/\\*\\.log \\{`, 'm'), 'the directory the unit can write');
  assert.match(text, /postrotate\n\s+systemctl kill --kill-who=main --signal=HUP wan-failover\.service/);
  assert.doesNotMatch(text, /^\s*copytruncate/m);
  const r = spawnSync('logrotate', ['--debug', path.join(INSTALL_DIR, 'logrotate')], { encoding: 'utf8', timeout: 10_000 });
  if (r.error === undefined) assert.doesNotMatch(`${r.stdout}${r.stderr}`, /error: .*(unknown option|bad|unexpected)/i);
});
