// PURE: what each demo step's figure means. For every step it gives the bound the lab's config
// implies, why the measured figure sits where it does inside (or outside) that bound, and what the
// LAN host lived through (how long it got no answer, how many datagrams were lost). The terminal is
// assumed 80 columns wide: every line these functions return fits.

export const WIDTH = 80;

/** The story's three kinds of step: a packet fault (probes must notice), a cable pull (netlink), a return. */
export type StepKind = 'upstream' | 'carrier' | 'return';

/** The config figures the bounds derive from (seconds, as in the config file). */
export interface Timing {
  checkInterval: number;
  pingTimeout: number;
  failureThreshold: number;
  recoveryThreshold: number;
  minSecondaryTime: number;
}

export interface Bound {
  loMs: number;
  /** null: no upper figure (carrier loss: as soon as the kernel reports it). */
  hiMs: number | null;
  /** Short, for the summary table ("2.5-3.5 s", "at once"). */
  text: string;
}

/** Seconds as "3 s" or "0.5 s". */
export function secs(ms: number): string {
  const v = ms / 1000;
  return `${Number.isInteger(v) ? v : Number(v.toFixed(2))} s`;
}

function range(loMs: number, hiMs: number): string {
  const n = (ms: number): string => String(Number((ms / 1000).toFixed(2)));
  return `${n(loMs)}-${n(hiMs)} s`;
}

/**
 * upstream: the fault lands anywhere in a check cycle; the next check is the first to fail, the
 * link is down when the failure_threshold-th failed check ends ping_timeout after it starts.
 * return: the first good check comes 0..check_interval after the heal, the recovery_threshold-th
 * (recovery_threshold - 1) cycles later; and never before min_secondary_time on the secondary
 * (`onSecondaryMs`: how long the route had been there when the heal came).
 */
export function stepBound(kind: StepKind, t: Timing, onSecondaryMs = Infinity): Bound {
  const i = t.checkInterval * 1000;
  if (kind === 'carrier') return { loMs: 0, hiMs: null, text: 'at once' };
  if (kind === 'upstream') {
    const lo = (t.failureThreshold - 1) * i + t.pingTimeout * 1000;
    return { loMs: lo, hiMs: lo + i, text: range(lo, lo + i) };
  }
  const held = Math.max(0, t.minSecondaryTime * 1000 - onSecondaryMs);
  const lo = Math.max((t.recoveryThreshold - 1) * i, held);
  const hi = Math.max(t.recoveryThreshold * i, held + i);
  return { loMs: lo, hiMs: hi, text: range(lo, hi) };
}

/** Why the measured figure is what it is, derived from the figure and the config only. */
export function explainStep(kind: StepKind, ms: number, t: Timing, onSecondaryMs = Infinity): string {
  const i = t.checkInterval * 1000;
  if (kind === 'carrier') return 'the kernel reported the carrier loss (netlink link event): no check needed';
  if (kind === 'upstream') {
    const toNext = ms - (t.failureThreshold - 1) * i - t.pingTimeout * 1000;
    return `${secs(Math.max(0, toNext))} until the next check, then ${t.failureThreshold} failed checks ` +
      `${secs(i)} apart, the last one timing out after ping_timeout ${secs(t.pingTimeout * 1000)}`;
  }
  const heldMs = t.minSecondaryTime * 1000 - onSecondaryMs;
  const firstGood = ms - (t.recoveryThreshold - 1) * i;
  // Held: min_secondary_time on the secondary ended after the earliest possible return.
  if (heldMs > (t.recoveryThreshold - 1) * i && ms >= heldMs && ms <= heldMs + i) {
    return `held by min_secondary_time: the route had been on the secondary ${secs(onSecondaryMs)} of ` +
      `${secs(t.minSecondaryTime * 1000)} at the heal; it moved at the first check after`;
  }
  const failedAfter = Math.floor(Math.max(0, firstGood) / i);
  const failed = failedAfter === 0 ? '' : ` (the first ${failedAfter === 1 ? 'check' : `${failedAfter} checks`} after the heal still failed)`;
  return `${secs(Math.max(0, firstGood))} until the first good check${failed}, then ` +
    `${t.recoveryThreshold - 1} more ${secs(i)} apart (recovery_threshold ${t.recoveryThreshold})`;
}

export interface Echo {
  seq: number;
  /** Arrival time, the same clock as the other times given. */
  at: number;
}

export interface LanOutage {
  /** The longest time without an echo, from the last echo before the fault to the first after the switch (ms). */
  silentMs: number;
  /** Datagrams sent in that stretch whose echo never came. */
  lost: number;
}

/**
 * The LAN host's view of one step: from its last echo before the fault/heal (faultAt) to its first
 * echo after the route switch (firstAfter), the longest stretch without an echo and the datagrams
 * lost. Null when no echo came back after the switch (or none ever came before the fault).
 */
export function lanOutage(echoes: readonly Echo[], faultAt: number, firstAfter: Echo | null): LanOutage | null {
  if (firstAfter === null) return null;
  const before = echoes.filter((e) => e.at <= faultAt);
  if (before.length === 0) return null;
  const last = before.reduce((a, b) => (b.at > a.at ? b : a));
  const inside = echoes.filter((e) => e.at >= last.at && e.at <= firstAfter.at).map((e) => e.at).sort((a, b) => a - b);
  let silentMs = 0;
  for (let k = 1; k < inside.length; k++) silentMs = Math.max(silentMs, inside[k]! - inside[k - 1]!);
  const got = new Set(echoes.filter((e) => e.seq > last.seq && e.seq < firstAfter.seq).map((e) => e.seq));
  const lost = Math.max(0, firstAfter.seq - last.seq - 1 - got.size);
  return { silentMs, lost };
}

export function renderLan(o: LanOutage | null | undefined): string {
  if (o === undefined) return '';
  if (o === null) return 'no echo came back';
  return `${(o.silentMs / 1000).toFixed(2)} s, ${o.lost === 0 ? 'none' : o.lost} lost`;
}

/** Word-wraps one paragraph to WIDTH columns; continuation lines get `indent`. */
export function wrap(text: string, first = '', indent = '    ', width = WIDTH): string[] {
  const lines: string[] = [];
  let cur = first;
  let fresh = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!fresh && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = indent + word;
    } else {
      cur = fresh ? cur + word : `${cur} ${word}`;
    }
    fresh = false;
  }
  lines.push(cur);
  return lines;
}

/**
 * A labelled shell command for the terminal: the label padded to 20 columns, the command split
 * over lines that end in a backslash (so it still pastes as one command), each within WIDTH.
 */
export function commandLines(label: string, words: readonly string[]): string[] {
  const lines = wrap(words.join(' '), label.padEnd(20), ' '.repeat(22), WIDTH - 2);
  return lines.map((l, k) => (k < lines.length - 1 ? `${l} \\` : l));
}

export interface RunningLab {
  routerNs: string;
  configPath: string;
  apiKey: string;
  apiPort: number;
  /** ' --prefix NAME', or '' for the default lab. */
  prefixOpt: string;
  /** The command that removes the lab. */
  down: string;
}

/** How to use a lab left running (`--keep`, `lab -- up`): pasteable commands, 80 columns. */
export function labCommandLines(l: RunningLab): string[] {
  const exec = ['ip', 'netns', 'exec', l.routerNs];
  return [
    ...commandLines('  enter the router:', [...exec, 'bash']),
    ...commandLines('  status:', [...exec, 'node', 'dist/src/cli/wanctl.js', 'status', '-c', l.configPath]),
    ...commandLines('  API:', [...exec, 'curl', '-s', '--oauth2-bearer', l.apiKey, `http://127.0.0.1:${l.apiPort}/api/status`]),
    ...commandLines('  a fault:', ['npm', 'run', 'lab', '--', 'fail', '1', `upstream${l.prefixOpt}`]),
    `${' '.repeat(22)}(or gateway, or carrier, instead of upstream)`,
    ...commandLines('  heal:', ['npm', 'run', 'lab', '--', 'heal', `1${l.prefixOpt}`]),
    ...commandLines('  tear down:', l.down.split(' ')),
  ];
}
