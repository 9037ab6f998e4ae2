// Which ProbeSocket the daemon uses: the project addon's (kernel receive stamps, so RTTs do not
// carry the event loop's delay; native/src/icmp-socket.cc) when the addon is built, else npm
// raw-socket's (RTTs stamped in JS), said once in the log.
import type { AddressFamily } from '../bus/events.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import { loadIcmpSocketOpen } from '../systemd/native.js';
import { createNativeIcmpSocketFactory } from './native-icmp-socket.js';
import { rawSocketFactory, rawSocketFactory6 } from './raw-socket-adapter.js';
import type { ProbeSocketFactory } from './types.js';

export function chooseProbeSockets(clock: Clock, family: AddressFamily, onFallback: (why: string) => void): ProbeSocketFactory {
  try {
    return createNativeIcmpSocketFactory(clock, family, loadIcmpSocketOpen());
  } catch (err) {
    onFallback(describeError(err));
    return family === 'ipv6' ? rawSocketFactory6 : rawSocketFactory;
  }
}
