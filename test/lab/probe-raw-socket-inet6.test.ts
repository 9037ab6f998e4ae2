// Root-only: the real raw-socket adapter with the ICMPv6 profile, in namespaces (2001:db8::/32
// only). A router namespace has two veths to two ISP peers that both answer as fe80::1, as RA
// routers do; probes are answered through each interface (link-local gateway without a zone:
// SO_BINDTODEVICE picks the link), a target beyond the gateway is reached through a per-link IPv6
// table + `oif` rule like the daemon's, the wrong interface gets nothing, a peer dropping
// echo requests (nft, meta nfproto ipv6) times out, and neighbour discovery never reaches the socket.
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
const NS = { router: `wfq-${id}-r`, a: `wfq-${id}-a`, b: `wfq-${id}-b` };
const A = { routerIf: 'wfqa', routerIp: '2001:db8:1::1', peerIp: '2001:db8:1::2', target: '2001:db8:ffff::10', table: '1001' };
const B = { routerIf: 'wfqb', routerIp: '2001:db8:2::1', peerIp: '2001:db8:2::2', target: '2001:db8:fffe::10', table: '1002' };
const GW = 'fe80::1';
const DRIVER = fileURLToPath(new URL('./probe-driver.js', import.meta.url));
const TIMEOUT_MS = 800;
const ALLOWED_TYPES = [1, 2, 3, 4, 129];

async function buildLab(): Promise<void> {
  for (const ns of Object.values(NS)) {
    await run('ip', ['netns', 'add', ns]);
    // Addresses usable at once (no duplicate address detection wait), deterministic for the test.
    await runInNs(ns, 'sysctl', ['-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  for (const [peerNs, l] of [[NS.a, A], [NS.b, B]] as const) {
    await run('ip', ['-n', NS.router, 'link', 'add', l.routerIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs]);
    await run('ip', ['-n', NS.router, '-6', 'addr', 'add', `${l.routerIp}/64`, 'dev', l.routerIf, 'nodad']);
    await run('ip', ['-n', NS.router, 'link', 'set', l.routerIf, 'up']);
    await run('ip', ['-n', peerNs, '-6', 'addr', 'add', `${l.peerIp}/64`, 'dev', 'eth0', 'nodad']);
    await run('ip', ['-n', peerNs, '-6', 'addr', 'add', `${GW}/64`, 'dev', 'eth0', 'nodad']);
    await run('ip', ['-n', peerNs, '-6', 'addr', 'add', `${l.target}/128`, 'dev', 'lo']);
    await run('ip', ['-n', peerNs, 'link', 'set', 'eth0', 'up']);
    // The daemon's per-link IPv6 table and rule: a probe bound to this link finds a default route via it.
    await run('ip', ['-n', NS.router, '-6', 'route', 'add', 'default', 'via', GW, 'dev', l.routerIf, 'table', l.table, 'metric', '1']);
    await run('ip', ['-n', NS.router, '-6', 'rule', 'add', 'oif', l.routerIf, 'lookup', l.table, 'priority', '1000']);
  }
}

/**
 * A veth pair that has just come up may drop the first packets (link-local addresses and the
 * carrier settle asynchronously): wait, bounded, until ping(8) gets through on each link, so the
 * assertions judge the socket, not the lab's start-up.
 */
async function waitLinksReady(): Promise<void> {
  for (const l of [A, B]) {
    for (let i = 0; i < 20; i++) {
      try {
        await runInNs(NS.router, 'ping', ['-6', '-c', '1', '-W', '1', '-I', l.routerIf, l.peerIp], { timeoutMs: 3000 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
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
  const args = [DRIVER, '--driver', '--family', 'inet6', '--iface', iface, '--targets', targets.join(','), '--timeout', String(TIMEOUT_MS)];
  if (gateway !== undefined) args.push('--gateway', gateway);
  const { stdout } = await runInNs(NS.router, process.execPath, args, { timeoutMs: 15_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as DriverOutput;
}

describe('raw-socket adapter + Pinger over ICMPv6 in namespaces', { skip }, () => {
  let unguard: () => void = () => {};

  before(async () => {
    unguard = guardExit(destroyLab);
    await buildLab();
    await waitLinksReady();
  });

  after(() => {
    destroyLab();
    unguard();
  });

  it('gets echo replies through each interface, from the peer on that interface; ND never reaches the socket', async () => {
    const a = await drive(A.routerIf, [A.peerIp]);
    assert.equal(a.pings[0]?.ok, true, JSON.stringify(a));
    assert.equal(typeof a.pings[0]?.rttMs, 'number');
    assert.deepEqual(a.sources, [A.peerIp]);
    const b = await drive(B.routerIf, [B.peerIp]);
    assert.equal(b.pings[0]?.ok, true, JSON.stringify(b));
    assert.deepEqual(b.sources, [B.peerIp]);
    // The first contact resolved the peer with neighbour solicitation/advertisement (135/136):
    // the ICMP6_FILTER kept them off the socket.
    for (const o of [a, b]) for (const t of o.types) assert.ok(ALLOWED_TYPES.includes(t), `type ${t} reached the socket`);
  });

  it('the same link-local gateway fe80::1 answers on each link separately (no zone needed)', async () => {
    const a = await drive(A.routerIf, [GW]);
    const b = await drive(B.routerIf, [GW]);
    assert.equal(a.pings[0]?.ok, true, JSON.stringify(a));
    assert.equal(b.pings[0]?.ok, true, JSON.stringify(b));
    assert.deepEqual([a.sources, b.sources], [[GW], [GW]]);
  });

  it('a LinkProber cycle: link-local gateway + a target beyond it through the per-link table', async () => {
    const out = await drive(A.routerIf, [A.target], GW);
    assert.ok(out.cycle !== null, JSON.stringify(out));
    assert.equal(out.cycle.gatewayReachable, true, JSON.stringify(out));
    assert.equal(out.cycle.healthy, true, JSON.stringify(out));
    assert.equal(out.cycle.targetsUp, 1);
  });

  it("gets no reply for the other link's target when bound to the wrong interface", async () => {
    // wfqa's table only leads to peer A, which does not hold B's target: it cannot answer for it.
    const out = await drive(A.routerIf, [B.target, A.target]);
    assert.equal(out.pings[0]?.ok, false, JSON.stringify(out));
    assert.equal(out.pings[1]?.ok, true, JSON.stringify(out));
    assert.ok(!out.sources.includes(B.target));
  });

  it('times out against a peer that drops ICMPv6 echo requests, the other link unaffected', async () => {
    await runInNs(NS.b, 'nft', ['add', 'table', 'inet', 't']);
    await runInNs(NS.b, 'nft', ['add', 'chain', 'inet', 't', 'c', '{ type filter hook input priority 0; }']);
    await runInNs(NS.b, 'nft', ['add', 'rule', 'inet', 't', 'c', 'meta', 'nfproto', 'ipv6', 'icmpv6', 'type', 'echo-request', 'drop']);
    const b = await drive(B.routerIf, [B.target]);
    assert.deepEqual(b.pings[0], { target: B.target, ok: false, rttMs: null, error: 'timeout' });
    const a = await drive(A.routerIf, [A.target]);
    assert.equal(a.pings[0]?.ok, true);
  });
});
