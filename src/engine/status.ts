// Builds the read-only status snapshot (pure): a projection of the link facts, the policy's
// decision state, the probers' figures and what the reconciler says the kernel holds.
import type { LinkDns } from '../bus/events.js';
import type { LinkFacts } from '../facts/link-facts.js';
import type { PolicyState } from '../policy/types.js';
import type { ProbeStats } from '../probe/types.js';
import type { MeteredLinkStatus } from '../metered/metered-status.js';
import type { EngineEvent, EngineStatus, LinkFamilyStatus, LinkStatus } from './types.js';

export interface StatusInput {
  policy: PolicyState;
  links: readonly LinkFacts[];
  stats(link: string): ProbeStats | null;
  lastCheckMs(link: string): number | null;
  conntrack(link: string): { entries: number; flushes: number; lastMs: number | null } | null;
  /** A metered link's status (src/metered/); absent or null = not metered. */
  metered?(link: string): MeteredLinkStatus | null;
  /** The link whose default route the kernel holds (not merely intended). */
  kernelActive: string | null;
  ipv6: { policy: PolicyState; kernelActive: string | null; stats(link: string): ProbeStats | null; share?(link: string): number | null } | null;
  /** Tier and weight per link after defaults; the share of new IPv4 flows, null when not carrying. */
  place?(link: string): { tier: number; weight: number };
  share?(link: string): number | null;
  /** The DNS servers a link uses (issue 22); source null = none known. */
  dns?(link: string): LinkDns;
  events: EngineEvent[];
  switchCount: number;
  lastSwitchMs: number | null;
  startedMs: number;
  nowWallMs: number;
}

export function buildStatus(i: StatusInput): EngineStatus {
  const links: LinkStatus[] = i.links.map((f) => {
    const p = i.policy.links.find((x) => x.name === f.cfg.name)!;
    const stats = i.stats(f.cfg.name);
    const v4 = f.families.ipv4;
    const ct = i.conntrack(f.cfg.name);
    const metered = i.metered?.(f.cfg.name) ?? null;
    return {
      name: f.cfg.name,
      displayName: f.cfg.displayName,
      interface: f.cfg.interface,
      gateway: v4.gateway,
      gatewaySource: v4.gatewaySource,
      healthy: p.health === 'up' || p.health === 'degraded',
      gatewayReachable: p.gatewayReachable,
      consecutiveFailures: p.consecutiveFailures,
      consecutiveSuccesses: p.consecutiveSuccesses,
      lastCheckMs: i.lastCheckMs(f.cfg.name),
      carrier: f.present ? f.carrier : false,
      state: p.health,
      active: i.kernelActive === f.cfg.name,
      rttMs: stats?.rttMs ?? null,
      lossPct: stats?.lossPct ?? null,
      gatewayStats: stats?.gateway ?? null,
      targets: stats?.targets ?? [],
      traffic: f.traffic.get(),
      // Only continuous probing measures jitter: the cycles leave it out, so no consumer (Home
      // Assistant's discovery, metrics) announces a jitter that can never have a value.
      ...(stats?.jitterMs !== undefined ? { jitterMs: stats.jitterMs } : {}),
      stateReason: stateReason(p, f, stats),
      quality: stats?.quality ?? null,
      ...(ct ? { conntrack: ct } : {}),
      ...(i.place ? i.place(f.cfg.name) : {}),
      ...(i.share ? carryingOf(i.share(f.cfg.name)) : {}),
      ...(metered ? { metered } : {}),
      ...dnsOf(i.dns?.(f.cfg.name)),
      ...(i.ipv6 ? { ipv6: familyStatus(f, i.ipv6) } : {}),
    };
  });
  return {
    active: i.kernelActive,
    ...(i.ipv6 ? { activeIpv6: i.ipv6.kernelActive, manualHoldIpv6: i.ipv6.policy.manualHold } : {}),
    autoEnabled: i.policy.auto,
    manualHold: i.policy.manualHold,
    allDown: i.policy.allDown,
    links,
    switchCount: i.switchCount,
    lastSwitchMs: i.lastSwitchMs,
    startedMs: i.startedMs,
    uptimeSeconds: Math.max(0, Math.floor((i.nowWallMs - i.startedMs) / 1000)),
    events: i.events,
  };
}

/** Why a link is in its state: carrier/interface, the round rule (with its targets' reasons), or the quality threshold. */
function stateReason(p: PolicyState['links'][number], f: LinkFacts, stats: ProbeStats | null): string | null {
  if (!f.present) return 'interface gone';
  if (f.carrier === false) return 'carrier lost';
  if (p.health === 'up' || p.health === 'unknown') return null;
  if (p.health === 'down' && p.consecutiveFailures > 0 && p.quality !== 'down') {
    return `${p.consecutiveFailures} consecutive failed checks${failingTargets(stats)}`;
  }
  if (p.quality === 'down' || p.quality === 'degraded') return `quality: ${p.qualityReason ?? p.quality}`;
  return p.health === 'down' ? 'probes failed' : null;
}

/** " (tcp://198.51.100.7:443: refused, http://...: HTTP 302)": the failing targets' last reasons, or "". */
function failingTargets(stats: ProbeStats | null): string {
  const failing = (stats?.targets ?? []).filter((t) => t.lastError !== undefined && t.lastError !== null);
  return failing.length === 0 ? '' : ` (${failing.map((t) => `${t.target}: ${t.lastError}`).join(', ')})`;
}

function familyStatus(f: LinkFacts, v6: NonNullable<StatusInput['ipv6']>): LinkFamilyStatus {
  const p = v6.policy.links.find((x) => x.name === f.cfg.name)!;
  const stats = v6.stats(f.cfg.name);
  return {
    gateway: f.families.ipv6.gateway,
    gatewaySource: f.families.ipv6.gatewaySource,
    healthy: p.health === 'up' || p.health === 'degraded',
    state: p.health,
    gatewayReachable: p.gatewayReachable,
    active: v6.kernelActive === f.cfg.name,
    rttMs: stats?.rttMs ?? null,
    lossPct: stats?.lossPct ?? null,
    targets: stats?.targets ?? [],
    ...(v6.share ? carryingOf(v6.share(f.cfg.name)) : {}),
  };
}

function dnsOf(d: LinkDns | undefined): Pick<LinkStatus, 'dns'> {
  return d && d.source !== null && d.servers.length > 0 ? { dns: { servers: [...d.servers], source: d.source } } : {};
}

function carryingOf(share: number | null): { carrying: boolean; share: number } {
  return { carrying: share !== null, share: share ?? 0 };
}

/** One line for systemd's STATUS=, from the policy and facts alone (no probe statistics needed). */
export function summary(policy: PolicyState, links: readonly LinkFacts[], kernelActive: string | null): string {
  const active = links.find((l) => l.cfg.name === kernelActive);
  const parts = policy.links.map((l) => `${l.name}=${l.health}`);
  return `active: ${active ? `${active.cfg.name} (${active.cfg.interface})` : 'none'}; ${parts.join(' ')}${policy.auto ? '' : '; auto off'}`;
}
