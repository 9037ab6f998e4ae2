// One probe of each method other than ICMP (issue 23), over a LinkTransport so it leaves through
// its link: what is sent, what counts as success, the RTT and the reason of a failure.
// - TCP: the connect's answer, a SYN-ACK or an RST (the host is there): success; RTT = connect time.
// - DNS: one UDP query; NOERROR with at least one answer of the type asked: success; RTT = to the answer.
// - HTTP(S): GET, redirects never followed (a captive portal's 302 is a failure, "HTTP 302");
//   success = expect_status, or any 2xx; RTT = from the connect to the response's status line.
//   HTTPS verifies the certificate against `host` (or the IP) with the system CAs unless insecure
//   (ca-store.ts).
// Each attempt can be aborted (its timeout, the prober closing): sockets are closed, nothing is left.
import http from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Clock } from '../clock.js';
import { DNS_TYPES, type ProbeTarget } from '../config/probe-target.js';
import { trustedContext } from './ca-store.js';
import { buildDnsQuery, judgeDnsAnswer } from './dns-message.js';
import type { LinkTransport } from './link-transport.js';

export interface MethodOutcome {
  ok: boolean;
  rttMs: number | null;
  /** null on success; 'refused', 'timeout', an errno, 'NXDOMAIN', 'HTTP 302', 'TLS <code>' ... */
  error: string | null;
}

export interface ProbeAttempt {
  done: Promise<MethodOutcome>;
  abort(): void;
}

export interface AttemptContext {
  transport: LinkTransport;
  iface: string;
  clock: Clock;
}

/** The one spelling of a socket errno as a probe reason: refused and timeout in words, others by name. */
export function probeReason(code: string): string {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  return code;
}

const failed = (error: string): MethodOutcome => ({ ok: false, rttMs: null, error });

/** A promise with its resolver that settles once; later calls are ignored. */
function settleOnce(): { done: Promise<MethodOutcome>; settle: (o: MethodOutcome) => boolean } {
  let resolve!: (o: MethodOutcome) => void;
  let settled = false;
  const done = new Promise<MethodOutcome>((r) => { resolve = r; });
  return { done, settle: (o) => { if (settled) return false; settled = true; resolve(o); return true; } };
}

export function tcpAttempt(ctx: AttemptContext, t: ProbeTarget): ProbeAttempt {
  const { done, settle } = settleOnce();
  const pending = ctx.transport.connect(ctx.iface, t.family, t.address, t.port ?? 0, (error, socket, elapsedMs) => {
    socket?.destroy();
    // An RST is an answer: the host is there, only nothing listens on the port.
    settle(error === null || error === 'ECONNREFUSED' ? { ok: true, rttMs: elapsedMs, error: null } : failed(probeReason(error)));
  }, { keep: false });
  return { done, abort: () => pending.abort() };
}

export function dnsAttempt(ctx: AttemptContext, t: ProbeTarget): ProbeAttempt {
  const { done, settle } = settleOnce();
  const typeName = t.dnsType ?? 'A';
  const qtype = DNS_TYPES[typeName] ?? 1;
  const id = Math.floor(Math.random() * 0x10000);
  let sentMs = ctx.clock.nowMs();
  const finish = (o: MethodOutcome): void => {
    if (settle(o)) channel.close();
  };
  const channel = ctx.transport.openDatagram(ctx.iface, t.family, t.address, t.port ?? 53, (data, rxMs) => {
    const v = judgeDnsAnswer(data, id, qtype, typeName);
    if (v.kind === 'not-ours') return;
    finish(v.ok ? { ok: true, rttMs: Math.max(0, rxMs - sentMs), error: null } : failed(v.error ?? 'malformed answer'));
  }, (code) => finish(failed(probeReason(code === 'ECLOSED' ? 'EIO' : code))));
  try {
    sentMs = channel.send(buildDnsQuery(id, t.dnsName ?? '', qtype));
  } catch (e) {
    channel.close();
    throw e;
  }
  return { done, abort: () => { if (settle(failed('ECANCELED'))) channel.close(); } };
}

/** The Host header: `host`, else the address (IPv6 in brackets), with a port other than the scheme's. */
function hostHeader(t: ProbeTarget): string {
  if (t.host !== null) return t.host;
  const addr = t.family === 'ipv6' ? `[${t.address}]` : t.address;
  const defaultPort = t.method === 'https' ? 443 : 80;
  return t.port === null || t.port === defaultPort ? addr : `${addr}:${t.port}`;
}

/** An error of the TLS layer (certificate, handshake) rather than of the socket under it. */
function tlsReason(e: unknown): string {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'EIO';
  return /^E[A-Z]+$/.test(code) ? probeReason(code) : `TLS ${code}`;
}

export function httpAttempt(ctx: AttemptContext, t: ProbeTarget): ProbeAttempt {
  const { done, settle } = settleOnce();
  const startMs = ctx.clock.nowMs();
  let stream: Duplex | null = null;
  let req: http.ClientRequest | null = null;
  const cleanup = (): void => {
    req?.destroy();
    stream?.destroy();
  };
  const finish = (o: MethodOutcome): void => {
    if (settle(o)) cleanup();
  };
  const pending = ctx.transport.connect(ctx.iface, t.family, t.address, t.port ?? 80, (error, socket) => {
    if (error !== null || socket === null) {
      finish(failed(probeReason(error ?? 'EIO')));
      return;
    }
    stream = socket;
    if (t.method === 'https') {
      // The certificate is checked against `host` (SNI too), else against the IP (no SNI: RFC 6066 3
      // forbids an IP literal as server name). insecure: the handshake alone counts.
      const name = t.host !== null ? t.host.replace(/:\d+$/, '') : null;
      stream = tls.connect({
        socket, host: name ?? t.address, ...(name !== null && isIP(name) === 0 ? { servername: name } : {}),
        rejectUnauthorized: !t.insecure, ALPNProtocols: ['http/1.1'], ...(t.insecure ? {} : { secureContext: trustedContext() }),
      });
      stream.on('error', (e) => finish(failed(tlsReason(e))));
    }
    socket.on('error', (e) => finish(failed(tlsReason(e))));
    const conn = stream;
    req = http.request({
      createConnection: () => conn as unknown as import('node:net').Socket,
      method: 'GET', path: t.path,
      headers: { Host: hostHeader(t), 'User-Agent': 'wan-failover-probe', Accept: '*/*', Connection: 'close' },
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const ok = t.expectStatus !== null ? status === t.expectStatus : status >= 200 && status < 300;
      finish(ok ? { ok: true, rttMs: Math.max(0, ctx.clock.nowMs() - startMs), error: null } : failed(`HTTP ${status}`));
    });
    req.on('error', (e) => finish(failed(tlsReason(e))));
    req.end();
  });
  return { done, abort: () => { pending.abort(); if (settle(failed('ECANCELED'))) cleanup(); } };
}
