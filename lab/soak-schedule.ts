// PURE: the soak run's fault schedule. Each link alternates healthy and faulty stretches of random
// length; a seeded Rng makes the whole timeline replayable. "All links hard down" is bounded in
// time unless the caller opts out, so the run mostly exercises failover rather than an outage.
import type { FaultKind } from './nft-rules.js';
import type { Rng } from './soak-prng.js';

export interface InjectedFault {
  kind: FaultKind;
  /** 1..99 for partial packet loss; null drops everything (carrier faults are always null). */
  lossPct: number | null;
}

export type SoakAction =
  | { atMs: number; link: number; op: 'fail'; fault: InjectedFault }
  | { atMs: number; link: number; op: 'heal' };

/** The kinds the report counts: partial loss is told apart because the daemon may ride it out. */
export type FaultLabel = 'upstream' | 'upstream-partial' | 'gateway' | 'gateway-partial' | 'carrier';

export const FAULT_LABELS: readonly FaultLabel[] = ['upstream', 'upstream-partial', 'gateway', 'gateway-partial', 'carrier'];

export interface ScheduleOptions {
  durationMs: number;
  /** Link count (lab links are 1-based). Default 2. */
  links?: number;
  /** Each healthy or faulty stretch lasts this long, uniformly (default 2000..15000 ms). */
  minStretchMs?: number;
  maxStretchMs?: number;
  /** Longest time every link may be hard down at once; null = no bound (chosen on purpose). Default 10000. */
  maxAllDownMs?: number | null;
  /** Relative weights of the fault kinds (default: full upstream loss most often). */
  weights?: Partial<Record<FaultLabel, number>>;
  /** Partial loss range in percent (default 30..70). */
  minLossPct?: number;
  maxLossPct?: number;
}

export const DEFAULT_WEIGHTS: Readonly<Record<FaultLabel, number>> = {
  upstream: 3,
  'upstream-partial': 2,
  gateway: 2,
  'gateway-partial': 1,
  carrier: 2,
};

export function faultLabel(f: InjectedFault): FaultLabel {
  if (f.kind === 'carrier') return 'carrier';
  return f.lossPct === null ? f.kind : `${f.kind}-partial`;
}

/** A hard fault leaves a link with no connectivity at all; a partial one only loses some packets. */
export function isHardFault(f: InjectedFault): boolean {
  return f.kind === 'carrier' || f.lossPct === null;
}

interface LinkPlan {
  link: number;
  nextAtMs: number;
  fault: InjectedFault | null;
}

function pickFault(rng: Rng, opts: Required<Omit<ScheduleOptions, 'maxAllDownMs' | 'weights'>>, weights: Record<FaultLabel, number>): InjectedFault {
  const label = rng.weighted(FAULT_LABELS.map((l) => [l, weights[l]] as const));
  const loss = (): number => rng.int(opts.minLossPct, opts.maxLossPct);
  switch (label) {
    case 'upstream':
      return { kind: 'upstream', lossPct: null };
    case 'upstream-partial':
      return { kind: 'upstream', lossPct: loss() };
    case 'gateway':
      return { kind: 'gateway', lossPct: null };
    case 'gateway-partial':
      return { kind: 'gateway', lossPct: loss() };
    case 'carrier':
      return { kind: 'carrier', lossPct: null };
  }
}

/**
 * The schedule, sorted by time (ties by link). Every link starts healthy and is healed at
 * durationMs if a fault is still on it, so the run ends with a clean lab.
 */
export function buildSchedule(rng: Rng, options: ScheduleOptions): SoakAction[] {
  const opts = {
    durationMs: options.durationMs,
    links: options.links ?? 2,
    minStretchMs: options.minStretchMs ?? 2000,
    maxStretchMs: options.maxStretchMs ?? 15_000,
    minLossPct: options.minLossPct ?? 30,
    maxLossPct: options.maxLossPct ?? 70,
  };
  const maxAllDownMs = options.maxAllDownMs === undefined ? 10_000 : options.maxAllDownMs;
  const weights: Record<FaultLabel, number> = { ...DEFAULT_WEIGHTS, ...options.weights };
  if (!(opts.durationMs > 0) || opts.links < 1 || opts.minStretchMs < 1 || opts.maxStretchMs < opts.minStretchMs) {
    throw new RangeError('buildSchedule: invalid duration, link count or stretch range');
  }
  const stretch = (): number => rng.int(opts.minStretchMs, opts.maxStretchMs);
  const plans: LinkPlan[] = [];
  for (let link = 1; link <= opts.links; link++) plans.push({ link, nextAtMs: stretch(), fault: null });

  const actions: SoakAction[] = [];
  // Every healthy stretch is at least minStretchMs long (a fault may be clamped shorter), so each
  // fail+heal pair advances a link by that much: this bounds the loop whatever the Rng says.
  const maxSteps = 2 * (Math.ceil(opts.durationMs / opts.minStretchMs) + 1) * opts.links;
  for (let step = 0; step < maxSteps; step++) {
    const p = plans.reduce((a, b) => (b.nextAtMs < a.nextAtMs ? b : a));
    const t = p.nextAtMs;
    if (t >= opts.durationMs) break;
    if (p.fault !== null) {
      actions.push({ atMs: t, link: p.link, op: 'heal' });
      p.fault = null;
      p.nextAtMs = t + stretch();
      continue;
    }
    const fault = pickFault(rng, opts, weights);
    let length = stretch();
    const others = plans.filter((o) => o !== p);
    if (maxAllDownMs !== null && isHardFault(fault) && others.length > 0 && others.every((o) => o.fault !== null && isHardFault(o.fault))) {
      // All the others are down too: the overlap is min(length, first other heal - t).
      const firstHeal = Math.min(...others.map((o) => o.nextAtMs));
      if (firstHeal - t > maxAllDownMs) length = Math.min(length, maxAllDownMs);
    }
    actions.push({ atMs: t, link: p.link, op: 'fail', fault });
    p.fault = fault;
    p.nextAtMs = t + length;
  }
  for (const p of plans) if (p.fault !== null) actions.push({ atMs: opts.durationMs, link: p.link, op: 'heal' });
  return actions.sort((a, b) => a.atMs - b.atMs || a.link - b.link);
}

/** Lengths (ms) of the stretches during which every link is hard down, per the schedule. */
export function allDownStretches(actions: readonly SoakAction[], links: number): number[] {
  const down = new Map<number, boolean>();
  const out: number[] = [];
  let since: number | null = null;
  for (const a of actions) {
    down.set(a.link, a.op === 'fail' && isHardFault(a.fault));
    const all = Array.from({ length: links }, (_, i) => down.get(i + 1) === true).every(Boolean);
    if (all && since === null) since = a.atMs;
    if (!all && since !== null) {
      out.push(a.atMs - since);
      since = null;
    }
  }
  return out;
}
