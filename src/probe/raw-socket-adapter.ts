// The only importer of npm `raw-socket`: an IPv4 ICMP raw socket pinned to one interface with
// SO_BINDTODEVICE, so a probe leaves (and is answered) through that link whatever the default
// route says. Translates the package's callbacks and error strings into the ProbeSocket port.
import { createRequire } from 'node:module';
import { getSystemErrorMap } from 'node:util';
import { systemClock, type Clock } from '../clock.js';
import { WanError } from '../errors.js';
import { ipv4HeaderLength } from './icmp.js';
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
  AddressFamily: { IPv4: number };
  Protocol: { ICMP: number };
  SocketLevel: { SOL_SOCKET: number };
  SocketOption: { SO_BINDTODEVICE?: number };
}

const raw = createRequire(import.meta.url)('raw-socket') as RawSocketModule;

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

// raw-socket throws strerror(3) text, not codes. glibc wording for the errors sendto(2) gives
// on a raw socket; libuv's table (mostly the same words) catches the rest.
const GLIBC_MESSAGES: Record<string, string> = {
  'network is unreachable': 'ENETUNREACH',
  'no route to host': 'EHOSTUNREACH',
  'operation not permitted': 'EPERM',
  'permission denied': 'EACCES',
  'no buffer space available': 'ENOBUFS',
  'invalid argument': 'EINVAL',
  'network is down': 'ENETDOWN',
  'no such device': 'ENODEV',
  'message too long': 'EMSGSIZE',
  'resource temporarily unavailable': 'EAGAIN',
  'bad file descriptor': 'EBADF',
};

/** Maps a strerror message to its errno name; 'EIO' when the text is unknown. */
export function errnoFromMessage(message: string): string {
  const text = message.trim().toLowerCase();
  const known = GLIBC_MESSAGES[text];
  if (known !== undefined) return known;
  for (const [name, desc] of getSystemErrorMap().values()) {
    if (desc.toLowerCase() === text) return name;
  }
  return 'EIO';
}

function wrap(e: unknown, syscall: string): ProbeSocketError {
  const message = e instanceof Error ? e.message : String(e);
  return new ProbeSocketError(errnoFromMessage(message), syscall, message);
}

/** IFNAMSIZ is 16 with the NUL (linux/if.h). */
const IFNAMSIZ = 16;

class RawProbeSocket implements ProbeSocket {
  private readonly listeners: Array<(icmp: Buffer, src: string, rxMs: number) => void> = [];
  private closed = false;

  constructor(
    private readonly sock: RawSocket,
    private readonly clock: Clock,
  ) {
    sock.on('message', (buf, source) => this.deliver(buf, source));
    // raw-socket closes the socket after emitting 'error'; later sends then fail with EBADF.
    sock.on('error', () => {
      this.closed = true;
    });
  }

  send(icmp: Buffer, dst: string): Promise<void> {
    if (this.closed) return Promise.reject(new ProbeSocketError('EBADF', 'sendto', 'socket is closed'));
    return new Promise((resolve, reject) => {
      try {
        this.sock.send(icmp, 0, icmp.length, dst, (err) => (err ? reject(wrap(err, 'sendto')) : resolve()));
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
    this.sock.close();
  }

  private deliver(datagram: Buffer, source: string): void {
    const rxMs = this.clock.nowMs();
    // raw(7): an IPv4 raw socket receives the IP header too; its length is in IHL.
    const ihl = ipv4HeaderLength(datagram);
    if (ihl === null) return;
    const icmp = datagram.subarray(ihl);
    for (const cb of this.listeners) cb(icmp, source, rxMs);
  }
}

/** Opens raw sockets that read time from `clock` (the system clock in the daemon). */
export function createRawSocketFactory(clock: Clock): ProbeSocketFactory {
  return {
    open(iface: string): ProbeSocket {
      if (iface.length === 0 || iface.length >= IFNAMSIZ) {
        throw new WanError('WAN_ERR_PROBE', `invalid interface name "${iface}"`, { iface });
      }
      const option = raw.SocketOption.SO_BINDTODEVICE;
      if (option === undefined) {
        throw new WanError('WAN_ERR_CAPABILITY', 'SO_BINDTODEVICE is not available on this platform');
      }
      let sock: RawSocket;
      try {
        sock = raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: raw.Protocol.ICMP });
      } catch (e) {
        const err = wrap(e, 'socket');
        // Raw sockets need CAP_NET_RAW: say so instead of a bare EPERM.
        const code = err.code === 'EPERM' || err.code === 'EACCES' ? 'WAN_ERR_CAPABILITY' : 'WAN_ERR_PROBE';
        throw new WanError(code, `cannot open raw ICMP socket: ${err.message}`, { iface, errno: err.code });
      }
      try {
        // socket(7): SO_BINDTODEVICE takes the interface name, NUL-terminated.
        const name = Buffer.from(`${iface}\0`, 'ascii');
        sock.setOption(raw.SocketLevel.SOL_SOCKET, option, name, name.length);
      } catch (e) {
        sock.close();
        const err = wrap(e, 'setsockopt');
        throw new WanError('WAN_ERR_PROBE', `cannot bind raw socket to ${iface}: ${err.message}`, {
          iface,
          errno: err.code,
        });
      }
      return new RawProbeSocket(sock, clock);
    },
  };
}

export const rawSocketFactory: ProbeSocketFactory = createRawSocketFactory(systemClock);
