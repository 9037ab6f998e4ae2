// TCP, DNS and HTTP(S) probes behind the prober interface (issue 23): success and failure with an
// RTT and a reason, through the link's own interface, aborted at the timeout.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { parseProbeTarget, type ProbeTarget } from '../../../src/config/probe-target.js';
import { systemClock, type Clock } from '../../../src/clock.js';
import { MethodProber, methodOfKey } from '../../../src/probe/method-prober.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { FakeLinkTransport, dnsResponse } from './fake-link-transport.js';

function spec(entry: unknown): ProbeTarget {
  const p = parseProbeTarget(entry);
  if (!p.ok) throw new Error(p.expected);
  return p.target;
}

function setup<C extends Clock = FakeClock>(entries: unknown[], clock: C = new FakeClock() as unknown as C) {
  const specs = entries.map(spec);
  const transport = new FakeLinkTransport();
  const prober = new MethodProber({ transport, iface: 'wan1', family: 'ipv4', clock, spec: (k) => specs.find((s) => s.key === k) ?? null });
  return { clock, transport, prober, keys: specs.map((s) => s.key) };
}

describe('methodOfKey', () => {
  it('reads the scheme of a URI key, ICMP for an address', () => {
    assert.deepEqual(['198.51.100.1', '2001:db8::1', 'tcp://198.51.100.1:53', 'https://198.51.100.1/'].map(methodOfKey), ['icmp', 'icmp', 'tcp', 'https']);
  });
});

describe('TCP probe', () => {
  it('connects through the link; a SYN-ACK and an RST are both an answer, with the connect time', async () => {
    const { transport, prober } = setup(['tcp://198.51.100.7:443']);
    const a = prober.probe('tcp://198.51.100.7:443', 400);
    const b = prober.probe('tcp://198.51.100.7:443', 400);
    assert.deepEqual(transport.connects.map((c) => [c.iface, c.address, c.port, c.keep]), [['wan1', '198.51.100.7', 443, false], ['wan1', '198.51.100.7', 443, false]]);
    transport.connects[0]!.complete(null, 12.5);
    transport.connects[1]!.complete('ECONNREFUSED', 8);
    assert.deepEqual(await a, { target: 'tcp://198.51.100.7:443', ok: true, rttMs: 12.5, error: null, sentMs: 1000 });
    assert.deepEqual([(await b).ok, (await b).rttMs], [true, 8]);
  });

  it('an errno is a failure with that reason; a connect still open at the timeout is aborted and lost', async () => {
    const { clock, transport, prober } = setup(['tcp://198.51.100.7:443']);
    const unreachable = prober.probe('tcp://198.51.100.7:443', 400);
    transport.connects[0]!.complete('EHOSTUNREACH', 3);
    assert.deepEqual([(await unreachable).ok, (await unreachable).error], [false, 'EHOSTUNREACH']);
    const silent = prober.probe('tcp://198.51.100.7:443', 400);
    clock.advance(399);
    await flushMicrotasks();
    assert.equal(prober.pendingCount, 1);
    clock.advance(1);
    const r = await silent;
    assert.deepEqual([r.ok, r.error], [false, 'timeout']);
    assert.equal(transport.connects[1]!.aborted, true);
    assert.equal(prober.pendingCount, 0);
  });

  it('an answer measured beyond the timeout counts as lost (busy loop); close() cancels what is open', async () => {
    const { transport, prober } = setup(['tcp://198.51.100.7:443']);
    const late = prober.probe('tcp://198.51.100.7:443', 400);
    transport.connects[0]!.complete(null, 450);
    assert.equal((await late).error, 'timeout');
    const open = prober.probe('tcp://198.51.100.7:443', 400);
    prober.close();
    assert.deepEqual([(await open).error, transport.connects[1]!.aborted], ['ECANCELED', true]);
  });
});

describe('DNS probe', () => {
  const KEY = 'dns://198.51.100.53/example.com';
  it('NOERROR with an answer of the type: success, RTT from the send to the receive stamp', async () => {
    const { transport, prober } = setup([KEY]);
    transport.sendMs = 1000;
    const p = prober.probe(KEY, 400);
    const ch = transport.channels[0]!;
    assert.deepEqual([ch.iface, ch.address, ch.port], ['wan1', '198.51.100.53', 53]);
    const q = ch.sent[0]!;
    assert.equal(q.readUInt16BE(q.length - 4), 1, 'asks for A');
    ch.answer(Buffer.from('junk'), 1001);
    ch.answer(dnsResponse(q, 0, 1), 1017);
    assert.deepEqual(await p, { target: KEY, ok: true, rttMs: 17, error: null, sentMs: 1000 });
    assert.equal(ch.closed, true);
  });

  it('NXDOMAIN, an answer without the type, port unreachable and silence are failures that say why', async () => {
    const { clock, transport, prober } = setup([KEY, 'dns://198.51.100.53/example.com?type=AAAA']);
    const nx = prober.probe(KEY, 400);
    transport.channels[0]!.answer(dnsResponse(transport.channels[0]!.sent[0]!, 3, 0), 1005);
    assert.equal((await nx).error, 'NXDOMAIN');
    const aaaa = prober.probe('dns://198.51.100.53/example.com?type=AAAA', 400);
    transport.channels[1]!.answer(dnsResponse(transport.channels[1]!.sent[0]!, 0, 1, 1), 1005);
    assert.equal((await aaaa).error, 'no AAAA answer');
    const refused = prober.probe(KEY, 400);
    transport.channels[2]!.fail('ECONNREFUSED');
    assert.equal((await refused).error, 'refused');
    const silent = prober.probe(KEY, 400);
    clock.advance(400);
    assert.equal((await silent).error, 'timeout');
    assert.equal(transport.channels[3]!.closed, true);
  });
});

describe('HTTP probe', () => {
  async function server(status: number, headers: Record<string, string> = {}): Promise<{ port: number; hosts: string[]; close: () => void }> {
    const hosts: string[] = [];
    const s = http.createServer((req, res) => { hosts.push(req.headers.host ?? ''); res.writeHead(status, headers); res.end('x'); });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { port: (s.address() as AddressInfo).port, hosts, close: () => s.close() };
  }

  it('any 2xx is up by default; a redirect is never followed: a captive portal is "HTTP 302"', async () => {
    const ok = await server(204);
    const portal = await server(302, { Location: 'http://198.51.100.9/login' });
    try {
      const { transport, prober } = setup(['http://198.51.100.7/generate_204'], systemClock);
      transport.realTcp = ok.port;
      const up = await prober.probe('http://198.51.100.7/generate_204', 5000);
      assert.deepEqual([up.ok, up.error], [true, null]);
      assert.ok(up.rttMs !== null);
      assert.deepEqual(ok.hosts, ['198.51.100.7']);
      transport.realTcp = portal.port;
      const down = await prober.probe('http://198.51.100.7/generate_204', 5000);
      assert.deepEqual([down.ok, down.rttMs, down.error], [false, null, 'HTTP 302']);
      assert.equal(transport.connects.every((c) => c.iface === 'wan1'), true);
    } finally {
      ok.close();
      portal.close();
    }
  });

  it('expect_status and host: the Host header is the given name; another status fails', async () => {
    const ok = await server(200);
    try {
      const { transport, prober } = setup([{ target: 'http://198.51.100.7/', host: 'check.example', expect_status: 204 }], systemClock);
      transport.realTcp = ok.port;
      const r = await prober.probe('http://198.51.100.7/', 5000);
      assert.deepEqual([r.ok, r.error], [false, 'HTTP 200']);
      assert.deepEqual(ok.hosts, ['check.example']);
    } finally {
      ok.close();
    }
  });

  it('a request open at the timeout is aborted and lost', async () => {
    const { clock, transport, prober } = setup(['http://198.51.100.7/']);
    const p = prober.probe('http://198.51.100.7/', 300);
    clock.advance(300);
    assert.equal((await p).error, 'timeout');
    assert.equal(transport.connects[0]!.aborted, true);
  });
});
