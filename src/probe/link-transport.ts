// The port through which the TCP, DNS and HTTP(S) probes (issue 23) reach the network: sockets
// pinned to one interface, so every probe leaves through the link it judges, also the standby's
// (the link's `oif` rule and table only catch sockets bound to it; Node's net and dgram cannot
// bind to a device). native-link-transport.ts is the addon's; tests hand in fakes.
import type { Duplex } from 'node:stream';
import type { AddressFamily } from '../bus/events.js';

export interface PendingConnect {
  /** Stops a connect still in flight (its fd is closed, onDone never runs); idempotent. */
  abort(): void;
}

export interface DatagramChannel {
  /** Sends one datagram to the server; returns the send time on the transport's clock. Throws errno-coded errors. */
  send(data: Buffer): number;
  close(): void;
}

export interface LinkTransport {
  /**
   * A TCP connect through `iface`. onDone: error null and a connected socket, or an errno code
   * (ECONNREFUSED = an RST came back) and null; elapsedMs from right before connect() to the
   * outcome. Throws an errno-coded error when the connect cannot start (ENETUNREACH, ...).
   * `keep: false`: only the outcome matters (a TCP probe): the connection is reset and closed at
   * once, and a success hands over no socket.
   */
  connect(iface: string, family: AddressFamily, address: string, port: number,
    onDone: (error: string | null, socket: Duplex | null, elapsedMs: number) => void, opts?: { keep?: boolean }): PendingConnect;
  /**
   * A UDP socket through `iface` to address:port. onMessage gets each datagram with its receive
   * time on the transport's clock; onError an errno code (ECONNREFUSED: port unreachable).
   */
  openDatagram(iface: string, family: AddressFamily, address: string, port: number,
    onMessage: (data: Buffer, rxMs: number) => void, onError: (code: string) => void): DatagramChannel;
}
