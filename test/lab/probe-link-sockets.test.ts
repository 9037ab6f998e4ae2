// Root-only: the addon's TCP connect and UDP socket (native/src/tcp-connect.cc, udp-socket.cc)
// behind the TCP, DNS and HTTP probes, in namespaces: a router with two veths to two peers, a
// responder (lab/probe-responder.ts) in peer A. Probes through A get answers, with the reasons the
// issue names for refusals and failures; bound to B they never reach A's peer (SO_BINDTODEVICE),
// though the router has a route to it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useProbeLab } from './probe-lab.js';
import type { MethodResult } from '../../src/probe/method-prober.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

const A = { routerIf: 'wfla', v4: { router: '198.51.100.1', peer: '198.51.100.2' }, v6: { router: '2001:db8:a::1', peer: '2001:db8:a::2' } };
const B = { routerIf: 'wflb', v4: { router: '203.0.113.1', peer: '203.0.113.2' }, v6: { router: '2001:db8:b::1', peer: '2001:db8:b::2' } };
const DRIVER = fileURLToPath(new URL('./link-socket-driver.js', import.meta.url));
const RESPONDER = fileURLToPath(new URL('../../lab/probe-responder.js', import.meta.url));

const P = A.v4.peer;
const P6 = A.v6.peer;
const KEYS = {
  tcp: `tcp://${P}:443`, refused: `tcp://${P}:444`, tcp6: `tcp://[${P6}]:443`,
  dns: `dns://${P}/example.com`, nx: `dns://${P}/nx.example`, dns6: `dns://[${P6}]/example.com?type=AAAA`, dnsClosed: `dns://${P}:5353/example.com`,
  http: `http://${P}/generate_204`, portal: `http://${P}:8302/`,
};

describe('TCP and UDP probe sockets bound to their link', { skip }, () => {
  const lab = useProbeLab('wfls', A, B);
  let responder: ChildProcess | null = null;
  // The responder is ours to end, by its pid, whether or not the tests got this far.
  after(() => { responder?.kill('SIGTERM'); });
  const drive = (iface: string, keys: string[], timeout = 1500): Promise<{ results: MethodResult[]; pending: number }> =>
    lab.drive(DRIVER, ['--iface', iface, '--targets', keys.join(','), '--timeout', String(timeout)]);

  it('starts the responder in peer A', async () => {
    responder = spawn('ip', ['netns', 'exec', lab.ns.a, process.execPath, RESPONDER, JSON.stringify([
      { kind: 'tcp', address: P, port: 443 }, { kind: 'tcp', address: P6, port: 443 },
      { kind: 'dns', address: P, port: 53 }, { kind: 'dns', address: P6, port: 53 },
      { kind: 'http', address: P, port: 80, status: 204 }, { kind: 'http', address: P, port: 8302, status: 302, location: 'http://198.51.100.9/' },
    ])], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('responder not ready')), 10_000);
      responder!.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(t); resolve(); } });
    });
  });

  it('probes through A: answers, an RST as success, and the named failure reasons', async () => {
    const out = await drive(A.routerIf, Object.values(KEYS));
    const by = new Map(out.results.map((r) => [r.target, r]));
    const view = (k: string): [boolean, string | null] => [by.get(k)!.ok, by.get(k)!.error];
    assert.deepEqual(view(KEYS.tcp), [true, null], JSON.stringify(out));
    assert.deepEqual(view(KEYS.refused), [true, null], 'an RST is an answer');
    assert.deepEqual(view(KEYS.tcp6), [true, null]);
    assert.deepEqual(view(KEYS.dns), [true, null]);
    assert.deepEqual(view(KEYS.nx), [false, 'NXDOMAIN']);
    assert.deepEqual(view(KEYS.dns6), [true, null]);
    assert.deepEqual(view(KEYS.dnsClosed), [false, 'refused'], 'ICMP port unreachable on the connected UDP socket');
    assert.deepEqual(view(KEYS.http), [true, null]);
    assert.deepEqual(view(KEYS.portal), [false, 'HTTP 302']);
    for (const r of out.results.filter((x) => x.ok)) assert.ok(typeof r.rttMs === 'number' && r.rttMs > 0 && r.rttMs < 1500, JSON.stringify(r));
    assert.equal(out.pending, 0);
  });

  it("bound to B, nothing reaches A's peer (the route to it goes out of A)", async () => {
    const out = await drive(B.routerIf, [KEYS.tcp, KEYS.dns, KEYS.http], 800);
    assert.deepEqual(out.results.map((r) => r.ok), [false, false, false], JSON.stringify(out));
    assert.equal(out.pending, 0);
  });

});
