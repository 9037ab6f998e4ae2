// The LinkTransport on the project's addon (native/src/tcp-connect.cc, udp-socket.cc): TCP connects
// and UDP sockets bound to the link's interface. A connected fd becomes a net.Socket (Node takes a
// connected stream fd as is), over which HTTP and TLS run. Times are put on the daemon's clock as
// the ICMP socket does (native-icmp-socket.ts): a clock read right before the call plus the ns the
// addon measured, and the receive stamp's age subtracted from the clock read when JS is called.
import net from 'node:net';
import type { AddressFamily } from '../bus/events.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import { loadLinkSockets, type TcpConnect, type UdpSocketOpen } from '../systemd/native.js';
import type { DatagramChannel, LinkTransport, PendingConnect } from './link-transport.js';
import { rxTimeMs } from './native-icmp-socket.js';

const fam = (f: AddressFamily): 4 | 6 => (f === 'ipv6' ? 6 : 4);

type LinkSockets = { tcpConnect: TcpConnect; udpSocketOpen: UdpSocketOpen };

/** `addon` (tests) or, at the first probe, what `loader` finds in the project's addon. */
export function createNativeLinkTransport(clock: Clock, addon?: LinkSockets, loader: () => LinkSockets = loadLinkSockets): LinkTransport {
  let native = addon ?? null;
  const load = (): LinkSockets => {
    try {
      return (native ??= loader());
    } catch (err) {
      // An addon built before these sockets existed: every such probe fails with this code (last_error).
      throw Object.assign(new Error(`native TCP/UDP probe sockets unavailable: ${describeError(err)}`, { cause: err }), { code: 'ENOSYS' });
    }
  };
  return {
    connect(iface, family, address, port, onDone, opts = {}): PendingConnect {
      const keep = opts.keep !== false;
      const handle = load().tcpConnect(fam(family), iface, address, port, (code, fd, elapsedNs) => {
        const elapsedMs = elapsedNs / 1e6;
        if (code !== null) onDone(code, null, elapsedMs);
        else if (!keep) onDone(null, null, elapsedMs);
        else if (fd < 0) onDone('EIO', null, elapsedMs);
        else onDone(null, new net.Socket({ fd, readable: true, writable: true }), elapsedMs);
      }, keep);
      return handle;
    },
    openDatagram(iface, family, address, port, onMessage, onError): DatagramChannel {
      const handle = load().udpSocketOpen(fam(family), iface, address, port,
        (data, ageNs) => onMessage(data, rxTimeMs(clock.nowMs(), ageNs)), onError);
      return {
        send: (data) => {
          const before = clock.nowMs();
          return before + handle.send(data) / 1e6;
        },
        close: () => handle.close(),
      };
    },
  };
}
