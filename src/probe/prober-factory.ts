// Composes a link's prober from its transport and settings: the engine asks for a prober per link
// and family and never sees sockets.
import type { AddressFamily } from '../bus/events.js';
import type { Clock } from '../clock.js';
import type { Config, LinkConfig } from '../config/types.js';
import type { ProberFactory, ProberPort } from '../engine/ports.js';
import { LinkProber } from './link-prober.js';
import type { ProbeSocketFactory } from './types.js';

export function createProberFactory(opts: { sockets: ProbeSocketFactory; clock: Clock; identifier: number; config: () => Config }): ProberFactory {
  return (link: LinkConfig, family: AddressFamily): ProberPort => {
    if (family !== 'ipv4') throw new Error(`no prober for ${family} yet`);
    const cfg = opts.config();
    return new LinkProber({
      socket: opts.sockets.open(link.interface), clock: opts.clock, identifier: opts.identifier,
      targets: cfg.pingTargets, timeoutMs: cfg.pingTimeoutMs, count: cfg.pingCount,
      minTargetsUp: cfg.minTargetsUp, window: cfg.statsWindow,
    });
  };
}
