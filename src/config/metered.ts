// Pure: a link's `metered:` key (issue 24). `metered: true` takes the defaults; a mapping sets
// standby_probe_interval (seconds, >= check_interval), data_cap_mb (MB = 10^6 bytes, as carriers
// bill; absent = no cap) and cap_reset_day (1-28, the day of the month the billing period starts).
// Checked outside convict like quality.ts: a mapping inside a convict leaf crashes convict.
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import type { LinkConfig, MeteredConfig } from './types.js';
import type { ConfigWarning } from './warnings.js';

export const METERED_KEY = 'metered';

export const METERED_KEYS: Readonly<Record<string, string>> = {
  standby_probe_interval: 'Seconds between probes while the link carries no traffic (default 60, at least check_interval).',
  data_cap_mb: 'Allowance per billing period in MB (10^6 bytes), RX + TX; absent = no cap.',
  cap_reset_day: 'Day of the month (1-28) the billing period starts, at local midnight (default 1).',
};

export const METERED_DEFAULTS = { standbyProbeIntervalS: 60, capResetDay: 1 } as const;
/** The longest standby interval: a link probed less than daily says nothing of its health. */
const MAX_STANDBY_S = 86_400;
/** 1 PB: far above any plan, and well inside a double's exact integers once in bytes. */
const MAX_CAP_MB = 1e9;


export interface MeteredResult {
  /** null: not metered (absent, false, or invalid). */
  metered: MeteredConfig | null;
  problems: ConfigProblem[];
}

/** `path` is the link's key path (`links[2]`, `secondary`). */
export function parseMetered(path: string, value: unknown): MeteredResult {
  const key = `${path}.${METERED_KEY}`;
  if (value === undefined || value === null || value === false) return { metered: null, problems: [] };
  const defaults: MeteredConfig = { standbyProbeIntervalMs: METERED_DEFAULTS.standbyProbeIntervalS * 1000, dataCapBytes: null,
    capResetDay: METERED_DEFAULTS.capResetDay };
  if (value === true) return { metered: defaults, problems: [] };
  if (!isMapping(value)) {
    return { metered: null, problems: [{ key, value, expected: `true, false or a mapping {${Object.keys(METERED_KEYS).join(', ')}}` }] };
  }
  const problems: ConfigProblem[] = [];
  for (const k of Object.keys(value)) {
    if (!(k in METERED_KEYS)) problems.push({ key: `${key}.${k}`, value: value[k], expected: UNKNOWN_KEY, known: Object.keys(METERED_KEYS) });
  }
  const given = (k: string): boolean => value[k] !== undefined && value[k] !== null;
  const out = { ...defaults };
  const interval = value['standby_probe_interval'];
  if (given('standby_probe_interval')) {
    if (typeof interval === 'number' && Number.isFinite(interval) && interval > 0 && interval <= MAX_STANDBY_S) {
      out.standbyProbeIntervalMs = Math.round(interval * 1000);
    } else {
      problems.push({ key: `${key}.standby_probe_interval`, value: interval, expected: `a number of seconds > 0 (at most ${MAX_STANDBY_S})` });
    }
  }
  const cap = value['data_cap_mb'];
  if (given('data_cap_mb')) {
    if (typeof cap === 'number' && Number.isFinite(cap) && cap > 0 && cap <= MAX_CAP_MB) out.dataCapBytes = Math.round(cap * 1e6);
    else problems.push({ key: `${key}.data_cap_mb`, value: cap, expected: `a number of MB > 0 (at most ${MAX_CAP_MB}); leave it out for no cap` });
  }
  const day = value['cap_reset_day'];
  if (given('cap_reset_day')) {
    // 28: every month has that day, so the period start never needs a "last day of the month" rule.
    if (Number.isInteger(day) && (day as number) >= 1 && (day as number) <= 28) out.capResetDay = day as number;
    else problems.push({ key: `${key}.cap_reset_day`, value: day, expected: 'a day of the month from 1 to 28' });
  }
  if (problems.some((p) => p.expected !== UNKNOWN_KEY)) return { metered: null, problems };
  return { metered: out, problems };
}

/**
 * The cross-key rule: a standby interval below check_interval would probe a standby link more
 * often than an unmetered one. `links` as built, with their key paths in the same order.
 */
export function meteredIntervalProblems(links: readonly LinkConfig[], paths: readonly string[], checkIntervalMs: number): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  links.forEach((l, i) => {
    const m = l.metered;
    if (!m || m.standbyProbeIntervalMs >= checkIntervalMs) return;
    problems.push({ key: `${paths[i] ?? l.name}.${METERED_KEY}.standby_probe_interval`, value: m.standbyProbeIntervalMs / 1000,
      expected: `a number of seconds at least check_interval (${checkIntervalMs / 1000})` });
  });
  return problems;
}

/**
 * With probe_interval the probers keep their own continuous schedule: standby probing does not
 * apply (usage and the cap still do). Said once at load, so nobody counts on a budget not kept.
 */
export function meteredWarnings(cfg: { links: readonly LinkConfig[]; probeIntervalMs?: number | null }, paths: readonly string[]): ConfigWarning[] {
  if (cfg.probeIntervalMs === undefined || cfg.probeIntervalMs === null) return [];
  return cfg.links.flatMap((l, i) => (l.metered ? [{
    key: `${paths[i] ?? l.name}.${METERED_KEY}`, value: true,
    message: 'with probe_interval (continuous probing) a metered link is probed continuously like the others: '
      + 'standby probing applies to the check cycles only; its usage and data cap still count',
  }] : []));
}
