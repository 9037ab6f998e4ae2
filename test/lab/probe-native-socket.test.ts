// Root-only: the native addon's probe socket (native/src/icmp-socket.cc) in namespaces. A router
// namespace has two veths to two peers; echoes are answered through each interface in IPv4 and
// IPv6, replies carry the kernel's receive stamp, and a socket bound to the wrong interface gets
// nothing back (SO_BINDTODEVICE). RTT accuracy against ping(8) is a figure: bench/rtt.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { run, runInNs } from '../../lab/exec.js';
import { guardExit } from '../../lab/exit-guard.js';
import type { NativeDriverOutput } from './native-probe-driver.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, raw sockets)' : false;

const id = randomBytes(3).toString('hex');
const NS = { router: `wfn-${id}-r`, a: `wfn-${id}-a`, b: `wfn-${id}-b` };
const A = { routerIf: 'wfna', routerIp: '198.51.100.1', peerIp: '198.51.100.2', routerIp6: '2001:db8:a::1', peerIp6: '2001:db8:a::2' };
const B = { routerIf: 'wfnb', routerIp: '203.0.113.1', peerIp: '203.0.113.2', routerIp6: '2001:db8:b::1', peerIp6: '2001:db8:b::2' };
const DRIVER = fileURLToPath(new URL('./native-probe-driver.js', import.meta.url));

async function buildLab(): Promise<void> {
  for (const ns of Object.values(NS)) await run('ip', ['netns', 'add', ns]);
  for (const [peerNs, l] of [[NS.a, A], [NS.b, B]] as const) {
    // Both ends are created inside namespaces: the root namespace is never touched.
    await run('ip', ['-n', NS.router, 'link', 'add', l.routerIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs]);
    await run('ip', ['-n', NS.router, 'addr', 'add', `${l.routerIp}/24`, 'dev', l.routerIf]);
    await run('ip', ['-n', NS.router, 'addr', 'add', `${l.routerIp6}/64`, 'dev', l.routerIf, 'nodad']);
    await run('ip', ['-n', NS.router, 'link', 'set', l.routerIf, 'up']);
    await run('ip', ['-n', peerNs, 'addr', 'add', `${l.peerIp}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', peerNs, 'addr', 'add', `${l.peerIp6}/64`, 'dev', 'eth0', 'nodad']);
    await run('ip', ['-n', peerNs, 'link', 'set', 'eth0', 'up']);
    await run('ip', ['-n', peerNs, 'link', 'set', 'lo', 'up']);
  }
  await run('ip', ['-n', NS.router, 'link', 'set', 'lo', 'up']);
  // The veth pairs need a moment before IPv6 routes and neighbours work: wait (bounded) until ping(8) gets through.
  for (const peer of [A.peerIp6, B.peerIp6, A.peerIp, B.peerIp]) {
    for (let i = 0; i < 20; i++) {
      try {
        await runInNs(NS.router, 'ping', ['-c', '1', '-W', '1', peer], { timeoutMs: 3000 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
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

/** The prober's echo timeout: an echo it reports ok must have come back before it. */
const TIMEOUT_MS = 800;

async function drive(iface: string, targets: string[], family: 4 | 6 = 4, count = 3): Promise<NativeDriverOutput> {
  const args = [DRIVER, '--driver', '--impl', 'native', '--family', String(family), '--iface', iface,
    '--targets', targets.join(','), '--count', String(count), '--interval', '20', '--timeout', String(TIMEOUT_MS)];
  const { stdout } = await runInNs(NS.router, process.execPath, args, { timeoutMs: 15_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as NativeDriverOutput;
}

describe('native ICMP probe socket in namespaces', { skip }, () => {
  let unguard: () => void = () => {};

  before(async () => {
    unguard = guardExit(destroyLab);
    await buildLab();
  });

  after(() => {
    destroyLab();
    unguard();
  });

  it('gets IPv4 replies through each interface, from the peer on that interface, kernel-stamped', async () => {
    const a = await drive(A.routerIf, [A.peerIp]);
    assert.deepEqual(a.echoes.map((e) => e.ok), [true, true, true], JSON.stringify(a));
    // A reply over a veth takes well under a millisecond; a missing, negative or timeout-sized RTT
    // (a JS-clock or clock-conversion stamp gone wrong) fails here.
    for (const e of a.echoes) {
      assert.ok(typeof e.rttMs === 'number' && e.rttMs > 0 && e.rttMs < TIMEOUT_MS, `rtt ${e.rttMs} ms: ${JSON.stringify(a)}`);
    }
    assert.deepEqual(a.sources, [A.peerIp]);
    // Every message's receive time lies before JS saw it: the kernel's stamp, not the JS clock.
    assert.equal(a.stamped, a.messages);
    const b = await drive(B.routerIf, [B.peerIp]);
    assert.deepEqual(b.echoes.map((e) => e.ok), [true, true, true], JSON.stringify(b));
    assert.deepEqual(b.sources, [B.peerIp]);
  });

  it('gets ICMPv6 replies on an IPv6 socket (same code, family as a parameter)', async () => {
    const a = await drive(A.routerIf, [A.peerIp6], 6);
    assert.deepEqual(a.echoes.map((e) => e.ok), [true, true, true], JSON.stringify(a));
    assert.ok(a.sources.includes(A.peerIp6), JSON.stringify(a));
    assert.equal(a.stamped, a.messages);
  });

  it("gets no reply for the other link's peer when bound to the wrong interface", async () => {
    // Routing alone would send this out of wfnb and get an answer; SO_BINDTODEVICE keeps it on wfna.
    const out = await drive(A.routerIf, [B.peerIp, A.peerIp], 4, 1);
    assert.equal(out.echoes[0]?.ok, false, JSON.stringify(out));
    assert.equal(out.echoes[1]?.ok, true, JSON.stringify(out));
    assert.ok(!out.sources.includes(B.peerIp));
  });
});
