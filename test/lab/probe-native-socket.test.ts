// Root-only: the native addon's probe socket (native/src/icmp-socket.cc) in namespaces. A router
// namespace has two veths to two peers; echoes are answered through each interface in IPv4 and
// IPv6, replies carry the kernel's receive stamp, and a socket bound to the wrong interface gets
// nothing back (SO_BINDTODEVICE). RTT accuracy against ping(8) is a figure: bench/rtt.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { NativeDriverOutput } from './native-probe-driver.js';
import { useProbeLab } from './probe-lab.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, raw sockets)' : false;

const A = { routerIf: 'wfna', v4: { router: '198.51.100.1', peer: '198.51.100.2' }, v6: { router: '2001:db8:a::1', peer: '2001:db8:a::2' } };
const B = { routerIf: 'wfnb', v4: { router: '203.0.113.1', peer: '203.0.113.2' }, v6: { router: '2001:db8:b::1', peer: '2001:db8:b::2' } };
const DRIVER = fileURLToPath(new URL('./native-probe-driver.js', import.meta.url));
/** The prober's echo timeout: an echo it reports ok must have come back before it. */
const TIMEOUT_MS = 800;

describe('native ICMP probe socket in namespaces', { skip }, () => {
  const lab = useProbeLab('wfn', A, B);
  const drive = (iface: string, targets: string[], family: 4 | 6 = 4, count = 3): Promise<NativeDriverOutput> => lab.drive(DRIVER,
    ['--impl', 'native', '--family', String(family), '--iface', iface, '--targets', targets.join(','), '--count', String(count),
      '--interval', '20', '--timeout', String(TIMEOUT_MS)]);

  it('gets IPv4 replies through each interface, from the peer on that interface, kernel-stamped', async () => {
    const a = await drive(A.routerIf, [A.v4.peer]);
    assert.deepEqual(a.echoes.map((e) => e.ok), [true, true, true], JSON.stringify(a));
    // A reply over a veth takes well under a millisecond; a missing, negative or timeout-sized RTT
    // (a JS-clock or clock-conversion stamp gone wrong) fails here.
    for (const e of a.echoes) {
      assert.ok(typeof e.rttMs === 'number' && e.rttMs > 0 && e.rttMs < TIMEOUT_MS, `rtt ${e.rttMs} ms: ${JSON.stringify(a)}`);
    }
    assert.deepEqual(a.sources, [A.v4.peer]);
    // Every message's receive time lies before JS saw it: the kernel's stamp, not the JS clock.
    assert.equal(a.stamped, a.messages);
    const b = await drive(B.routerIf, [B.v4.peer]);
    assert.deepEqual(b.echoes.map((e) => e.ok), [true, true, true], JSON.stringify(b));
    assert.deepEqual(b.sources, [B.v4.peer]);
  });

  it('gets ICMPv6 replies on an IPv6 socket (same code, family as a parameter)', async () => {
    const a = await drive(A.routerIf, [A.v6.peer], 6);
    assert.deepEqual(a.echoes.map((e) => e.ok), [true, true, true], JSON.stringify(a));
    assert.ok(a.sources.includes(A.v6.peer), JSON.stringify(a));
    assert.equal(a.stamped, a.messages);
  });

  it("gets no reply for the other link's peer when bound to the wrong interface", async () => {
    // Routing alone would send this out of wfnb and get an answer; SO_BINDTODEVICE keeps it on wfna.
    const out = await drive(A.routerIf, [B.v4.peer, A.v4.peer], 4, 1);
    assert.equal(out.echoes[0]?.ok, false, JSON.stringify(out));
    assert.equal(out.echoes[1]?.ok, true, JSON.stringify(out));
    assert.ok(!out.sources.includes(B.v4.peer));
  });
});
