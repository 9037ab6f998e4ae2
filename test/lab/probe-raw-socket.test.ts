// Root-only: the real raw-socket adapter and Pinger in namespaces. A router namespace has two
// veths to two peers; probes are answered through each interface, a probe bound to the wrong
// interface gets nothing back (SO_BINDTODEVICE), and a peer that drops echo requests times out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInNs } from '../../lab/exec.js';
import type { DriverOutput } from './probe-driver.js';
import { useProbeLab } from './probe-lab.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, raw sockets)' : false;

const A = { routerIf: 'wfpa', v4: { router: '198.51.100.1', peer: '198.51.100.2' } };
const B = { routerIf: 'wfpb', v4: { router: '203.0.113.1', peer: '203.0.113.2' } };
const DRIVER = fileURLToPath(new URL('./probe-driver.js', import.meta.url));
const TIMEOUT_MS = 800;

describe('raw-socket adapter + Pinger in namespaces', { skip }, () => {
  const lab = useProbeLab('wfp', A, B);
  const drive = (iface: string, targets: string[], gateway?: string): Promise<DriverOutput> => lab.drive(DRIVER,
    ['--iface', iface, '--targets', targets.join(','), '--timeout', String(TIMEOUT_MS), ...(gateway === undefined ? [] : ['--gateway', gateway])]);

  it('gets replies through each interface, from the peer on that interface', async () => {
    const a = await drive(A.routerIf, [A.v4.peer]);
    assert.equal(a.pings[0]?.ok, true, JSON.stringify(a));
    assert.equal(typeof a.pings[0]?.rttMs, 'number');
    assert.deepEqual(a.sources, [A.v4.peer]);
    const b = await drive(B.routerIf, [B.v4.peer]);
    assert.equal(b.pings[0]?.ok, true, JSON.stringify(b));
    assert.deepEqual(b.sources, [B.v4.peer]);
  });

  it('runs a LinkProber cycle on the real socket (gateway + target, two echoes each)', async () => {
    const out = await drive(A.routerIf, [A.v4.peer], A.v4.peer);
    assert.ok(out.cycle !== null);
    assert.equal(out.cycle.healthy, true);
    assert.equal(out.cycle.gatewayReachable, true);
    assert.equal(out.cycle.targetsUp, 1);
  });

  it("gets no reply for the other link's peer when bound to the wrong interface", async () => {
    // Routing alone would send this out of wfpb and get an answer; SO_BINDTODEVICE keeps it on wfpa.
    const out = await drive(A.routerIf, [B.v4.peer, A.v4.peer]);
    assert.equal(out.pings[0]?.ok, false, JSON.stringify(out));
    assert.equal(out.pings[1]?.ok, true, JSON.stringify(out));
    assert.ok(!out.sources.includes(B.v4.peer));
  });

  it('times out against a peer that drops echo requests, the other link unaffected', async () => {
    await runInNs(lab.ns.b, 'nft', ['add', 'table', 'inet', 't']);
    await runInNs(lab.ns.b, 'nft', ['add', 'chain', 'inet', 't', 'c', '{ type filter hook input priority 0; }']);
    await runInNs(lab.ns.b, 'nft', ['add', 'rule', 'inet', 't', 'c', 'icmp', 'type', 'echo-request', 'drop']);
    const b = await drive(B.routerIf, [B.v4.peer]);
    assert.deepEqual(b.pings[0], { target: B.v4.peer, ok: false, rttMs: null, error: 'timeout' });
    const a = await drive(A.routerIf, [A.v4.peer]);
    assert.equal(a.pings[0]?.ok, true);
  });
});
