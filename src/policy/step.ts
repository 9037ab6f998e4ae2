// The failover policy as a pure state machine: step(state, event, nowMs) -> { state, effects }.
// It holds no timers and does no I/O; the daemon feeds it events and carries out the effects.
import { assertNever } from '../errors.js';
import type { EngineEventType } from '../engine/types.js';
import type { SwitchReason } from '../bus/events.js';
import type {
  LinkPolicyState, LogLevelName, PolicyConfig, PolicyEffect, PolicyEvent, PolicyState, StepResult,
} from './types.js';

export function initialState(links: Array<{ name: string; label: string }>, gatewayKnown: boolean[] = []): PolicyState {
  return {
    links: links.map((l, i) => ({
      name: l.name,
      label: l.label,
      health: 'unknown',
      carrier: null,
      present: true,
      gatewayKnown: gatewayKnown[i] ?? false,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      gatewayReachable: false,
    })),
    active: null,
    activeSinceMs: null,
    auto: true,
    manualHold: null,
    allDown: false,
  };
}

/** A link the daemon may move the default route to. */
export function isEligible(l: LinkPolicyState): boolean {
  return l.present && l.carrier !== false && l.gatewayKnown && l.health === 'up';
}

/** The active link may stay active: not declared down, carrier not lost, interface present. */
function canStay(l: LinkPolicyState): boolean {
  return l.present && l.carrier !== false && l.health !== 'down';
}

export function step(state: PolicyState, event: PolicyEvent, nowMs: number, cfg: PolicyConfig): StepResult {
  const effects: PolicyEffect[] = [];
  const s: PolicyState = { ...state, links: state.links.map((l) => ({ ...l })) };
  const link = (name: string): LinkPolicyState | undefined => s.links.find((l) => l.name === name);

  switch (event.kind) {
    case 'adopt':
      if (event.link !== null && link(event.link)) {
        s.active = event.link;
        s.activeSinceMs = nowMs;
      }
      break;
    case 'probe': {
      const l = link(event.link);
      if (!l) break;
      l.gatewayReachable = event.gatewayReachable;
      onProbe(s, l, event.healthy, cfg, effects);
      break;
    }
    case 'carrier':
    case 'present': {
      const l = link(event.link);
      if (!l) break;
      const up = event.kind === 'carrier' ? event.up : event.present;
      const prev = event.kind === 'carrier' ? l.carrier : l.present;
      if (event.kind === 'carrier') l.carrier = event.up; else l.present = event.present;
      if (prev === up) break;
      const what = event.kind === 'carrier' ? 'carrier' : 'interface';
      if (!up) {
        effects.push(ev('carrier', 'warn', l, `${l.label}: ${what} lost`));
        markDown(s, l, `${what} lost`, effects);
      } else if (prev === false) {
        effects.push(ev('carrier', 'info', l, `${l.label}: ${what} back`));
      }
      break;
    }
    case 'gateway': {
      const l = link(event.link);
      if (l) l.gatewayKnown = event.known;
      break;
    }
    case 'manual': {
      if (!link(event.link)) break;
      s.manualHold = event.link;
      if (s.active !== event.link) {
        switchTo(s, event.link, 'manual switch', 'manual', nowMs, effects);
      }
      break;
    }
    case 'auto':
      if (event.enabled) s.manualHold = null;
      if (s.auto !== event.enabled) {
        s.auto = event.enabled;
        effects.push({ kind: 'event', type: 'config', level: 'info', link: null,
          message: `Auto-failover ${event.enabled ? 'enabled' : 'disabled'}` });
      }
      break;
    case 'switch-failed':
      if (s.active === event.to) {
        s.active = event.from;
        if (s.manualHold === event.to) s.manualHold = null;
      }
      effects.push({ kind: 'event', type: 'error', level: 'error', link: event.to,
        message: `Failed to switch to ${link(event.to)?.label ?? event.to}: ${event.error}` });
      break;
    case 'tick':
      break;
    default:
      assertNever(event);
  }

  decide(s, nowMs, cfg, effects);
  return { state: s, effects };
}

function onProbe(s: PolicyState, l: LinkPolicyState, healthy: boolean, cfg: PolicyConfig, effects: PolicyEffect[]): void {
  if (healthy) {
    l.consecutiveFailures = 0;
    l.consecutiveSuccesses += 1;
    // A link needs carrier (when reported) to be believed; a probe cannot pass without it anyway.
    if (l.health !== 'up' && l.carrier !== false && l.present) {
      const wasDown = l.health === 'down';
      l.health = 'up';
      if (wasDown) effects.push(ev('recovery', 'info', l, `${l.label} is back online`));
    }
    return;
  }
  l.consecutiveSuccesses = 0;
  l.consecutiveFailures += 1;
  if (l.health !== 'down' && l.consecutiveFailures >= cfg.failureThreshold) {
    markDown(s, l, `${l.consecutiveFailures} consecutive failed checks`, effects);
  }
}

function markDown(s: PolicyState, l: LinkPolicyState, why: string, effects: PolicyEffect[]): void {
  l.consecutiveSuccesses = 0;
  if (l.health === 'down') return;
  l.health = 'down';
  effects.push(ev('down', 'warn', l, `${l.label} is down (${why})`));
  if (s.manualHold === l.name) {
    s.manualHold = null;
    effects.push(ev('config', 'info', l, `Manual hold on ${l.label} released: the link failed`));
  }
}

/** Chooses where the default route should be after any event. */
function decide(s: PolicyState, nowMs: number, cfg: PolicyConfig, effects: PolicyEffect[]): void {
  const eligible = s.links.filter(isEligible);
  const active = s.active === null ? undefined : s.links.find((l) => l.name === s.active);
  const activeOk = active !== undefined && canStay(active);

  if (!activeOk && eligible.length === 0) {
    if (!s.allDown && s.links.every((l) => l.health === 'down' || !l.present || l.carrier === false)) {
      s.allDown = true;
      effects.push({ kind: 'event', type: 'error', level: 'error', link: null,
        message: 'All links are down; keeping the default route where it is' });
    }
    return;
  }
  if (s.allDown && eligible.length > 0) {
    s.allDown = false;
    effects.push({ kind: 'event', type: 'recovery', level: 'info', link: null,
      message: `Connectivity is back on ${eligible.map((l) => l.label).join(', ')}` });
  }
  if (!s.auto || s.manualHold !== null) return;

  if (!activeOk) {
    const target = eligible[0];
    if (target && target.name !== s.active) {
      const reason = active === undefined
        ? `no active link, ${target.label} is healthy`
        : `${active.label} is down, ${target.label} is healthy`;
      const cause = active === undefined ? 'initial' : (active.carrier === false || !active.present) ? 'carrier' : 'failover';
      switchTo(s, target.name, reason, cause, nowMs, effects);
    }
    return;
  }

  // The active link is fine: go back to a more preferred link only once it is stable.
  const activeIdx = s.links.indexOf(active);
  const onItLongEnough = s.activeSinceMs === null || nowMs - s.activeSinceMs >= cfg.minSecondaryTimeMs;
  if (!onItLongEnough) return;
  for (const l of s.links.slice(0, activeIdx)) {
    if (isEligible(l) && l.consecutiveSuccesses >= cfg.recoveryThreshold) {
      switchTo(s, l.name, `${l.label} recovered and stable`, 'recovery', nowMs, effects);
      return;
    }
  }
}

function switchTo(s: PolicyState, to: string, reason: string, cause: SwitchReason, nowMs: number, effects: PolicyEffect[]): void {
  effects.push({ kind: 'switch', from: s.active, to, reason, cause });
  s.active = to;
  s.activeSinceMs = nowMs;
}

function ev(type: EngineEventType, level: LogLevelName, l: LinkPolicyState, message: string): PolicyEffect {
  return { kind: 'event', type, level, link: l.name, message };
}

export type ManualCheck = 'ok' | 'unknown_link' | 'link_down' | 'no_gateway' | 'already_active';

/** Validates an operator's switch before it becomes a `manual` event. */
export function checkManual(s: PolicyState, name: string, force: boolean): ManualCheck {
  const l = s.links.find((x) => x.name === name);
  if (!l) return 'unknown_link';
  if (!l.gatewayKnown) return 'no_gateway';
  if (s.active === name) return 'already_active';
  if (!force && !canStay(l)) return 'link_down';
  return 'ok';
}
