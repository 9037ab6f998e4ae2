// The failover policy as a pure state machine: step(state, event, nowMs, cfg, facts) -> { state, effects }.
// It holds no timers and does no I/O. It keeps only decision state; what it knows of the links
// (presence, carrier, gateway, address) it reads from the facts view it is handed. The daemon runs
// one instance per address family and carries out the effects through the reconciler.
import { assertNever } from './assert-never.js';
import { balances, decideBalanced, holdRejoin, leadLink } from './balance.js';
import type {
  FactsView, LinkDecision, LogLevelName, PolicyConfig, PolicyEffect, PolicyEvent, PolicyRecordType, PolicyState,
  StepResult, SwitchReason,
} from './types.js';

/** Default hold for a link whose route the kernel keeps refusing, before it is tried again. */
export const ROUTE_FAIL_HOLD_MS = 30_000;

export function initialState(links: Array<{ name: string; label: string }>): PolicyState {
  return {
    links: links.map((l) => ({
      name: l.name,
      label: l.label,
      health: 'unknown',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      gatewayReachable: false,
      routeFailingUntilMs: null,
    })),
    active: null,
    carrying: [],
    activeSinceMs: null,
    auto: true,
    manualHold: null,
    allDown: false,
  };
}

/** The link is physically usable: interface present, carrier not lost. */
function usable(facts: FactsView, l: LinkDecision): boolean {
  const f = facts(l.name);
  return f.present && f.carrier !== false;
}

/** A link the daemon may move the default route to. */
export function isEligible(l: LinkDecision, facts: FactsView, nowMs: number): boolean {
  const f = facts(l.name);
  return usable(facts, l) && f.gatewayKnown && f.hasAddress && (l.health === 'up' || l.health === 'degraded')
    && (l.routeFailingUntilMs === null || nowMs >= l.routeFailingUntilMs) && f.awaitingProbe !== true;
}

/** A metered link over its cap: chosen only when no other link is eligible. */
function lastResort(facts: FactsView, l: LinkDecision): boolean {
  return facts(l.name).lastResort === true;
}

/** The eligible links the policy may choose from: last-resort links only when nothing else is left. */
function preferable(eligible: LinkDecision[], facts: FactsView): LinkDecision[] {
  const first = eligible.filter((l) => !lastResort(facts, l));
  return first.length > 0 ? first : eligible;
}

/** The active link may stay active: not declared down, physically usable, its route not refused. */
function canStay(l: LinkDecision, facts: FactsView, nowMs: number): boolean {
  return usable(facts, l) && l.health !== 'down' && (l.routeFailingUntilMs === null || nowMs >= l.routeFailingUntilMs);
}

export function step(state: PolicyState, event: PolicyEvent, nowMs: number, cfg: PolicyConfig, facts: FactsView): StepResult {
  const effects: PolicyEffect[] = [];
  const s: PolicyState = { ...state, links: state.links.map((l) => ({ ...l })) };
  const link = (name: string): LinkDecision | undefined => s.links.find((l) => l.name === name);

  switch (event.kind) {
    case 'adopt': {
      const adopted = (event.carrying ?? (event.link === null ? [] : [event.link])).filter((n) => link(n));
      if (adopted.length > 0) {
        s.carrying = s.links.filter((l) => adopted.includes(l.name)).map((l) => l.name);
        s.active = balances(cfg) ? leadLink(cfg, s.carrying) : adopted[0]!;
        s.activeSinceMs = nowMs;
      }
      break;
    }
    case 'probe': {
      const l = link(event.link);
      if (!l) break;
      l.gatewayReachable = event.gatewayReachable;
      l.quality = event.quality ?? 'unknown';
      l.qualityReason = event.qualityReason ?? null;
      onProbe(s, l, event.healthy, cfg, facts, effects, nowMs);
      break;
    }
    case 'carrier':
    case 'present': {
      const l = link(event.link);
      if (!l) break;
      l.routeFailingUntilMs = null;
      const up = event.kind === 'carrier' ? event.up : event.present;
      const what = event.kind === 'carrier' ? 'carrier' : 'interface';
      if (!up) {
        effects.push(ev('carrier', 'warn', l, `${l.label}: ${what} lost`));
        markDown(s, l, `${what} lost`, effects);
        holdRejoin(s, l.name, nowMs);
      } else {
        effects.push(ev('carrier', 'info', l, `${l.label}: ${what} back`));
      }
      break;
    }
    case 'facts': {
      // An address or gateway came or went: a link passed over for a refused route gets another chance.
      const l = link(event.link);
      if (l) l.routeFailingUntilMs = null;
      break;
    }
    case 'manual': {
      if (!link(event.link)) break;
      s.manualHold = event.link;
      if (s.active !== event.link) switchTo(s, event.link, 'manual switch', 'manual', nowMs, effects);
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
    case 'route-failing': {
      const l = link(event.link);
      if (!l || l.routeFailingUntilMs !== null) break;
      l.routeFailingUntilMs = nowMs + ROUTE_FAIL_HOLD_MS;
      effects.push(ev('error', 'error', l, `The kernel refuses the default route via ${l.label}: ${event.error}; trying another link`));
      if (s.manualHold === l.name) s.manualHold = null;
      break;
    }
    case 'route-ok': {
      const l = link(event.link);
      if (l) l.routeFailingUntilMs = null;
      break;
    }
    case 'tick':
      break;
    default:
      assertNever(event);
  }

  // When each link's health took its value: the degraded hold is measured from it.
  s.links.forEach((l, i) => {
    if (l.health !== state.links[i]?.health) l.healthSinceMs = nowMs;
  });
  if (balances(cfg)) {
    decideBalanced(s, nowMs, cfg, facts, { isEligible, canStay, usable }, effects);
  } else {
    decide(s, nowMs, cfg, facts, effects);
    // Failover carries on one link: the set of one the planner and the outputs read.
    const carrying = s.active === null ? [] : [s.active];
    if ((s.carrying ?? []).join() !== carrying.join()) s.carrying = carrying;
  }
  return { state: s, effects };
}

/**
 * Down as soon as either rule says so: failure_threshold failed rounds in a row, or the quality
 * verdict. Up (or degraded, when the quality says so) only when both agree: a passing round and a
 * quality verdict that is not down. Without a quality verdict this is the original's rule.
 */
function onProbe(s: PolicyState, l: LinkDecision, healthy: boolean, cfg: PolicyConfig, facts: FactsView, effects: PolicyEffect[], nowMs: number): void {
  if (healthy) {
    l.consecutiveFailures = 0;
    l.consecutiveSuccesses += 1;
  } else {
    l.consecutiveSuccesses = 0;
    l.consecutiveFailures += 1;
  }
  if (!healthy && l.consecutiveFailures >= cfg.failureThreshold) {
    if (l.health !== 'down') holdRejoin(s, l.name, nowMs);
    markDown(s, l, `${l.consecutiveFailures} consecutive failed checks`, effects);
    return;
  }
  if (l.quality === 'down') {
    markDown(s, l, `quality: ${l.qualityReason ?? 'thresholds'}`, effects);
    return;
  }
  // A link needs carrier (when reported) to be believed; a probe cannot pass without it anyway.
  if (!healthy || !usable(facts, l)) return;
  const next = l.quality === 'degraded' ? 'degraded' : 'up';
  if (l.health === next) return;
  const wasDown = l.health === 'down';
  l.health = next;
  if (wasDown) effects.push(ev('recovery', 'info', l, `${l.label} is back online${next === 'degraded' ? ` (degraded: ${l.qualityReason ?? ''})` : ''}`));
}

function markDown(s: PolicyState, l: LinkDecision, why: string, effects: PolicyEffect[]): void {
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
function decide(s: PolicyState, nowMs: number, cfg: PolicyConfig, facts: FactsView, effects: PolicyEffect[]): void {
  const eligible = preferable(s.links.filter((l) => isEligible(l, facts, nowMs)), facts);
  const active = s.active === null ? undefined : s.links.find((l) => l.name === s.active);
  const activeOk = active !== undefined && canStay(active, facts, nowMs);

  if (!activeOk && eligible.length === 0) {
    if (!s.allDown && s.links.every((l) => l.health === 'down' || !usable(facts, l))) {
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

  // A last-resort active link (metered, cap reached) yields at once to any other eligible link.
  if (activeOk && lastResort(facts, active)) {
    const other = eligible.find((l) => l !== active && !lastResort(facts, l) && l.health === 'up') ?? eligible.find((l) => l !== active && !lastResort(facts, l));
    if (other) switchTo(s, other.name, `${active.label} reached its data cap (last resort), ${other.label} is up`, 'recovery', nowMs, effects);
    return;
  }

  if (!activeOk) {
    // A healthy link before a degraded one, each in preference order.
    const target = eligible.find((l) => l.health === 'up') ?? eligible[0];
    if (target && target.name !== s.active) {
      const reason = active === undefined
        ? `no active link, ${target.label} is healthy`
        : `${active.label} is down, ${target.label} is healthy`;
      const cause: SwitchReason = active === undefined ? 'initial' : !usable(facts, active) ? 'carrier' : 'failover';
      switchTo(s, target.name, reason, cause, nowMs, effects);
    }
    return;
  }

  // A degraded active link yields to a healthy one, once both have held their state for
  // min_secondary_time (and the healthy one passed recovery_threshold rounds): a short bad spell,
  // or random loss that degrades both links in turn, moves nothing.
  if (active.health === 'degraded') {
    const held = (l: LinkDecision): boolean => l.healthSinceMs !== undefined && l.healthSinceMs !== null && nowMs - l.healthSinceMs >= cfg.minSecondaryTimeMs;
    const better = eligible.find((l) => l !== active && l.health === 'up' && held(l) && l.consecutiveSuccesses >= cfg.recoveryThreshold);
    if (better && held(active)) {
      switchTo(s, better.name, `${active.label} is degraded (${active.qualityReason ?? 'quality'}), ${better.label} is healthy`, 'failover', nowMs, effects);
    }
    return;
  }

  // The active link is fine: go back to a more preferred link only once it is stable.
  const activeIdx = s.links.indexOf(active);
  const onItLongEnough = s.activeSinceMs === null || nowMs - s.activeSinceMs >= cfg.minSecondaryTimeMs;
  if (!onItLongEnough) return;
  for (const l of s.links.slice(0, activeIdx)) {
    if (isEligible(l, facts, nowMs) && !lastResort(facts, l) && l.health === 'up' && l.consecutiveSuccesses >= cfg.recoveryThreshold) {
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

function ev(type: PolicyRecordType, level: LogLevelName, l: LinkDecision, message: string): PolicyEffect {
  return { kind: 'event', type, level, link: l.name, message };
}

export type ManualCheck = 'ok' | 'unknown_link' | 'link_down' | 'no_gateway' | 'already_active';

/** Validates an operator's switch before it becomes a `manual` event. */
export function checkManual(s: PolicyState, name: string, force: boolean, facts: FactsView, nowMs: number): ManualCheck {
  const l = s.links.find((x) => x.name === name);
  if (!l) return 'unknown_link';
  if (!facts(name).gatewayKnown) return 'no_gateway';
  if (s.active === name) return 'already_active';
  if (!force && !canStay(l, facts, nowMs)) return 'link_down';
  return 'ok';
}
