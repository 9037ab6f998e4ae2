// PURE: the history's events from the bus's: each with a line for people and its figures as
// data, so "why did it switch, and was it right?" is answered where the switch is listed.
import type { AddressFamily, DaemonEvent } from '../bus/events.js';
import { streakText, type StreakFigures } from './round-streak.js';
import type { HistoryEvent } from './store.js';

/** The streak figures of a link in a family (round-streak.ts), or null before its first round. */
export type FiguresOf = (link: string, family: AddressFamily) => StreakFigures | null;

/** The history event for a bus event, or null for kinds the history does not list. */
export function historyEvent(e: DaemonEvent, figuresOf: FiguresOf): HistoryEvent | null {
  switch (e.kind) {
    case 'link-state': {
      // The rounds are quoted when they are the cause: failing rounds for down, passing ones for
      // up. A carrier loss takes a link down between passing rounds; those would only mislead.
      const rounds = figuresOf(e.link, e.family);
      const f = rounds !== null && rounds.healthy === (e.to === 'up') ? rounds : null;
      const tail = f !== null ? `; ${streakText(f)}` : '';
      return { timeMs: e.timeMs, kind: 'state', link: e.link, family: e.family,
        message: `${e.link} ${e.family} ${e.to}: ${e.reason}${tail}`,
        figures: { from: e.from, to: e.to, reason: e.reason, ...(f !== null ? { probes: f } : {}) } };
    }
    case 'switched': {
      // Failover: the failing rounds of the link left. Recovery: the passing rounds of the link
      // returned to. Manual and initial switches have no figures behind them.
      const from = e.from?.link ?? null;
      const recovery = e.reason === 'recovery';
      const subject = recovery ? e.to.link : from;
      const rounds = subject !== null && e.reason !== 'manual' && e.reason !== 'initial' ? figuresOf(subject, e.family) : null;
      const f = rounds !== null && rounds.healthy === recovery ? rounds : null;
      const why = f !== null ? `; ${subject}: ${streakText(f)}` : '';
      return { timeMs: e.timeMs, kind: 'switch', link: e.to.link, family: e.family,
        message: `${e.family} ${from ?? 'none'} -> ${e.to.link} (${e.reason}): ${e.detail ?? e.message}${why}`,
        figures: { from, to: e.to.link, reason: e.reason, detail: e.detail ?? null, gateway: e.to.gateway ?? null, apply_ms: e.applyMs,
          ...(f !== null ? { [recovery ? 'to_probes' : 'from_probes']: f } : {}) } };
    }
    case 'switch-failed':
      return { timeMs: e.timeMs, kind: 'switch-failed', link: e.to, family: e.family,
        message: `${e.family} switch to ${e.to} failed: ${e.error}`, figures: { to: e.to, error: e.error } };
    case 'carrier':
      return { timeMs: e.timeMs, kind: 'carrier', link: e.link, family: null,
        message: `${e.link} (${e.interface}) carrier ${e.up ? 'up' : 'lost'}`, figures: { up: e.up, interface: e.interface } };
    case 'all-down':
      return { timeMs: e.timeMs, kind: 'all-down', link: null, family: null,
        message: e.down ? 'all links down' : 'a link is usable again', figures: { down: e.down } };
    case 'auto':
      return { timeMs: e.timeMs, kind: 'auto', link: null, family: null,
        message: `automatic failover ${e.enabled ? 'enabled' : 'disabled'}`, figures: { enabled: e.enabled } };
    default:
      return null;
  }
}
