// Builds the read-only status snapshot from the policy state and the link runtimes (pure).
import type { PolicyState } from '../policy/types.js';
import type { EngineEvent, EngineStatus, LinkStatus } from './types.js';
import type { LinkRuntime } from './link-runtime.js';

export interface StatusInput {
  policy: PolicyState;
  links: LinkRuntime[];
  events: EngineEvent[];
  switchCount: number;
  lastSwitchMs: number | null;
  startedMs: number;
  nowWallMs: number;
}

export function buildStatus(i: StatusInput): EngineStatus {
  const links: LinkStatus[] = i.links.map((rt, idx) => {
    const p = i.policy.links[idx]!;
    const stats = rt.prober?.stats() ?? null;
    return {
      name: rt.cfg.name,
      displayName: rt.cfg.displayName,
      interface: rt.cfg.interface,
      gateway: rt.gateway,
      gatewaySource: rt.gatewaySource,
      healthy: p.health === 'up',
      gatewayReachable: p.gatewayReachable,
      consecutiveFailures: p.consecutiveFailures,
      consecutiveSuccesses: p.consecutiveSuccesses,
      lastCheckMs: rt.lastCheckWallMs,
      carrier: p.present ? p.carrier : false,
      state: p.health,
      active: i.policy.active === rt.cfg.name,
      rttMs: stats?.rttMs ?? null,
      lossPct: stats?.lossPct ?? null,
      gatewayStats: stats?.gateway ?? null,
      targets: stats?.targets ?? [],
      traffic: rt.traffic.get(),
    };
  });
  return {
    active: i.policy.active,
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

/** One line for systemd's STATUS=, from the policy alone (no probe statistics needed). */
export function summary(policy: PolicyState, links: LinkRuntime[]): string {
  const active = links.find((l) => l.cfg.name === policy.active);
  const parts = policy.links.map((l) => `${l.name}=${l.health}`);
  return `active: ${active ? `${active.cfg.name} (${active.cfg.interface})` : 'none'}; ${parts.join(' ')}${policy.auto ? '' : '; auto off'}`;
}
