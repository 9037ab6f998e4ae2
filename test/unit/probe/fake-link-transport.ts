// A scripted LinkTransport: records connects and datagram channels per interface and lets a test
// complete them (connected, refused, an errno) or answer datagrams, with the times it likes.
// `realTcp` instead connects for real (to a 127.0.0.1 server of the test), for HTTP over a socket.
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { AddressFamily } from '../../../src/bus/events.js';
import type { DatagramChannel, LinkTransport, PendingConnect } from '../../../src/probe/link-transport.js';

export interface FakeConnect {
  iface: string;
  family: AddressFamily;
  address: string;
  port: number;
  /** What the prober asked: keep the connection (HTTP) or only time it (TCP). */
  keep: boolean;
  aborted: boolean;
  done: boolean;
  complete(error: string | null, elapsedMs: number): void;
}

export interface FakeChannel {
  iface: string;
  address: string;
  port: number;
  sent: Buffer[];
  closed: boolean;
  answer(data: Buffer, rxMs: number): void;
  fail(code: string): void;
}

export class FakeLinkTransport implements LinkTransport {
  readonly connects: FakeConnect[] = [];
  readonly channels: FakeChannel[] = [];
  /** Send time each channel reports. */
  sendMs = 0;
  /** Redirect connects to 127.0.0.1:realTcp (the test's server) instead of scripting them. */
  realTcp: number | null = null;

  connect(iface: string, family: AddressFamily, address: string, port: number,
    onDone: (error: string | null, socket: Duplex | null, elapsedMs: number) => void, opts: { keep?: boolean } = {}): PendingConnect {
    const keep = opts.keep !== false;
    if (this.realTcp !== null) {
      const started = performance.now();
      const s = net.connect(this.realTcp, '127.0.0.1');
      let over = false;
      s.once('connect', () => { if (!over) { over = true; onDone(null, s, performance.now() - started); } });
      s.once('error', (e: NodeJS.ErrnoException) => { if (!over) { over = true; onDone(e.code ?? 'EIO', null, 0); } });
      this.connects.push({ iface, family, address, port, keep, aborted: false, done: false, complete: () => undefined });
      return { abort: () => { over = true; s.destroy(); } };
    }
    const c: FakeConnect = {
      iface, family, address, port, keep, aborted: false, done: false,
      complete: (error, elapsedMs) => {
        if (c.aborted || c.done) return;
        c.done = true;
        onDone(error, error === null && keep ? new Duplex({ read() {}, write(_c, _e, cb) { cb(); } }) : null, elapsedMs);
      },
    };
    this.connects.push(c);
    return { abort: () => { c.aborted = true; } };
  }

  openDatagram(iface: string, _family: AddressFamily, address: string, port: number,
    onMessage: (data: Buffer, rxMs: number) => void, onError: (code: string) => void): DatagramChannel {
    const ch: FakeChannel = {
      iface, address, port, sent: [], closed: false,
      answer: (data, rxMs) => { if (!ch.closed) onMessage(data, rxMs); },
      fail: (code) => { if (!ch.closed) onError(code); },
    };
    this.channels.push(ch);
    return {
      send: (data) => { ch.sent.push(Buffer.from(data)); return this.sendMs; },
      close: () => { ch.closed = true; },
    };
  }
}

export { dnsResponse } from '../../../lab/dns-answer.js';
