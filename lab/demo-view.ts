// PURE: renders the daemon's GET /api/status JSON as the demo's compact live view, one line per
// link, and the demo's config and summary (80 columns). It reads the payload defensively: the API is someone else's module and may grow fields.

import { explainStep, renderLan, secs, stepBound, wrap, type LanOutage, type StepKind, type Timing } from './demo-figures.js';

type Json = Record<string, unknown>;

function str(v: unknown, dflt = '-'): string {
  return typeof v === 'string' ? v : dflt;
}

function yesNo(v: unknown): string {
  return v === true ? 'yes' : v === false ? 'no' : '?';
}

function num(v: unknown, digits: number, unit: string, width: number): string {
  const s = typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(digits)}${unit}` : '-';
  return s.padStart(width);
}

export interface ViewContext {
  /** The kernel's main-table default route as the demo's route watch sees it (null: none). */
  kernelRoute?: string | null;
  /** Checks the loss figure covers (the daemon's stats_window; the demo sets it to failure_threshold). */
  lossWindow?: number;
  /** failure_threshold, for the consecutive-failures column. */
  failureThreshold?: number;
}

const COLUMNS: readonly [string, number][] = [
  ['link', 6], ['iface', 6], ['state', 7], ['healthy', 8], ['gw', 4], ['carrier', 8], ['rtt', 9], ['loss', 9], ['fails', 5],
];

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(COLUMNS[i]![1]))).join(' ');
}

export function renderStatus(status: Json, elapsedMs: number, ctx: ViewContext = {}): string[] {
  const links = Array.isArray(status.links) ? (status.links as Json[]) : [];
  const kernel = ctx.kernelRoute === undefined ? '' : `  kernel route: ${ctx.kernelRoute ?? 'none'}`;
  const head =
    `[${(elapsedMs / 1000).toFixed(1).padStart(5)}s] active: ${str(status.active_link, 'none')}` +
    ` (${str(status.active_display_name)})${kernel}  auto: ${status.auto_enabled === false ? 'off' : 'on'}` +
    (status.all_down === true ? '  ALL LINKS DOWN' : '');
  const lossHead = ctx.lossWindow === undefined ? 'loss' : `loss/${ctx.lossWindow}`;
  const failsHead = ctx.failureThreshold === undefined ? 'fails' : `fails/${ctx.failureThreshold}`;
  const header = '    ' + row(COLUMNS.map(([name], i) => (i === 7 ? lossHead : i === 8 ? failsHead : name)));
  const rows = links.map((l) => {
    const mark = l.active === true ? '*' : ' ';
    const fails = typeof l.consecutive_failures === 'number' ? String(l.consecutive_failures) : '-';
    return `  ${mark} ` + row([
      str(l.name), str(l.interface), str(l.state, l.healthy === true ? 'up' : 'down'), yesNo(l.healthy), yesNo(l.gateway_reachable),
      yesNo(l.carrier), num(l.rtt_ms, 2, 'ms', 8), num(l.loss_pct, 0, '%', 4), fails,
    ]);
  });
  return [head, header, ...rows];
}

/** The config figures the step bounds derive from; null when the config lacks one. */
export function timingOf(config: Json): Timing | null {
  const n = (k: string): number | null => (typeof config[k] === 'number' ? (config[k] as number) : null);
  const t = {
    checkInterval: n('check_interval'), pingTimeout: n('ping_timeout'), failureThreshold: n('failure_threshold'),
    recoveryThreshold: n('recovery_threshold'), minSecondaryTime: n('min_secondary_time'),
  };
  return Object.values(t).every((v) => v !== null) ? (t as Timing) : null;
}

/**
 * The lab's config and the bounds it implies, printed before the story (stepBound in
 * demo-figures.ts derives them). Carrier loss needs no check (netlink).
 */
export function renderConfig(config: Json): string[] {
  const n = (k: string): string => (typeof config[k] === 'number' ? String(config[k]) : '?');
  const targets = Array.isArray(config.ping_targets) ? (config.ping_targets as unknown[]).join(', ') : '?';
  const links = Array.isArray(config.links) ? (config.links as Json[]).map((l) => `${str(l.name)} (${str(l.display_name)})`).join(', ') : '?';
  const lines = [
    'lab config:',
    ...wrap(`links ${links}; targets ${targets}`, '  '),
    ...wrap(`check_interval ${n('check_interval')} s, ping_timeout ${n('ping_timeout')} s, ping_count ${n('ping_count')}, ` +
      `failure_threshold ${n('failure_threshold')}, recovery_threshold ${n('recovery_threshold')}, ` +
      `min_secondary_time ${n('min_secondary_time')} s`, '  '),
  ];
  const t = timingOf(config);
  if (t !== null) {
    const up = stepBound('upstream', t);
    const back = stepBound('return', t);
    lines.push('bounds (from the fault or heal to the kernel default route moving):');
    lines.push(...wrap(`failover in ${up.text}: ${t.failureThreshold} failed checks ` +
      `${secs(t.checkInterval * 1000)} apart, the last timing out after ${secs(t.pingTimeout * 1000)}; ` +
      `the fault lands anywhere in a check cycle`, '  upstream outage -> ', '      '));
    lines.push('  carrier loss    -> failover at once (netlink link event, no check needed)');
    lines.push(...wrap(`in ${back.text}: ${t.recoveryThreshold} good checks, the first one ` +
      `0-${secs(t.checkInterval * 1000)} after the heal, and at least ${secs(t.minSecondaryTime * 1000)} on the secondary`, '  return          -> ', '      '));
  }
  if (typeof config.failure_threshold === 'number') {
    lines.push(...wrap(`live view: loss over the last ${n('stats_window')} checks; fails = consecutive failed checks ` +
      `(down at ${n('failure_threshold')})`, ''));
  }
  return lines;
}

/** A view worth reprinting on a non-TTY: what changed apart from RTT and the clock. */
export function viewKey(status: Json): string {
  const links = Array.isArray(status.links) ? (status.links as Json[]) : [];
  return JSON.stringify([
    status.active_link,
    links.map((l) => [l.name, l.state, l.healthy, l.gateway_reachable, l.carrier, l.active]),
  ]);
}

export interface StepResult {
  /** Short, for the summary table ("wan1 upstream outage"). */
  step: string;
  kind: StepKind;
  expected: string;
  ms: number | null;
  error?: string;
  /** return steps: how long the route had been on the secondary when the heal came (ms). */
  onSecondaryMs?: number;
  /** What the LAN host lived through (lanOutage); absent when the demo runs no LAN flow. */
  lan?: LanOutage | null;
}

/**
 * The summary: per step the figure, its bound and the LAN's outage in a table, then one line per
 * step on why the figure sits where it does. Every line fits 80 columns.
 */
export function renderSummary(results: readonly StepResult[], t: Timing | null = null): string[] {
  const lines = [
    'summary: "moved" = from the fault or heal to the kernel default route change;',
    '"LAN no answer" = the longest the LAN host waited for an echo, from its last',
    'echo before the fault or heal to its first echo after the switch',
    `  ${'step'.padEnd(22)} ${'route'.padEnd(6)} ${'moved'.padStart(7)}  ${'bound'.padEnd(10)} LAN no answer`,
  ];
  for (const r of results) {
    const moved = r.ms === null ? 'FAILED' : `${(r.ms / 1000).toFixed(2)} s`;
    const bound = t === null ? '?' : stepBound(r.kind, t, r.onSecondaryMs).text;
    lines.push(`  ${r.step.padEnd(22)} ${r.expected.padEnd(6)} ${moved.padStart(7)}  ${bound.padEnd(10)} ${renderLan(r.lan)}`.trimEnd());
  }
  lines.push('why:');
  for (const r of results) {
    const why = r.ms === null ? `FAILED: ${r.error ?? 'no change'}` : t === null ? '?' : explainStep(r.kind, r.ms, t, r.onSecondaryMs);
    lines.push(...wrap(why, `  ${r.step}: `, '      '));
  }
  return lines;
}
