// PURE: the soak run's safety invariant, judged over timelines of injected faults and observed
// default routes: once a link has been fault-free for longer than the bound and the active link
// has had a hard fault for longer than the bound, the kernel's default route must be on a healthy link.
import { faultLabel, isHardFault, type InjectedFault } from './soak-schedule.js';

export interface InvariantBounds {
  /** A hard fault on the active link must have been noticed and acted on after this long. */
  faultBoundMs: number;
  /** A link fault-free for this long must be usable to the daemon. */
  healthyBoundMs: number;
}

export interface BoundInputs {
  failureThreshold: number;
  recoveryThreshold: number;
  checkIntervalMs: number;
  pingTimeoutMs: number;
}

/** Slack for scheduling, netlink and process latency on a busy CI machine. */
export const DEFAULT_MARGIN_MS = 1500;

/** threshold x check_interval + ping_timeout + margin, for detection and for recovery. */
export function boundsFor(c: BoundInputs, marginMs = DEFAULT_MARGIN_MS): InvariantBounds {
  return {
    faultBoundMs: c.failureThreshold * c.checkIntervalMs + c.pingTimeoutMs + marginMs,
    healthyBoundMs: c.recoveryThreshold * c.checkIntervalMs + c.pingTimeoutMs + marginMs,
  };
}

/** A fault applied to (or, with fault null, healed on) a link, timed when the change was in place. */
export interface FaultMark {
  atMs: number;
  link: string;
  fault: InjectedFault | null;
}

/** The kernel's main-table default route as seen at atMs (iface null: no default route). */
export interface RouteSample {
  atMs: number;
  iface: string | null;
}

export interface LinkCondition {
  link: string;
  fault: InjectedFault | null;
  sinceMs: number;
}

export interface Violation {
  atMs: number;
  route: string | null;
  /** Links fault-free for longer than healthyBoundMs at that moment. */
  healthy: string[];
  /** Every link's state, e.g. "wan1=upstream for 6.2s", "wan2=ok for 12.0s". */
  state: string[];
}

function describe(c: LinkCondition, nowMs: number): string {
  const what = c.fault === null ? 'ok' : c.fault.lossPct === null ? faultLabel(c.fault) : `${faultLabel(c.fault)}(${c.fault.lossPct}%)`;
  return `${c.link}=${what} for ${((nowMs - c.sinceMs) / 1000).toFixed(1)}s`;
}

/** Judges one observation against the links' conditions at that moment. */
export function judge(links: readonly LinkCondition[], sample: RouteSample, b: InvariantBounds): Violation | null {
  const now = sample.atMs;
  const healthy = links.filter((c) => c.fault === null && now - c.sinceMs > b.healthyBoundMs).map((c) => c.link);
  if (healthy.length === 0) return null;
  const active = links.find((c) => c.link === sample.iface);
  if (active !== undefined) {
    // The daemon may ride out partial loss, and needs its thresholds to notice a fresh hard fault.
    if (active.fault === null || !isHardFault(active.fault)) return null;
    if (now - active.sinceMs <= b.faultBoundMs) return null;
  }
  // Here: no default route, or one on a hard-failed link long past the bound, while a healthy link waits.
  return { atMs: now, route: sample.iface, healthy, state: links.map((c) => describe(c, now)) };
}

/** Incremental form for the live run: feed marks and samples in time order. */
export class InvariantTracker {
  private readonly links = new Map<string, LinkCondition>();
  private readonly found: Violation[] = [];
  private count = 0;

  constructor(linkNames: readonly string[], startMs: number, private readonly bounds: InvariantBounds, private readonly keep = 50) {
    for (const link of linkNames) this.links.set(link, { link, fault: null, sinceMs: startMs });
  }

  mark(m: FaultMark): void {
    this.links.set(m.link, { link: m.link, fault: m.fault, sinceMs: m.atMs });
  }

  check(sample: RouteSample): Violation | null {
    const v = judge([...this.links.values()], sample, this.bounds);
    if (v !== null) {
      this.count++;
      if (this.found.length < this.keep) this.found.push(v);
    }
    return v;
  }

  conditions(): LinkCondition[] {
    return [...this.links.values()];
  }

  /** Violating samples seen so far. */
  get violationCount(): number {
    return this.count;
  }

  /** The first `keep` violations, for the report. */
  get violations(): readonly Violation[] {
    return this.found;
  }
}

/** Whole-timeline form: marks and samples merged by time (a mark at the same instant as a sample comes first). */
export function findViolations(
  linkNames: readonly string[], startMs: number, marks: readonly FaultMark[], samples: readonly RouteSample[], b: InvariantBounds,
): Violation[] {
  const tracker = new InvariantTracker(linkNames, startMs, b, Number.MAX_SAFE_INTEGER);
  const ms = [...marks].sort((x, y) => x.atMs - y.atMs);
  const ss = [...samples].sort((x, y) => x.atMs - y.atMs);
  let i = 0;
  for (const s of ss) {
    while (i < ms.length && ms[i]!.atMs <= s.atMs) tracker.mark(ms[i++]!);
    tracker.check(s);
  }
  return [...tracker.violations];
}
