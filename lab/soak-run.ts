// The soak run's live part: plays the fault schedule on the lab while a sampler checks, every
// ~250 ms, the kernel default route (via the agent) against the invariant, and every ~1 s the
// daemon's API, RSS, descriptors and identity. Bounded: it ends at the schedule's end or on a crash.
import { performance } from 'node:perf_hooks';
import type { Lab } from './topology.js';
import type { Agent } from './agent-client.js';
import type { DaemonHandle } from './daemon-runner.js';
import { pickDefaultRoutes } from './agent-client.js';
import { readProc } from './soak-proc.js';
import { InvariantTracker, type InvariantBounds } from './soak-invariant.js';
import { faultLabel, type SoakAction } from './soak-schedule.js';
import { emptyFaultCounts, type Progress, type SoakFigures } from './soak-report.js';

export interface SoakRunOptions {
  lab: Lab;
  agent: Agent;
  daemon: DaemonHandle;
  schedule: readonly SoakAction[];
  durationMs: number;
  bounds: InvariantBounds;
  sampleEveryMs?: number;
  /** API and /proc are sampled every this many route samples. */
  slowEvery?: number;
  /** How long to wait, after the last heal, for the route to come home to the first link. */
  settleMs?: number;
  onProgress?: (p: Progress) => void;
  onNote?: (line: string) => void;
}

export type SoakRunResult = Omit<SoakFigures, 'seed' | 'minutes' | 'lab' | 'bounds'>;

const SWITCH_MSG = 'default route switched';
/** Daemon log lines kept in memory: the soak may run for hours. */
const KEEP_LOG_LINES = 200;
const REQUEST_TIMEOUT_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class SoakRun {
  private readonly t0 = performance.now();
  private readonly tracker: InvariantTracker;
  private readonly names: string[];
  private readonly faults = emptyFaultCounts();
  private readonly injectErrors: string[] = [];
  private readonly rss: number[] = [];
  private readonly fds: number[] = [];
  private ifNames = new Map<number, string>();
  private route: string | null = null;
  private switches = 0;
  private logsScanned = 0;
  private apiSwitchCount: number | null = null;
  private routeSamples = 0;
  private routeFailures = 0;
  private apiSamples = 0;
  private apiFailures = 0;
  private crashed: string | null = null;
  private startTicks: number | null = null;
  private samePid = true;
  private injecting = true;

  constructor(private readonly o: SoakRunOptions) {
    this.names = o.lab.links.map((l) => l.iface);
    this.tracker = new InvariantTracker(this.names, 0, o.bounds);
  }

  /** Whole milliseconds since the run began: the time base of the schedule, marks and samples. */
  private elapsed(): number {
    return Math.round(performance.now() - this.t0);
  }

  async run(): Promise<SoakRunResult> {
    const first = readProc(this.o.daemon.pid);
    this.startTicks = first?.startTicks ?? null;
    if (first === null) this.crashed = 'daemon process not found at start';
    const sampler = this.sample();
    await this.inject();
    this.injecting = false;
    await sampler;
    const finalRoute = this.crashed === null ? await this.settle() : this.route;
    const exitCode = this.crashed === null ? await this.o.daemon.stop('SIGTERM', 10_000) : this.o.daemon.exitCode;
    return {
      durationMs: this.elapsed(),
      faults: this.faults,
      injectErrors: this.injectErrors,
      switches: this.switches,
      apiSwitchCount: this.apiSwitchCount,
      routeSamples: this.routeSamples,
      routeFailures: this.routeFailures,
      apiSamples: this.apiSamples,
      apiFailures: this.apiFailures,
      violationCount: this.tracker.violationCount,
      violations: this.tracker.violations,
      rssKiB: this.rss,
      fds: this.fds,
      daemon: { pid: this.o.daemon.pid, samePid: this.samePid, crashed: this.crashed, exitCode },
      finalRoute,
    };
  }

  /** Plays the schedule in order; each change is marked when it is in place (conservative for the invariant). */
  private async inject(): Promise<void> {
    for (const a of this.o.schedule) {
      // Sleep in slices so a crash ends the run promptly.
      while (this.crashed === null && this.elapsed() < a.atMs) await sleep(Math.min(250, a.atMs - this.elapsed()));
      if (this.crashed !== null) return;
      const iface = this.names[a.link - 1]!;
      try {
        if (a.op === 'heal') await this.o.lab.heal(a.link);
        else await this.o.lab.fail(a.link, a.fault.kind, a.fault.lossPct === null ? {} : { lossPct: a.fault.lossPct });
      } catch (e) {
        this.injectErrors.push(`${a.op} ${iface}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.faults[a.op === 'heal' ? 'heal' : faultLabel(a.fault)]++;
      this.tracker.mark({ atMs: this.elapsed(), link: iface, fault: a.op === 'heal' ? null : a.fault });
    }
    while (this.crashed === null && this.elapsed() < this.o.durationMs) await sleep(Math.min(250, this.o.durationMs - this.elapsed()));
  }

  private async sample(): Promise<void> {
    const every = this.o.sampleEveryMs ?? 250;
    const slowEvery = this.o.slowEvery ?? 4;
    // Bounded by count as well as by the injector finishing: the run cannot outlive its schedule.
    const maxTicks = Math.ceil(this.o.durationMs / every) * 4 + 100;
    for (let tick = 0; tick < maxTicks && this.injecting && this.crashed === null; tick++) {
      const start = this.elapsed();
      await this.checkRoute(start);
      if (tick % slowEvery === 0) {
        this.checkProcess();
        await this.checkApi();
      }
      this.countSwitches();
      this.o.onProgress?.(this.progress());
      await sleep(every - (this.elapsed() - start));
    }
  }

  /** The route seen by a dump is judged at the moment the dump was asked for (the earliest it can reflect). */
  private async checkRoute(atMs: number): Promise<void> {
    try {
      const snap = await this.o.agent.dump();
      for (const l of snap.links) this.ifNames.set(l.index, l.name);
      const best = pickDefaultRoutes(snap.routes, 254)[0];
      this.route = best?.oif == null ? null : (this.ifNames.get(best.oif) ?? `if${best.oif}`);
      this.routeSamples++;
      const v = this.tracker.check({ atMs, iface: this.route });
      if (v !== null) this.o.onNote?.(`violation at +${(atMs / 1000).toFixed(2)} s: route on ${v.route ?? 'nothing'}; ${v.state.join(', ')}`);
    } catch (e) {
      this.routeFailures++;
      this.o.onNote?.(`route dump failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private checkProcess(): void {
    const d = this.o.daemon;
    if (d.exitCode !== null) {
      this.crashed = `exited with code ${d.exitCode}; stderr: ${d.stderr.slice(-500).trim()}`;
      return;
    }
    const p = readProc(d.pid);
    if (p === null) {
      this.crashed = `pid ${d.pid} is gone`;
      return;
    }
    if (this.startTicks !== null && p.startTicks !== this.startTicks) {
      this.samePid = false;
      this.crashed = `pid ${d.pid} now belongs to another process`;
      return;
    }
    this.rss.push(p.rssKiB);
    this.fds.push(p.fds);
  }

  private async checkApi(): Promise<void> {
    const d = this.o.daemon;
    this.apiSamples++;
    try {
      const res = await this.o.agent.http('GET', '/api/status', {
        headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort, timeoutMs: REQUEST_TIMEOUT_MS,
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      const body = JSON.parse(res.body) as { switch_count?: unknown };
      if (typeof body.switch_count === 'number') this.apiSwitchCount = body.switch_count;
    } catch (e) {
      this.apiFailures++;
      this.o.onNote?.(`API status failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Counts switch lines as they arrive, then trims the handle's buffer so hours of logs stay small. */
  private countSwitches(): void {
    const logs = this.o.daemon.logs;
    for (; this.logsScanned < logs.length; this.logsScanned++) if (logs[this.logsScanned]!.msg === SWITCH_MSG) this.switches++;
    if (logs.length > KEEP_LOG_LINES * 2) {
      logs.splice(0, logs.length - KEEP_LOG_LINES);
      this.logsScanned = logs.length;
    }
  }

  /** After the last heal: waits (bounded) for the route to come back to the most preferred link. */
  private async settle(): Promise<string | null> {
    const home = this.names[0]!;
    const deadline = this.elapsed() + (this.o.settleMs ?? 20_000);
    while (this.elapsed() < deadline && this.crashed === null) {
      await this.checkRoute(this.elapsed());
      if (this.route === home) break;
      await sleep(500);
    }
    this.checkProcess();
    await this.checkApi();
    this.countSwitches();
    return this.route;
  }

  private progress(): Progress {
    const now = this.elapsed();
    const last = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs[xs.length - 1]!);
    return {
      elapsedMs: now,
      totalMs: this.o.durationMs,
      route: this.route,
      links: this.tracker.conditions().map((c) => `${c.link}:${c.fault === null ? 'ok' : faultLabel(c.fault)}`),
      faults: Object.entries(this.faults).reduce((s, [k, n]) => (k === 'heal' ? s : s + n), 0),
      switches: this.switches,
      violations: this.tracker.violationCount,
      rssKiB: last(this.rss),
      fds: last(this.fds),
      apiFailures: this.apiFailures,
    };
  }
}
