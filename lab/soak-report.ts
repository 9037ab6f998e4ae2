// PURE: the soak run's figures -> the final report (JSON shape, verdict, text) and the live
// progress line. Everything here is data in, data out, so the verdict rules are unit-tested.
import { FAULT_LABELS, type FaultLabel } from './soak-schedule.js';
import type { Violation } from './soak-invariant.js';

export interface Trend {
  first: number | null;
  last: number | null;
  min: number | null;
  max: number | null;
  /** last - first. */
  delta: number | null;
  tolerance: number;
  /** last - first <= tolerance: only growth counts against it (a shrinking heap is no leak). */
  flat: boolean;
  samples: number;
}

/** first/last/min/max of a series and whether it ended at most `tolerance` above where it began. */
export function trend(values: readonly number[], tolerance: number): Trend {
  if (values.length === 0) {
    return { first: null, last: null, min: null, max: null, delta: null, tolerance, flat: false, samples: 0 };
  }
  const first = values[0]!;
  const last = values[values.length - 1]!;
  return {
    first, last, min: Math.min(...values), max: Math.max(...values), delta: last - first, tolerance,
    flat: last - first <= tolerance, samples: values.length,
  };
}

/** RSS may settle a little as V8 warms up: "flat" allows max(8 MiB, 10 % of the first sample). */
export function rssToleranceKiB(firstKiB: number): number {
  return Math.max(8 * 1024, Math.round(firstKiB * 0.1));
}

/** Descriptors come and go with probes and API connections; a leak shows as steady growth beyond this. */
export const FD_TOLERANCE = 4;

export interface SoakFigures {
  seed: number;
  minutes: number;
  lab: string;
  durationMs: number;
  bounds: { faultBoundMs: number; healthyBoundMs: number; maxAllDownMs: number | null };
  faults: Record<FaultLabel | 'heal', number>;
  injectErrors: string[];
  switches: number;
  apiSwitchCount: number | null;
  routeSamples: number;
  routeFailures: number;
  apiSamples: number;
  apiFailures: number;
  violationCount: number;
  violations: readonly Violation[];
  rssKiB: readonly number[];
  fds: readonly number[];
  daemon: { pid: number; samePid: boolean; crashed: string | null; exitCode: number | null };
  finalRoute: string | null;
}

export interface SoakReport {
  ok: boolean;
  failures: string[];
  seed: number;
  minutes: number;
  lab: string;
  duration_s: number;
  bounds: SoakFigures['bounds'];
  faults: SoakFigures['faults'];
  faults_total: number;
  inject_errors: string[];
  switches: number;
  api_switch_count: number | null;
  samples: { route: number; route_failures: number; api: number; api_failures: number };
  violations: number;
  violation_samples: readonly Violation[];
  rss_kib: Trend;
  fds: Trend;
  daemon: SoakFigures['daemon'];
  final_route: string | null;
}

export function emptyFaultCounts(): Record<FaultLabel | 'heal', number> {
  const out = { heal: 0 } as Record<FaultLabel | 'heal', number>;
  for (const l of FAULT_LABELS) out[l] = 0;
  return out;
}

/** The verdict: no violation, no crash, the API always answered, every fault went in. RSS/fd trends are reported, not judged. */
export function buildReport(f: SoakFigures): SoakReport {
  const failures: string[] = [];
  if (f.violationCount > 0) failures.push(`${f.violationCount} invariant violation(s)`);
  if (f.daemon.crashed !== null) failures.push(`daemon crashed: ${f.daemon.crashed}`);
  if (!f.daemon.samePid) failures.push('daemon pid changed');
  if (f.apiFailures > 0) failures.push(`${f.apiFailures} API request(s) failed`);
  if (f.routeSamples === 0) failures.push('no route sample was taken');
  if (f.injectErrors.length > 0) failures.push(`${f.injectErrors.length} fault injection(s) failed`);
  const rss = trend(f.rssKiB, f.rssKiB.length > 0 ? rssToleranceKiB(f.rssKiB[0]!) : 0);
  return {
    ok: failures.length === 0,
    failures,
    seed: f.seed,
    minutes: f.minutes,
    lab: f.lab,
    duration_s: Math.round(f.durationMs / 100) / 10,
    bounds: f.bounds,
    faults: f.faults,
    faults_total: FAULT_LABELS.reduce((s, l) => s + f.faults[l], 0),
    inject_errors: f.injectErrors,
    switches: f.switches,
    api_switch_count: f.apiSwitchCount,
    samples: { route: f.routeSamples, route_failures: f.routeFailures, api: f.apiSamples, api_failures: f.apiFailures },
    violations: f.violationCount,
    violation_samples: f.violations,
    rss_kib: rss,
    fds: trend(f.fds, FD_TOLERANCE),
    daemon: f.daemon,
    final_route: f.finalRoute,
  };
}

const mib = (kib: number | null): string => (kib === null ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
const num = (n: number | null): string => (n === null ? '-' : String(n));
const signed = (n: number | null, fmt: (n: number) => string): string => (n === null ? '-' : `${n >= 0 ? '+' : '-'}${fmt(Math.abs(n))}`);

export function renderReport(r: SoakReport): string[] {
  const kinds = FAULT_LABELS.map((l) => `${l} ${r.faults[l]}`).join(', ');
  const lines = [
    `soak ${r.ok ? 'PASSED' : 'FAILED'}: ${r.duration_s} s in lab ${r.lab}, seed ${r.seed} (replay: --minutes ${r.minutes} --seed ${r.seed})`,
    `  faults injected: ${r.faults_total} (${kinds}); heals ${r.faults.heal}; injection errors ${r.inject_errors.length}`,
    `  route switches: ${r.switches} (API switch_count ${num(r.api_switch_count)}); final route on ${r.final_route ?? 'nothing'}`,
    `  invariant: ${r.violations} violation(s) in ${r.samples.route} route samples (${r.samples.route_failures} failed dumps); ` +
      `bounds: fault ${r.bounds.faultBoundMs} ms, healthy ${r.bounds.healthyBoundMs} ms, all-down max ${r.bounds.maxAllDownMs ?? 'unbounded'} ms`,
    `  API: ${r.samples.api} status requests, ${r.samples.api_failures} failed`,
    `  RSS: first ${mib(r.rss_kib.first)}, last ${mib(r.rss_kib.last)}, max ${mib(r.rss_kib.max)}, delta ${signed(r.rss_kib.delta, (n) => mib(n))} ` +
      `(${r.rss_kib.flat ? 'flat' : 'NOT flat'}, tolerance ${mib(r.rss_kib.tolerance)})`,
    `  fds: first ${num(r.fds.first)}, last ${num(r.fds.last)}, max ${num(r.fds.max)}, delta ${signed(r.fds.delta, String)} ` +
      `(${r.fds.flat ? 'flat' : 'NOT flat'}, tolerance ${r.fds.tolerance})`,
    `  daemon: pid ${r.daemon.pid}, ${r.daemon.samePid && r.daemon.crashed === null ? 'same process throughout' : `CRASHED: ${r.daemon.crashed ?? 'pid changed'}`}, ` +
      `exit code after SIGTERM ${num(r.daemon.exitCode)}`,
  ];
  for (const v of r.violation_samples.slice(0, 10)) {
    lines.push(`  violation at +${(v.atMs / 1000).toFixed(2)} s: route on ${v.route ?? 'nothing'}, healthy ${v.healthy.join(',')}; ${v.state.join(', ')}`);
  }
  for (const f of r.failures) lines.push(`  FAIL: ${f}`);
  return lines;
}

export interface Progress {
  elapsedMs: number;
  totalMs: number;
  route: string | null;
  links: string[];
  faults: number;
  switches: number;
  violations: number;
  rssKiB: number | null;
  fds: number | null;
  apiFailures: number;
}

export function progressLine(p: Progress): string {
  const pct = Math.min(100, Math.floor((p.elapsedMs / p.totalMs) * 100));
  return `[${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s ${String(pct).padStart(3)}%] route ${p.route ?? '-'} | ${p.links.join(' ')} | ` +
    `faults ${p.faults} switches ${p.switches} violations ${p.violations} api-fail ${p.apiFailures} | rss ${mib(p.rssKiB)} fds ${num(p.fds)}`;
}
