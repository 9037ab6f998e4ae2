// Link quality over a time window, per target and per link: loss %, mean RTT and jitter, from
// the resolved probes of the continuous prober. Deterministic: time comes in as `nowMs`, nothing
// here reads a clock or does I/O. The verdict (up/degraded/down) is quality-judge.ts.
//
// As dpinger judges loss and latency over a time window rather than per reply, one lost echo
// moves a figure a little instead of flipping a state. Jitter is the mean absolute difference
// of consecutive RTTs of one target (RFC 3550 6.4.1's D(i-1,i), averaged over the window rather
// than smoothed with 1/16 gain, so a window judges only what it holds).

/** One resolved probe: answered in time, or lost (timeout, ICMP error, failed send). */
export interface QualitySample {
  target: string;
  /** Monotonic ms when the probe was sent: windows are cut on send times. */
  sentMs: number;
  ok: boolean;
  rttMs: number | null;
}

export interface QualityFigures {
  /** Resolved probes in the window. */
  samples: number;
  /** Lost share of them in percent; null without samples. */
  lossPct: number | null;
  /** Mean RTT of the answered ones; null without replies. */
  rttMs: number | null;
  /** Mean |RTT(i) - RTT(i-1)| of consecutive replies of a target; null with fewer than two. */
  jitterMs: number | null;
}

export interface TargetQuality extends QualityFigures {
  target: string;
  /** No reply for deadAfterMs while another target of the link answered: ignored for health. */
  dead: boolean;
}

/**
 * How long a target may stay silent while the link's other targets answer before it counts as
 * dead (a moved DNS server) and is ignored for health: at least a minute, and never less than two
 * windows, so a bad spell of a live target is judged as loss first.
 */
export const MIN_DEAD_AFTER_MS = 60_000;
export function deadAfterMs(windowMs: number): number {
  return Math.max(MIN_DEAD_AFTER_MS, 2 * windowMs);
}

interface TargetTrack {
  /** Oldest first, send order. */
  samples: QualitySample[];
  /** Send time of the first probe ever resolved for this target (dead-target clock starts here). */
  firstMs: number;
  lastReplyMs: number | null;
}

export class QualityWindow {
  private readonly tracks = new Map<string, TargetTrack>();

  constructor(private windowMs: number) {}

  get window(): number {
    return this.windowMs;
  }

  /** A new window length (config reload); the history is kept and cut on the next prune. */
  setWindow(windowMs: number): void {
    this.windowMs = windowMs;
  }

  /** Keeps only these targets; kept targets keep their history. */
  setTargets(targets: readonly string[]): void {
    for (const t of [...this.tracks.keys()]) if (!targets.includes(t)) this.tracks.delete(t);
  }

  add(s: QualitySample): void {
    let t = this.tracks.get(s.target);
    if (t === undefined) {
      t = { samples: [], firstMs: s.sentMs, lastReplyMs: null };
      this.tracks.set(s.target, t);
    }
    // Probes resolve nearly in send order (a timeout after a later reply): keep the list sorted.
    let i = t.samples.length;
    while (i > 0 && t.samples[i - 1]!.sentMs > s.sentMs) i -= 1;
    t.samples.splice(i, 0, s);
    if (s.ok && (t.lastReplyMs === null || s.sentMs > t.lastReplyMs)) t.lastReplyMs = s.sentMs;
  }

  /** Drops samples sent before nowMs - window. */
  prune(nowMs: number): void {
    const from = nowMs - this.windowMs;
    for (const t of this.tracks.values()) {
      let n = 0;
      while (n < t.samples.length && t.samples[n]!.sentMs < from) n += 1;
      if (n > 0) t.samples.splice(0, n);
    }
  }

  /** Targets silent for deadAfterMs while another target answered within that time. */
  deadTargets(nowMs: number): string[] {
    const after = deadAfterMs(this.windowMs);
    const silentSince = (t: TargetTrack): number => t.lastReplyMs ?? t.firstMs;
    const live = [...this.tracks.values()].some((t) => t.lastReplyMs !== null && nowMs - t.lastReplyMs < after);
    if (!live) return [];
    return [...this.tracks.entries()].filter(([, t]) => nowMs - silentSince(t) >= after).map(([name]) => name);
  }

  /** Per-target figures over the window, in the order asked. */
  targets(nowMs: number, order: readonly string[]): TargetQuality[] {
    this.prune(nowMs);
    const dead = new Set(this.deadTargets(nowMs));
    return order.map((name) => ({ target: name, dead: dead.has(name), ...figuresOf([this.tracks.get(name)?.samples ?? []]) }));
  }

  /** The link's figures: every live target's probes weigh the same; dead targets are left out. */
  link(nowMs: number, order: readonly string[]): QualityFigures {
    this.prune(nowMs);
    const dead = new Set(this.deadTargets(nowMs));
    return figuresOf(order.filter((t) => !dead.has(t)).map((t) => this.tracks.get(t)?.samples ?? []));
  }
}

/** Loss, mean RTT and jitter over several targets' sample lists (each in send order). */
export function figuresOf(lists: ReadonlyArray<readonly QualitySample[]>): QualityFigures {
  let samples = 0;
  let lost = 0;
  let rttSum = 0;
  let replies = 0;
  let diffSum = 0;
  let diffs = 0;
  for (const list of lists) {
    let prev: number | null = null;
    for (const s of list) {
      samples += 1;
      if (!s.ok || s.rttMs === null) {
        lost += 1;
        continue;
      }
      rttSum += s.rttMs;
      replies += 1;
      if (prev !== null) {
        diffSum += Math.abs(s.rttMs - prev);
        diffs += 1;
      }
      prev = s.rttMs;
    }
  }
  return {
    samples,
    lossPct: samples > 0 ? (100 * lost) / samples : null,
    rttMs: replies > 0 ? rttSum / replies : null,
    jitterMs: diffs > 0 ? diffSum / diffs : null,
  };
}
