// Root-only: the real raw-socket adapter and Pinger in namespaces. A router namespace has two
// veths to two peers; probes are answered through each interface, a probe bound to the wrong
// interface gets nothing back (SO_BINDTODEVICE), and a peer that drops echo requests times out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { run, runInNs } from '../../lab/exec.js';
import { guardExit } from '../../lab/exit-guard.js';
import type { DriverOutput } from './probe-driver.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, raw sockets)' : false;

const id = randomBytes(3).toString('hex');
const NS = { router: `wfp-${id}-r`, a: `wfp-${id}-a`, b: `wfp-${id}-b` };
const A = { routerIf: 'wfpa', routerIp: '198.51.100.1', peerIp: '198.51.100.2' };
const B = { routerIf: 'wfpb', routerIp: '203.0.113.1', peerIp: '203.0.113.2' };
const DRIVER = fileURLToPath(new URL('./probe-driver.js', import.meta.url));
const TIMEOUT_MS = 800;

async function buildLab(): Promise<void> {
  for (const ns of Object.values(NS)) await run('ip', ['netns', 'add', ns]);
  for (const [peerNs, l] of [
    [NS.a, A],
    [NS.b, B],
  ] as const) {
    // Both ends are created inside namespaces: the root namespace is never touched.
    await run('ip', ['-n', NS.router, 'link', 'add', l.routerIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs]);
    await run('ip', ['-n', NS.router, 'addr', 'add', `${l.routerIp}/24`, 'dev', l.routerIf]);
    await run('ip', ['-n', NS.router, 'link', 'set', l.routerIf, 'up']);
    await run('ip', ['-n', peerNs, 'addr', 'add', `${l.peerIp}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', peerNs, 'link', 'set', 'eth0', 'up']);
    await run('ip', ['-n', peerNs, 'link', 'set', 'lo', 'up']);
  }
  await run('ip', ['-n', NS.router, 'link', 'set', 'lo', 'up']);
}

/** Synchronous so it can also run from the exit guard; deletes only our namespaces. */
function destroyLab(): void {
  for (const ns of Object.values(NS)) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // Already gone (or never made): nothing to clean.
    }
  }
}

async function drive(iface: string, targets: string[], gateway?: string): Promise<DriverOutput> {
  const args = [DRIVER, '--driver', '--iface', iface, '--targets', targets.join(','), '--timeout', String(TIMEOUT_MS)];
  if (gateway !== undefined) args.push('--gateway', gateway);
  const { stdout } = await runInNs(NS.router, process.execPath, args, { timeoutMs: 15_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as DriverOutput;
}

describe('raw-socket adapter + Pinger in namespaces', { skip }, () => {
  let unguard: () => void = () => {};

  before(async () => {
    unguard = guardExit(destroyLab);
    await buildLab();
  });

  after(() => {
    destroyLab();
    unguard();
  });

  it('gets replies through each interface, from the peer on that interface', async () => {
    const a = await drive(A.routerIf, [A.peerIp]);
    assert.equal(a.pings[0]?.ok, true, JSON.stringify(a));
    assert.equal(typeof a.pings[0]?.rttMs, 'number');
    assert.deepEqual(a.sources, [A.peerIp]);
    const b = await drive(B.routerIf, [B.peerIp]);
    assert.equal(b.pings[0]?.ok, true, JSON.stringify(b));
    assert.deepEqual(b.sources, [B.peerIp]);
  });

  it('runs a LinkProber cycle on the real socket (gateway + target, two echoes each)', async () => {
    const out = await drive(A.routerIf, [A.peerIp], A.peerIp);
    assert.ok(out.cycle !== null);
    assert.equal(out.cycle.healthy, true);
    assert.equal(out.cycle.gatewayReachable, true);
    assert.equal(out.cycle.targetsUp, 1);
  });

  it("gets no reply for the other link's peer when bound to the wrong interface", async () => {
    // Routing alone would send this out of wfpb and get an answer; SO_BINDTODEVICE keeps it on wfpa.
    const out = await drive(A.routerIf, [B.peerIp, A.peerIp]);
    assert.equal(out.pings[0]?.ok, false, JSON.stringify(out));
    assert.equal(out.pings[1]?.ok, true, JSON.stringify(out));
    assert.ok(!out.sources.includes(B.peerIp));
  });

  it('times out against a peer that drops echo requests, the other link unaffected', async () => {
    await runInNs(NS.b, 'nft', ['add', 'table', 'inet', 't']);
    await runInNs(NS.b, 'nft', ['add', 'chain', 'inet', 't', 'c', '{ type filter hook input priority 0; }']);
    await runInNs(NS.b, 'nft', ['add', 'rule', 'inet', 't', 'c', 'icmp', 'type', 'echo-request', 'drop']);
    const b = await drive(B.routerIf, [B.peerIp]);
    assert.deepEqual(b.pings[0], { target: B.peerIp, ok: false, rttMs: null, error: 'timeout' });
    const a = await drive(A.routerIf, [A.peerIp]);
    assert.equal(a.pings[0]?.ok, true);
  });
});
