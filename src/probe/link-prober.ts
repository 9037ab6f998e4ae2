// Probes one link per cycle: the gateway (diagnostic) and every target at once, `count` echoes
// each, then records the cycle in the rolling windows. It schedules and records; the verdicts
// live in cycle.ts and window.ts, the wire format in icmp.ts.
import type { Clock, TimerHandle } from '../clock.js';
import { combineEchoes, cycleVerdict, echoSpacingMs } from './cycle.js';
import type { IcmpProfile } from './icmp-profile.js';
import { methodOfKey, type MethodProber } from './method-prober.js';
import { CLOSED_ERROR, Pinger } from './pinger.js';
import type { CycleResult, EchoResult, ProbeSocket, ProbeStats } from './types.js';
import { emptyWindow, figures, pushSample, resizeWindow, sampleOf, targetStats, type TargetWindow } from './window.js';

/** The knobs a config reload may change. */
export interface LinkProberSettings {
  timeoutMs: number;
  /** Echoes per target per cycle; a target is up if any of them is answered. */
  count: number;
  minTargetsUp: number;
  /** Cycles kept for the loss/RTT figures. */
  window: number;
}

export interface LinkProberOptions extends LinkProberSettings {
  socket: ProbeSocket;
  clock: Clock;
  /** ICMP echo identifier shared by the daemon's probers (uint16). */
  identifier: number;
  targets: string[];
  /** ICMP (default) or ICMPv6: the address family this prober's socket, targets and gateway are in. */
  profile?: IcmpProfile;
  /** Probes the targets of other methods (TCP, DNS, HTTP(S)); without it every target is pinged. */
  methods?: MethodProber;
}

interface BurstOutcome {
  result: EchoResult;
  /** One RTT per reply, for the window. */
  rttsMs: number[];
  sent: number;
}

export class LinkProber {
  private readonly clock: Clock;
  private readonly pinger: Pinger;
  private readonly methods: MethodProber | null;
  /** Each target's last probe failure reason, null once it answers (status `last_error`). */
  private readonly lastErrors = new Map<string, string | null>();
  private settings: LinkProberSettings;
  private targets: string[];
  private windows = new Map<string, TargetWindow>();
  private gatewayWindow: { address: string; window: TargetWindow } | null = null;
  private inFlight: Promise<CycleResult> | null = null;
  private singleInFlight: Promise<CycleResult> | null = null;
  private readonly delays = new Map<TimerHandle, () => void>();
  private closed = false;

  constructor(opts: LinkProberOptions) {
    this.clock = opts.clock;
    this.pinger = new Pinger({ socket: opts.socket, clock: opts.clock, identifier: opts.identifier, profile: opts.profile });
    this.methods = opts.methods ?? null;
    this.settings = normalise(opts);
    this.targets = [];
    this.setTargets(opts.targets);
  }

  /**
   * Runs one cycle; resolves within about timeoutMs and never rejects. A call made while a cycle
   * is still running shares that cycle, so a slow link cannot pile up probes.
   */
  runCycle(gateway: string | null): Promise<CycleResult> {
    if (this.inFlight !== null) return this.inFlight;
    const cycle = this.cycle(gateway).finally(() => {
      this.inFlight = null;
    });
    this.inFlight = cycle;
    return cycle;
  }

  /**
   * One echo to one target, the index-th (rotating), without the gateway: a metered link's standby
   * probe (src/metered/). The verdict needs that one reply. Shares a running cycle; a cycle may
   * start while a single echo is still out (the link was woken: its fresh round must not wait).
   */
  runSingle(index: number): Promise<CycleResult> {
    if (this.inFlight !== null) return this.inFlight;
    if (this.singleInFlight !== null) return this.singleInFlight;
    const target = this.targets[index % Math.max(1, this.targets.length)];
    if (target === undefined) return Promise.resolve(cycleVerdict(null, [], 1));
    const settings = { ...this.settings, count: 1 };
    const cycle = this.burst(target, settings).then((r) => {
      this.record(this.gatewayWindow?.address ?? null, null, [target], [r]);
      return cycleVerdict(null, [r.result], Math.min(1, settings.minTargetsUp));
    }).finally(() => {
      this.singleInFlight = null;
    });
    this.singleInFlight = cycle;
    return cycle;
  }

  stats(): ProbeStats {
    const windows = this.targets.map((t) => this.windows.get(t)!);
    const agg = figures(windows);
    return {
      rttMs: agg.rttMs,
      lossPct: agg.lossPct,
      gateway: this.gatewayWindow === null ? null : targetStats(this.gatewayWindow.address, this.gatewayWindow.window),
      targets: this.targets.map((t, i) => ({ ...targetStats(t, windows[i]!), method: methodOfKey(t), lastError: this.lastErrors.get(t) ?? null })),
    };
  }

  /** Replaces the target list; targets kept across the change keep their history. */
  setTargets(targets: string[]): void {
    const next = [...new Set(targets)];
    const windows = new Map<string, TargetWindow>();
    for (const t of next) windows.set(t, this.windows.get(t) ?? emptyWindow(this.settings.window));
    this.targets = next;
    this.windows = windows;
    for (const t of [...this.lastErrors.keys()]) if (!windows.has(t)) this.lastErrors.delete(t);
  }

  setOptions(opts: Partial<LinkProberSettings>): void {
    this.settings = normalise({ ...this.settings, ...opts });
    const size = this.settings.window;
    for (const [t, w] of this.windows) this.windows.set(t, resizeWindow(w, size));
    if (this.gatewayWindow !== null) {
      this.gatewayWindow = { ...this.gatewayWindow, window: resizeWindow(this.gatewayWindow.window, size) };
    }
  }

  /** Idempotent: cancels pending echoes and spacing timers, then closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [handle, release] of [...this.delays]) {
      this.clock.clearTimer(handle);
      release();
    }
    this.pinger.close();
    this.methods?.close();
  }

  private async cycle(gateway: string | null): Promise<CycleResult> {
    const settings = this.settings;
    const targets = [...this.targets];
    // Every burst starts in this same tick: targets are probed side by side, never in turn.
    const gatewayBurst = gateway === null ? null : this.burst(gateway, settings);
    const targetBursts = targets.map((t) => this.burst(t, settings));
    const [gw, results] = await Promise.all([gatewayBurst, Promise.all(targetBursts)]);
    this.record(gateway, gw, targets, results);
    return cycleVerdict(
      gw === null ? null : gw.result,
      results.map((r) => r.result),
      settings.minTargetsUp,
    );
  }

  /** `count` echoes to one address, `spacing` apart, all finished by `timeoutMs` after the first. */
  private async burst(dst: string, s: LinkProberSettings): Promise<BurstOutcome> {
    const spacing = echoSpacingMs(s.timeoutMs, s.count);
    const echoes: Promise<EchoResult>[] = [];
    for (let i = 0; i < s.count; i++) {
      const offset = i * spacing;
      echoes.push(
        i === 0
          ? this.probeOnce(dst, s.timeoutMs)
          : this.delay(offset).then(() => this.probeOnce(dst, s.timeoutMs - offset)),
      );
    }
    const done = await Promise.all(echoes);
    const rttsMs = done.filter((e) => e.ok && e.rttMs !== null).map((e) => e.rttMs as number);
    const sent = done.filter((e) => e.error !== CLOSED_ERROR).length;
    return { result: combineEchoes(dst, done), rttsMs, sent };
  }

  /** An echo for an address, the target's own method for a URI. */
  private probeOnce(dst: string, timeoutMs: number): Promise<EchoResult> {
    return this.methods !== null && methodOfKey(dst) !== 'icmp' ? this.methods.probe(dst, timeoutMs) : this.pinger.ping(dst, timeoutMs);
  }

  private record(gateway: string | null, gw: BurstOutcome | null, targets: string[], results: BurstOutcome[]): void {
    if (this.closed) return;
    targets.forEach((t, i) => {
      const w = this.windows.get(t);
      // A target dropped by setTargets() during the cycle is not brought back.
      if (w === undefined) return;
      this.windows.set(t, pushSample(w, sampleOf(results[i]!.sent, results[i]!.rttsMs)));
      this.lastErrors.set(t, results[i]!.result.error);
    });
    if (gateway !== null && gw === null) return; // a standby probe: the gateway keeps its history
    if (gateway === null || gw === null) {
      this.gatewayWindow = null;
      return;
    }
    // A new gateway address starts a new history: the old one's figures say nothing about it.
    const prev = this.gatewayWindow?.address === gateway ? this.gatewayWindow.window : emptyWindow(this.settings.window);
    this.gatewayWindow = { address: gateway, window: pushSample(prev, sampleOf(gw.sent, gw.rttsMs)) };
  }

  /** A spacing wait that close() can cut short, so no timer outlives the prober. */
  private delay(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const handle = this.clock.setTimer(ms, () => {
        this.delays.delete(handle);
        resolve();
      });
      this.delays.set(handle, resolve);
    });
  }
}

function normalise(s: LinkProberSettings): LinkProberSettings {
  return {
    timeoutMs: Math.max(1, s.timeoutMs),
    count: Math.max(1, Math.floor(s.count)),
    minTargetsUp: Math.max(0, Math.floor(s.minTargetsUp)),
    window: Math.max(1, Math.floor(s.window)),
  };
}
