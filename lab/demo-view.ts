// PURE: renders the daemon's GET /api/status JSON as the demo's compact live view, one line per
// link. It reads the payload defensively: the API is someone else's module and may grow fields.

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
  const kernel = ctx.kernelRoute === undefined ? '' : `  kernel default route: ${ctx.kernelRoute ?? 'none'}`;
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

/** Seconds as "3" or "0.5". */
function secs(v: number): string {
  return `${Number.isInteger(v) ? v : Number(v.toFixed(2))} s`;
}

/**
 * The lab's config and the failover window it implies, printed before the story. An upstream
 * outage that starts anywhere in a check cycle is seen by the next check; the link is down after
 * failure_threshold failed checks, the last one ending ping_timeout after it started: the switch
 * comes (failure_threshold - 1) x check_interval + ping_timeout to failure_threshold x
 * check_interval + ping_timeout after the fault. Carrier loss needs no check (netlink).
 */
export function renderConfig(config: Json): string[] {
  const n = (k: string): number | null => (typeof config[k] === 'number' ? (config[k] as number) : null);
  const interval = n('check_interval');
  const timeout = n('ping_timeout');
  const fail = n('failure_threshold');
  const recover = n('recovery_threshold');
  const minSecondary = n('min_secondary_time');
  const targets = Array.isArray(config.ping_targets) ? (config.ping_targets as unknown[]).join(', ') : '?';
  const links = Array.isArray(config.links) ? (config.links as Json[]).map((l) => `${str(l.name)} (${str(l.display_name)})`).join(', ') : '?';
  const lines = [
    'lab config:',
    `  links ${links}; targets ${targets}`,
    `  check_interval ${interval ?? '?'} s, ping_timeout ${timeout ?? '?'} s, ping_count ${n('ping_count') ?? '?'}, ` +
      `failure_threshold ${fail ?? '?'}, recovery_threshold ${recover ?? '?'}, min_secondary_time ${minSecondary ?? '?'} s`,
  ];
  if (interval !== null && timeout !== null && fail !== null) {
    const lo = (fail - 1) * interval + timeout;
    const hi = fail * interval + timeout;
    lines.push(`  upstream outage -> failover expected ${secs(lo)} to ${secs(hi)} after the fault (${fail} failed checks ${secs(interval)} apart, the last one ending ping_timeout after it starts)`);
    lines.push('  carrier loss    -> failover at once (netlink link event, no checks needed)');
  }
  if (interval !== null && recover !== null && minSecondary !== null) {
    lines.push(`  return          -> after ${recover} good checks (${secs(recover * interval)}) and at least ${secs(minSecondary)} on the secondary`);
  }
  if (fail !== null) lines.push(`  live view: loss over the last ${n('stats_window') ?? '?'} checks; fails = consecutive failed checks (down at ${fail})`);
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
  step: string;
  expected: string;
  ms: number | null;
  error?: string;
  /** The LAN UDP flow around this switch (flowAroundSwitch), when the demo runs one. */
  lan?: FlowAroundSwitch;
}

export interface FlowAroundSwitch {
  /** Longest silence: last echo before the switch -> first echo after it (ms); null if it never resumed. */
  gapMs: number | null;
  /** From the kernel route switch to the first echo after it (ms); null if it never resumed. */
  resumedAfterMs: number | null;
}

/** PURE: the flow's silence around a route switch, all times in the same clock (ms). */
export function flowAroundSwitch(echoAts: readonly number[], switchAt: number, firstAfterAt: number | null): FlowAroundSwitch {
  const before = echoAts.filter((t) => t <= switchAt);
  const lastBefore = before.length === 0 ? null : Math.max(...before);
  if (firstAfterAt === null) return { gapMs: null, resumedAfterMs: null };
  return { gapMs: lastBefore === null ? null : firstAfterAt - lastBefore, resumedAfterMs: firstAfterAt - switchAt };
}

export function renderFlow(f: FlowAroundSwitch): string {
  if (f.resumedAfterMs === null) return 'LAN UDP flow did not resume';
  const gap = f.gapMs === null ? '' : `; no echo for ${(f.gapMs / 1000).toFixed(2)} s`;
  return `LAN UDP flow resumed ${Math.round(f.resumedAfterMs)} ms after the switch${gap}`;
}

export function renderSummary(results: readonly StepResult[]): string[] {
  const lines = ['summary (fault/heal -> default route moved, seen as a kernel route event):'];
  for (const r of results) {
    const t = r.ms === null ? `FAILED: ${r.error ?? 'no change'}` : `${(r.ms / 1000).toFixed(2)} s`;
    const lan = r.lan === undefined ? '' : `   ${renderFlow(r.lan)}`;
    lines.push(`  ${r.step.padEnd(34)} -> ${r.expected.padEnd(5)} ${t}${lan}`);
  }
  return lines;
}
