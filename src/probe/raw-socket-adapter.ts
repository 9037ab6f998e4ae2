// The only importer of npm `raw-socket`: an ICMP (IPv4) or ICMPv6 raw socket pinned to one
// interface with SO_BINDTODEVICE, so a probe leaves (and is answered) through that link whatever
// the default route says. The family is a parameter (its IcmpProfile says protocol and header
// handling). Translates the package's callbacks and error strings into the ProbeSocket port.
import { createRequire } from 'node:module';
import { systemClock, type Clock } from '../clock.js';
import { describeError, isWanError, WanError } from '../errors.js';
import { errnoFromMessage } from './errno-text.js';
import { icmp6FilterBlockingAllBut, icmpOfDatagram, icmpProfile, type Family, type IcmpProfile } from './icmp-profile.js';
import type { ProbeSocket, ProbeSocketFactory } from './types.js';

/** The slice of raw-socket (a CommonJS addon without typings) this adapter uses. */
interface RawSocket {
  on(event: 'message', cb: (buf: Buffer, source: string) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  setOption(level: number, option: number, value: Buffer, length: number): void;
  close(): void;
}

interface RawSocketModule {
  createSocket(opts: { addressFamily: number; protocol: number; bufferSize?: number }): RawSocket;
  AddressFamily: { IPv4: number; IPv6: number };
  Protocol: { ICMP: number; ICMPv6: number };
  SocketLevel: { SOL_SOCKET: number };
  SocketOption: { SO_BINDTODEVICE?: number };
}

let loaded: RawSocketModule | null = null;

/**
 * The addon, loaded at the first raw socket: the daemon opens raw sockets only when the project's
 * own addon is missing (socket-choice.ts), and raw-socket's addon alone costs 0.9 MiB of RSS
 * (issue 20: its library and the symbol look-ups in node's tables). A failed load is an open()
 * that fails, as a refused socket does; the next open tries again (require does not cache it).
 */
function rawModule(): RawSocketModule {
  try {
    loaded ??= createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  } catch (e) {
    throw new WanError('WAN_ERR_PROBE', `cannot load the raw-socket addon: ${describeError(e)}`, {}, { cause: e });
  }
  return loaded;
}

/** Whether raw-socket's addon is loaded (tests: only a raw socket loads it). */
export function rawSocketLoaded(): boolean {
  return loaded !== null;
}

/** An errno-coded error, shaped like Node's own system errors. */
export class ProbeSocketError extends Error {
  readonly code: string;
  readonly syscall: string;
  constructor(code: string, syscall: string, message: string) {
    super(`${syscall} ${code}: ${message}`);
    this.name = 'ProbeSocketError';
    this.code = code;
    this.syscall = syscall;
  }
}

/** A failed reopen (see openBound) as an errno-coded send error. */
function reopenError(e: unknown): ProbeSocketError {
  if (isWanError(e) && typeof e.details['errno'] === 'string') {
    return new ProbeSocketError(e.details['errno'], 'socket', e.message);
  }
  return wrap(e, 'socket');
}

function wrap(e: unknown, syscall: string): ProbeSocketError {
  const message = e instanceof Error ? e.message : String(e);
  return new ProbeSocketError(errnoFromMessage(message), syscall, message);
}

/** IFNAMSIZ is 16 with the NUL (linux/if.h). */
const IFNAMSIZ = 16;
/** linux/in6.h IPPROTO_ICMPV6 as a socket level, linux/icmpv6.h ICMP6_FILTER. */
const SOL_ICMPV6 = 58;
const ICMP6_FILTER = 1;

class RawProbeSocket implements ProbeSocket {
  private readonly listeners: Array<(icmp: Buffer, src: string, rxMs: number) => void> = [];
  /** null after a socket-level error: raw-socket closes itself then; the next send reopens. */
  private sock: RawSocket | null;
  private closed = false;

  constructor(
    private readonly openRaw: () => RawSocket,
    private readonly clock: Clock,
    private readonly profile: IcmpProfile,
  ) {
    this.sock = this.attach(openRaw());
  }

  send(icmp: Buffer, dst: string): Promise<void> {
    if (this.closed) return Promise.reject(new ProbeSocketError('EBADF', 'sendto', 'socket is closed'));
    let sock: RawSocket;
    try {
      sock = this.sock ?? this.attach(this.openRaw());
      this.sock = sock;
    } catch (e) {
      return Promise.reject(reopenError(e));
    }
    return new Promise((resolve, reject) => {
      try {
        sock.send(icmp, 0, icmp.length, dst, (err) => (err ? reject(wrap(err, 'sendto')) : resolve()));
      } catch (e) {
        reject(wrap(e, 'sendto'));
      }
    });
  }

  onMessage(cb: (icmp: Buffer, src: string, rxMs: number) => void): void {
    this.listeners.push(cb);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock?.close();
    this.sock = null;
  }

  private attach(sock: RawSocket): RawSocket {
    sock.on('message', (buf, source) => this.deliver(buf, source));
    sock.on('error', () => {
      // Drop it rather than die: a probe socket must outlive a transient socket error. Closing
      // is idempotent in raw-socket, and a closed wrap must never be sent on again: its send()
      // would quietly recreate the socket without SO_BINDTODEVICE.
      sock.close();
      if (this.sock === sock) this.sock = null;
    });
    return sock;
  }

  private deliver(datagram: Buffer, source: string): void {
    if (this.closed) return;
    const rxMs = this.clock.nowMs();
    const icmp = icmpOfDatagram(this.profile, datagram);
    if (icmp === null) return;
    for (const cb of this.listeners) cb(icmp, source, rxMs);
  }
}

/** A raw ICMP/ICMPv6 socket bound to `iface`; throws a WanError naming what failed. */
function openBound(iface: string, option: number, profile: IcmpProfile): RawSocket {
  const raw = rawModule();
  const v6 = profile.family === 'inet6';
  const kind = v6 ? 'ICMPv6' : 'ICMP';
  let sock: RawSocket;
  try {
    sock = raw.createSocket(v6
      ? { addressFamily: raw.AddressFamily.IPv6, protocol: raw.Protocol.ICMPv6 }
      : { addressFamily: raw.AddressFamily.IPv4, protocol: raw.Protocol.ICMP });
  } catch (e) {
    const err = wrap(e, 'socket');
    // Raw sockets need CAP_NET_RAW: say so instead of a bare EPERM.
    const code = err.code === 'EPERM' || err.code === 'EACCES' ? 'WAN_ERR_CAPABILITY' : 'WAN_ERR_PROBE';
    throw new WanError(code, `cannot open raw ${kind} socket: ${err.message}`, { iface, family: profile.family, errno: err.code });
  }
  try {
    // socket(7): SO_BINDTODEVICE takes the interface name, NUL-terminated.
    const name = Buffer.from(`${iface}\0`, 'ascii');
    sock.setOption(raw.SocketLevel.SOL_SOCKET, option, name, name.length);
  } catch (e) {
    sock.close();
    const err = wrap(e, 'setsockopt');
    throw new WanError('WAN_ERR_PROBE', `cannot bind raw ${kind} socket to ${iface}: ${err.message}`, {
      iface,
      family: profile.family,
      errno: err.code,
    });
  }
  if (v6) {
    // RFC 3542 3.2: an ICMPv6 raw socket sees every ICMPv6 message (neighbour discovery, RAs,
    // MLD); the filter lets only echo replies and errors wake us. Best effort: the parser and
    // the pinger's matching drop the rest anyway.
    const filter = icmp6FilterBlockingAllBut(profile.receiveTypes);
    try {
      sock.setOption(SOL_ICMPV6, ICMP6_FILTER, filter, filter.length);
    } catch {
      // Still correct without it, only busier.
    }
  }
  return sock;
}

/** Opens raw sockets of one family (default IPv4) that read time from `clock` (the system clock in the daemon). */
export function createRawSocketFactory(clock: Clock, family: Family = 'inet'): ProbeSocketFactory {
  const profile = icmpProfile(family);
  return {
    open(iface: string): ProbeSocket {
      if (iface.length === 0 || iface.length >= IFNAMSIZ) {
        throw new WanError('WAN_ERR_PROBE', `invalid interface name "${iface}"`, { iface });
      }
      const option = rawModule().SocketOption.SO_BINDTODEVICE;
      if (option === undefined) {
        throw new WanError('WAN_ERR_CAPABILITY', 'SO_BINDTODEVICE is not available on this platform');
      }
      return new RawProbeSocket(() => openBound(iface, option, profile), clock, profile);
    },
  };
}

export const rawSocketFactory: ProbeSocketFactory = createRawSocketFactory(systemClock);
/** ICMPv6 raw sockets (IPPROTO_ICMPV6): to be used with ICMPV6_PROFILE in the Pinger/LinkProber. */
export const rawSocketFactory6: ProbeSocketFactory = createRawSocketFactory(systemClock, 'inet6');

export function rawSocketFactoryFor(family: Family): ProbeSocketFactory {
  return family === 'inet6' ? rawSocketFactory6 : rawSocketFactory;
}
