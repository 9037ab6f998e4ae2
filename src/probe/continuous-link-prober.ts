// A link's prober in continuous mode (probe_interval set), behind the engine's ProberPort: the
// ContinuousProber sends and judges rounds on its own schedule, the QualityWindow keeps the
// resolved echoes, and each round handed to the probe loop carries the link's quality verdict.
// runCycle() hands over the rounds in order as they finish (the loop pulls them; `paced`).
import type { Clock } from '../clock.js';
import type { QualityConfig } from '../config/types.js';
import { ContinuousProber, type ProbeRecord, type RoundResult } from './continuous-prober.js';
import type { IcmpProfile } from './icmp-profile.js';
import { methodOfKey, type MethodProber } from './method-prober.js';
import { judgeQuality, minSamples, type QualityVerdict } from './quality-judge.js';
import { QualityWindow, deadAfterMs } from './quality-window.js';
import type { CycleResult, ProbeSocket, ProbeStats, TargetStats } from './types.js';

export interface ContinuousLinkProberOptions {
  socket: ProbeSocket;
  clock: Clock;
  identifier: number;
  targets: string[];
  intervalMs: number;
  timeoutMs: number;
  minTargetsUp: number;
  /** null = no quality rule: rounds only (the consecutive-miss rule). */
  quality: QualityConfig | null;
  /** ICMP (default) or ICMPv6. */
  profile?: IcmpProfile;
  /** Probes the targets of other methods (TCP, DNS, HTTP(S)). */
  methods?: MethodProber;
  /** Dead-target transitions, for one log line each. */
  onTargetDead?: (target: string, dead: boolean, silentForMs: number) => void;
}

/** Figures kept when quality is off: enough for status (loss, RTT, jitter), judged by nobody. */
const STATS_WINDOW_MS = 10_000;
/** Rounds not yet pulled by the loop; the loop pulls each at once, this only bounds a stalled one. */
const MAX_QUEUED_ROUNDS = 100;

export class ContinuousLinkProber {
  /** The probe loop pulls rounds as they come instead of pacing them itself. */
  readonly paced = true;
  private readonly prober: ContinuousProber;
  private readonly window: QualityWindow;
  private quality: QualityConfig | null;
  private targets: string[];
  private intervalMs: number;
  private verdict: QualityVerdict = { state: 'unknown', check: null, reason: null };
  private readonly targetVerdicts = new Map<string, QualityVerdict>();
  /** Each target's last probe failure reason, null once it answers (status `last_error`). */
  private readonly lastErrors = new Map<string, string | null>();
  private dead = new Set<string>();
  private gatewayStats: TargetStats | null = null;
  private readonly queue: CycleResult[] = [];
  private readonly waiters: Array<(r: CycleResult) => void> = [];
  private started = false;
  private closed = false;

  constructor(private readonly opts: ContinuousLinkProberOptions) {
    this.quality = opts.quality;
    this.targets = [...new Set(opts.targets)];
    this.intervalMs = opts.intervalMs;
    this.window = new QualityWindow(opts.quality?.windowMs ?? STATS_WINDOW_MS);
    this.prober = new ContinuousProber({
      socket: opts.socket, clock: opts.clock, identifier: opts.identifier, targets: this.targets,
      intervalMs: opts.intervalMs, timeoutMs: opts.timeoutMs, minTargetsUp: opts.minTargetsUp,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.methods ? { methods: opts.methods } : {}),
      ignored: () => this.dead,
      onSample: (s) => this.onSample(s),
      onRound: (r) => this.onRound(r),
    });
  }

  /** The next round in order, with the link's quality verdict; starts probing on the first call. */
  runCycle(gateway: string | null): Promise<CycleResult> {
    this.prober.setGateway(gateway);
    if (this.closed) return Promise.resolve(cancelled(this.targets));
    if (!this.started) {
      this.started = true;
      this.prober.start();
    }
    const next = this.queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stats(): ProbeStats {
    const now = this.opts.clock.nowMs();
    const link = this.window.link(now, this.targets);
    const targets = this.window.targets(now, this.targets);
    return {
      rttMs: link.rttMs,
      lossPct: link.lossPct,
      jitterMs: link.jitterMs,
      quality: this.quality === null ? null : { state: this.verdict.state, reason: this.verdict.reason, windowMs: this.quality.windowMs, samples: link.samples },
      gateway: this.gatewayStats,
      targets: targets.map((t) => {
        const v = this.targetVerdicts.get(t.target);
        return {
          target: t.target,
          up: t.samples === 0 ? null : !t.dead && t.lossPct !== 100,
          rttMs: t.rttMs,
          lossPct: t.lossPct,
          jitterMs: t.jitterMs,
          state: t.dead ? 'dead' : v?.state ?? 'unknown',
          reason: t.dead ? `no reply for ${Math.round(deadAfterMs(this.window.window) / 1000)} s while other targets answer; ignored for health` : v?.reason ?? null,
          method: methodOfKey(t.target),
          lastError: this.lastErrors.get(t.target) ?? null,
        };
      }),
    };
  }

  setTargets(targets: string[]): void {
    this.targets = [...new Set(targets)];
    this.prober.setTargets(this.targets);
    this.window.setTargets(this.targets);
    for (const t of [...this.lastErrors.keys()]) if (!this.targets.includes(t)) this.lastErrors.delete(t);
  }

  setOptions(opts: { timeoutMs?: number; minTargetsUp?: number; intervalMs?: number; quality?: QualityConfig | null }): void {
    this.prober.setOptions({
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.minTargetsUp !== undefined ? { minTargetsUp: opts.minTargetsUp } : {}),
      ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
    });
    if (opts.intervalMs !== undefined) this.intervalMs = opts.intervalMs;
    if (opts.quality !== undefined) {
      this.quality = opts.quality;
      this.window.setWindow(opts.quality?.windowMs ?? STATS_WINDOW_MS);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.prober.close();
    for (const w of this.waiters.splice(0)) w(cancelled(this.targets));
  }

  private onSample(s: ProbeRecord): void {
    if (s.gateway) {
      this.gatewayStats = { target: s.target, up: s.ok, rttMs: s.rttMs, lossPct: null };
      return;
    }
    this.window.add({ target: s.target, sentMs: s.sentMs, ok: s.ok, rttMs: s.rttMs });
    // A probe cut short by close() says nothing about the target.
    if (s.error !== 'ECANCELED' && this.targets.includes(s.target)) this.lastErrors.set(s.target, s.error);
  }

  private onRound(r: RoundResult): void {
    const now = this.opts.clock.nowMs();
    this.window.prune(now);
    this.noteDeadTargets(now);
    const out: CycleResult = { gateway: r.gateway, targets: r.targets, targetsUp: r.targetsUp, healthy: r.healthy, gatewayReachable: r.gatewayReachable };
    if (this.quality !== null) {
      const live = this.targets.filter((t) => !this.dead.has(t));
      const min = minSamples(this.quality.windowMs, this.intervalMs, live.length);
      this.verdict = judgeQuality(this.verdict.state, this.window.link(now, this.targets), this.quality, min);
      for (const t of this.window.targets(now, this.targets)) {
        const prev = this.targetVerdicts.get(t.target)?.state ?? 'unknown';
        this.targetVerdicts.set(t.target, judgeQuality(prev, t, this.quality, minSamples(this.quality.windowMs, this.intervalMs, 1)));
      }
      out.quality = { state: this.verdict.state, reason: this.verdict.reason };
    }
    const w = this.waiters.shift();
    if (w !== undefined) {
      w(out);
      return;
    }
    this.queue.push(out);
    if (this.queue.length > MAX_QUEUED_ROUNDS) this.queue.shift();
  }

  private noteDeadTargets(now: number): void {
    const dead = new Set(this.window.deadTargets(now));
    for (const t of dead) if (!this.dead.has(t)) this.opts.onTargetDead?.(t, true, deadAfterMs(this.window.window));
    for (const t of this.dead) if (!dead.has(t)) this.opts.onTargetDead?.(t, false, 0);
    this.dead = dead;
  }
}

function cancelled(targets: string[]): CycleResult {
  return { gateway: null, targets: targets.map((t) => ({ target: t, ok: false, rttMs: null, error: 'ECANCELED' })), targetsUp: 0, healthy: false, gatewayReachable: false };
}
