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

export function renderStatus(status: Json, elapsedMs: number): string[] {
  const links = Array.isArray(status.links) ? (status.links as Json[]) : [];
  const head =
    `[${(elapsedMs / 1000).toFixed(1).padStart(5)}s] active: ${str(status.active_link, 'none')}` +
    ` (${str(status.active_display_name)})  auto: ${status.auto_enabled === false ? 'off' : 'on'}` +
    (status.all_down === true ? '  ALL LINKS DOWN' : '');
  const rows = links.map((l) => {
    const mark = l.active === true ? '*' : ' ';
    return (
      `  ${mark} ${str(l.name).padEnd(6)} ${str(l.interface).padEnd(6)} ${str(l.state, l.healthy === true ? 'up' : 'down').padEnd(7)}` +
      ` healthy:${yesNo(l.healthy).padEnd(3)} gw:${yesNo(l.gateway_reachable).padEnd(3)}` +
      ` carrier:${yesNo(l.carrier).padEnd(3)} rtt:${num(l.rtt_ms, 2, 'ms', 8)} loss:${num(l.loss_pct, 0, '%', 4)}`
    );
  });
  return [head, ...rows];
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
}

export function renderSummary(results: readonly StepResult[]): string[] {
  const lines = ['summary (fault/heal -> default route moved, seen as a kernel route event):'];
  for (const r of results) {
    const t = r.ms === null ? `FAILED: ${r.error ?? 'no change'}` : `${(r.ms / 1000).toFixed(2)} s`;
    lines.push(`  ${r.step.padEnd(34)} -> ${r.expected.padEnd(5)} ${t}`);
  }
  return lines;
}
