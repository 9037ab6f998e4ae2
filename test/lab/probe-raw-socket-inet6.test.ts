// Root-only: the real raw-socket adapter with the ICMPv6 profile, in namespaces (2001:db8::/32
// only). A router namespace has two veths to two ISP peers that both answer as fe80::1, as RA
// routers do; probes are answered through each interface (link-local gateway without a zone:
// SO_BINDTODEVICE picks the link), a target beyond the gateway is reached through a per-link IPv6
// table + `oif` rule like the daemon's, the wrong interface gets nothing, a peer dropping
// echo requests (nft, meta nfproto ipv6) times out, and neighbour discovery never reaches the socket.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInNs } from '../../lab/exec.js';
import type { DriverOutput } from './probe-driver.js';
import { useProbeLab } from './probe-lab.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, raw sockets)' : false;

const GW = 'fe80::1';
const A = { routerIf: 'wfqa', v6: { router: '2001:db8:1::1', peer: '2001:db8:1::2' }, gateway6: GW, target6: '2001:db8:ffff::10', table6: '1001' };
const B = { routerIf: 'wfqb', v6: { router: '2001:db8:2::1', peer: '2001:db8:2::2' }, gateway6: GW, target6: '2001:db8:fffe::10', table6: '1002' };
const DRIVER = fileURLToPath(new URL('./probe-driver.js', import.meta.url));
const TIMEOUT_MS = 800;
const ALLOWED_TYPES = [1, 2, 3, 4, 129];

describe('raw-socket adapter + Pinger over ICMPv6 in namespaces', { skip }, () => {
  const lab = useProbeLab('wfq', A, B);
  const drive = (iface: string, targets: string[], gateway?: string): Promise<DriverOutput> => lab.drive(DRIVER,
    ['--family', 'inet6', '--iface', iface, '--targets', targets.join(','), '--timeout', String(TIMEOUT_MS), ...(gateway === undefined ? [] : ['--gateway', gateway])]);

  it('gets echo replies through each interface, from the peer on that interface; ND never reaches the socket', async () => {
    const a = await drive(A.routerIf, [A.v6.peer]);
    assert.equal(a.pings[0]?.ok, true, JSON.stringify(a));
    assert.equal(typeof a.pings[0]?.rttMs, 'number');
    assert.deepEqual(a.sources, [A.v6.peer]);
    const b = await drive(B.routerIf, [B.v6.peer]);
    assert.equal(b.pings[0]?.ok, true, JSON.stringify(b));
    assert.deepEqual(b.sources, [B.v6.peer]);
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
    const out = await drive(A.routerIf, [A.target6], GW);
    assert.ok(out.cycle !== null, JSON.stringify(out));
    assert.equal(out.cycle.gatewayReachable, true, JSON.stringify(out));
    assert.equal(out.cycle.healthy, true, JSON.stringify(out));
    assert.equal(out.cycle.targetsUp, 1);
  });

  it("gets no reply for the other link's target when bound to the wrong interface", async () => {
    // wfqa's table only leads to peer A, which does not hold B's target: it cannot answer for it.
    const out = await drive(A.routerIf, [B.target6, A.target6]);
    assert.equal(out.pings[0]?.ok, false, JSON.stringify(out));
    assert.equal(out.pings[1]?.ok, true, JSON.stringify(out));
    assert.ok(!out.sources.includes(B.target6));
  });

  it('times out against a peer that drops ICMPv6 echo requests, the other link unaffected', async () => {
    await runInNs(lab.ns.b, 'nft', ['add', 'table', 'inet', 't']);
    await runInNs(lab.ns.b, 'nft', ['add', 'chain', 'inet', 't', 'c', '{ type filter hook input priority 0; }']);
    await runInNs(lab.ns.b, 'nft', ['add', 'rule', 'inet', 't', 'c', 'meta', 'nfproto', 'ipv6', 'icmpv6', 'type', 'echo-request', 'drop']);
    const b = await drive(B.routerIf, [B.target6]);
    assert.deepEqual(b.pings[0], { target: B.target6, ok: false, rttMs: null, error: 'timeout' });
    const a = await drive(A.routerIf, [A.target6]);
    assert.equal(a.pings[0]?.ok, true);
  });
});
