// Composes a link's prober from its transport and settings: the engine asks for a prober per link
// and family and never sees sockets. The family picks the socket factory, the targets and the
// ICMP profile (ICMP or ICMPv6).
import type { AddressFamily } from '../bus/events.js';
import type { Clock } from '../clock.js';
import type { ProbeTarget } from '../config/probe-target.js';
import type { Config, LinkConfig } from '../config/types.js';
import type { ProberFactory, ProberPort } from '../engine/ports.js';
import { ContinuousLinkProber } from './continuous-link-prober.js';
import { ICMPV4_PROFILE, ICMPV6_PROFILE, type IcmpProfile } from './icmp-profile.js';
import { LinkProber } from './link-prober.js';
import type { LinkTransport } from './link-transport.js';
import { MethodProber } from './method-prober.js';
import { createNativeLinkTransport } from './native-link-transport.js';
import type { ProbeSocketFactory } from './types.js';

export function createProberFactory(opts: {
  sockets: ProbeSocketFactory;
  /** ICMPv6 sockets (rawSocketFactory6); without them there is no IPv6 prober. */
  sockets6?: ProbeSocketFactory;
  clock: Clock;
  identifier: number;
  /**
   * The running config's probe-target specs (tcp://, dns://, http(s)://), read at probe time, so a
   * reload that adds such a target needs no new prober (the daemon's config(), src/config/reload.ts).
   */
  probeTargets?: () => readonly ProbeTarget[];
  /** Sockets of the TCP, DNS and HTTP(S) probes; default: the addon's (native-link-transport.ts). */
  transport?: LinkTransport;
  /** Continuous mode: a target became dead (ignored for health) or answers again. */
  onTargetDead?: (link: LinkConfig, target: string, dead: boolean, silentForMs: number) => void;
}): ProberFactory {
  let transport = opts.transport ?? null;
  // Every prober gets one, so a reload that adds a tcp:// target needs no new prober; the addon's
  // sockets are loaded at the first such probe (native-link-transport.ts).
  const methodsFor = (link: LinkConfig, family: AddressFamily, cfg: Config): { methods: MethodProber } => {
    transport ??= createNativeLinkTransport(opts.clock);
    const specs = opts.probeTargets ?? (() => cfg.probeTargets ?? []);
    const spec = (key: string): ProbeTarget | null => specs().find((t) => t.key === key) ?? null;
    return { methods: new MethodProber({ transport, iface: link.interface, family, clock: opts.clock, spec }) };
  };
  return (link: LinkConfig, family: AddressFamily, cfg: Config): ProberPort => {
    const v6 = family === 'ipv6';
    const sockets = v6 ? opts.sockets6 : opts.sockets;
    if (sockets === undefined) throw new Error(`no prober for ${family}: no socket factory`);
    const profile: IcmpProfile = v6 ? ICMPV6_PROFILE : ICMPV4_PROFILE;
    if (cfg.probeIntervalMs !== undefined && cfg.probeIntervalMs !== null) {
      return new ContinuousLinkProber({
        socket: sockets.open(link.interface), clock: opts.clock, identifier: opts.identifier,
        profile,
        targets: v6 ? cfg.pingTargets6 ?? [] : cfg.pingTargets, intervalMs: cfg.probeIntervalMs, timeoutMs: cfg.pingTimeoutMs,
        minTargetsUp: cfg.minTargetsUp, quality: cfg.quality ?? null, ...methodsFor(link, family, cfg),
        ...(opts.onTargetDead ? { onTargetDead: (t: string, dead: boolean, ms: number) => opts.onTargetDead!(link, t, dead, ms) } : {}),
      });
    }
    return new LinkProber({
      socket: sockets.open(link.interface), clock: opts.clock, identifier: opts.identifier,
      targets: v6 ? cfg.pingTargets6 ?? [] : cfg.pingTargets, timeoutMs: cfg.pingTimeoutMs, count: cfg.pingCount,
      minTargetsUp: cfg.minTargetsUp, window: cfg.statsWindow, profile, ...methodsFor(link, family, cfg),
    });
  };
}
