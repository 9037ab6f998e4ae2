// The ProbeSocket on the project's own addon (native/src/icmp-socket.cc): a raw ICMP or ICMPv6
// socket pinned to one interface whose replies carry the kernel's receive timestamp, so an RTT
// does not include the softirq-to-JS delay of a busy event loop (npm raw-socket reads with
// recvfrom() from JS and hides its fd, so no timestamp can be had through it).
//
// Clocks: the kernel stamps on CLOCK_REALTIME, the daemon measures on its monotonic Clock. The
// addon hands over the stamp's age (REALTIME now - REALTIME stamp, read just before calling JS);
// rxMs = clock.nowMs() - age puts the receive time on the daemon's clock. The send side
// (sendStamped): the clock is read right before calling the addon, which returns how long it took
// from its entry to right before sendto(); the sum is the send time on the daemon's clock. The gaps
// left (JS clock read to native entry, native read to JS clock read) can only make a stamp early
// on send and late on receive: an RTT is at worst inflated by microseconds, never negative.
import type { AddressFamily } from '../bus/events.js';
import type { Clock } from '../clock.js';
import { WanError, describeError, errorCode, isWanError } from '../errors.js';
import { loadIcmpSocketOpen, type IcmpSocketHandle, type IcmpSocketOpen } from '../systemd/native.js';
import { icmpOfDatagram, icmpProfile } from './icmp-profile.js';
import type { ProbeSocket, ProbeSocketFactory } from './types.js';
import { kernelFamily } from '../family.js';

/** IFNAMSIZ is 16 with the NUL (linux/if.h). */
const IFNAMSIZ = 16;

type Listener = (icmp: Buffer, src: string, rxMs: number) => void;

/** The receive time on the caller's clock from the kernel stamp's age (negative: no stamp). */
export function rxTimeMs(nowMs: number, ageNs: number): number {
  return ageNs >= 0 ? nowMs - ageNs / 1e6 : nowMs;
}

/** The ICMP message of a datagram: raw(7) hands IPv4 datagrams over with their IP header, ICMPv6 without. */
export function icmpPayload(family: AddressFamily, datagram: Buffer): Buffer | null {
  return icmpOfDatagram(icmpProfile(kernelFamily(family)), datagram);
}

class NativeIcmpSocket implements ProbeSocket {
  private readonly listeners: Listener[] = [];
  /** null after the addon reported the socket dead ("ECLOSED"); the next send reopens. */
  private handle: IcmpSocketHandle | null;
  private closed = false;

  constructor(
    private readonly openHandle: (sock: NativeIcmpSocket) => IcmpSocketHandle,
    private readonly family: AddressFamily,
    private readonly clock: Clock,
  ) {
    this.handle = openHandle(this);
  }

  send(icmp: Buffer, dst: string): Promise<void> {
    try {
      this.sendStamped(icmp, dst);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  sendStamped(icmp: Buffer, dst: string): number {
    if (this.closed) throw Object.assign(new Error('socket is closed'), { code: 'EBADF', syscall: 'sendto' });
    let handle: IcmpSocketHandle;
    try {
      handle = this.handle ??= this.openHandle(this);
    } catch (e) {
      // A failed reopen fails this probe with the errno, as a failed sendto() would.
      const errno = isWanError(e) && typeof e.details['errno'] === 'string' ? e.details['errno'] : 'EIO';
      throw Object.assign(new Error(describeError(e), { cause: e }), { code: errno, syscall: 'socket' });
    }
    const before = this.clock.nowMs();
    const toSendtoNs = handle.send(icmp, dst);
    return before + toSendtoNs / 1e6;
  }

  onMessage(cb: Listener): void {
    this.listeners.push(cb);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle?.close();
    this.handle = null;
  }

  /** Called by the addon for every datagram. */
  deliver(datagram: Buffer, src: string, ageNs: number): void {
    if (this.closed) return;
    const rxMs = rxTimeMs(this.clock.nowMs(), ageNs);
    const icmp = icmpPayload(this.family, datagram);
    if (icmp === null) return;
    for (const cb of this.listeners) cb(icmp, src, rxMs);
  }

  /** Called by the addon once when the socket died; it is closed already. */
  died(handle: IcmpSocketHandle): void {
    if (this.handle === handle) this.handle = null;
  }
}

/** Opens native probe sockets of `family` that read time from `clock` (the system clock in the daemon). */
export function createNativeIcmpSocketFactory(clock: Clock, family: AddressFamily = 'ipv4', open?: IcmpSocketOpen): ProbeSocketFactory {
  return {
    open(iface: string): ProbeSocket {
      if (iface.length === 0 || iface.length >= IFNAMSIZ) {
        throw new WanError('WAN_ERR_PROBE', `invalid interface name "${iface}"`, { iface });
      }
      let opener: IcmpSocketOpen;
      try {
        opener = open ?? loadIcmpSocketOpen();
      } catch (err) {
        throw new WanError('WAN_ERR_PROBE', `native probe socket unavailable: ${describeError(err)}`, { iface }, { cause: err });
      }
      const openHandle = (sock: NativeIcmpSocket): IcmpSocketHandle => {
        try {
          let handle: IcmpSocketHandle | null = null;
          handle = opener(family === 'ipv4' ? 4 : 6, iface, (d, src, age) => sock.deliver(d, src, age),
            (code) => { if (code === 'ECLOSED' && handle !== null) sock.died(handle); });
          return handle;
        } catch (err) {
          const errno = errorCode(err) ?? 'EIO';
          // Raw sockets need CAP_NET_RAW: say so instead of a bare EPERM.
          const code = errno === 'EPERM' || errno === 'EACCES' ? 'WAN_ERR_CAPABILITY' : 'WAN_ERR_PROBE';
          throw new WanError(code, `cannot open raw ${family} ICMP socket on ${iface}: ${describeError(err)}`,
            { iface, errno }, { cause: err });
        }
      };
      return new NativeIcmpSocket(openHandle, family, clock);
    },
  };
}
