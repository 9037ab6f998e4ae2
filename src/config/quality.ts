// Pure: `probe_interval` and the optional `quality:` section (link quality over a time window,
// see src/probe/quality-judge.ts). Like mqtt.ts, the section is checked key by key outside the
// convict pass (a mapping inside a convict leaf crashes convict). Both absent = the original's
// cycles and consecutive-failure rule, unchanged.
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import type { QualityConfig } from './types.js';
import { TIMING_FLOOR_S } from './timing.js';

export const QUALITY_SECTION = 'quality';

/** Every key of the section and what it means (config.example.yaml and README say the same). */
export const QUALITY_KEYS: Readonly<Record<string, string>> = {
  window: 'Seconds of probe results judged (default 10); at least 2 x probe_interval.',
  loss_down_pct: 'A link is down when the loss over the window reaches this (default 40).',
  loss_up_pct: '...and up again only below this (default 10, at most loss_down_pct).',
  latency_down_ms: 'Down when the mean RTT over the window reaches this; 0 = off (default).',
  latency_up_ms: '...and up again only below this (default latency_down_ms / 2).',
  jitter_down_ms: 'Down when the jitter (mean |RTT difference| of consecutive replies) reaches this; 0 = off (default).',
  jitter_up_ms: '...and up again only below this (default jitter_down_ms / 2).',
  degraded_loss_pct: 'Loss from which an up link is "degraded" (reported; an active degraded link yields to a healthy one after a hold); 0 = off (default 10).',
};

export const QUALITY_DEFAULTS = { windowS: 10, lossDownPct: 40, lossUpPct: 10, degradedLossPct: 10 } as const;

/** Bounds of probe_interval in seconds: faster floods the targets, slower is what cycles are for. */
export const PROBE_INTERVAL_MIN_S = TIMING_FLOOR_S;
export const PROBE_INTERVAL_MAX_S = 60;
const MAX_WINDOW_S = 3600;
const MAX_MS = 60_000;


const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** convict format of probe_interval (null = absent = original cycles). */
export function checkProbeInterval(v: unknown): string | null {
  if (v === null) return null;
  return isNum(v) && v >= PROBE_INTERVAL_MIN_S && v <= PROBE_INTERVAL_MAX_S
    ? null
    : `a number of seconds from ${PROBE_INTERVAL_MIN_S} to ${PROBE_INTERVAL_MAX_S} (or nothing for the original check cycles)`;
}

export interface QualityResult {
  quality: QualityConfig | null;
  problems: ConfigProblem[];
}

/**
 * `section` is the raw value of `quality:` (undefined when absent); `probeIntervalS` the validated
 * probe_interval (null when absent or invalid). Absent or empty = no quality rule.
 */
export function buildQuality(section: unknown, probeIntervalS: number | null, probeIntervalGiven: boolean): QualityResult {
  if (section === undefined || section === null) return { quality: null, problems: [] };
  if (!isMapping(section)) {
    return { quality: null, problems: [{ key: QUALITY_SECTION, value: section, expected: `a mapping {${Object.keys(QUALITY_KEYS).join(', ')}}` }] };
  }
  const problems: ConfigProblem[] = [];
  const problem = (key: string, expected: string): void => {
    problems.push({ key: `${QUALITY_SECTION}.${key}`, value: section[key], expected,
      ...(expected === UNKNOWN_KEY ? { known: Object.keys(QUALITY_KEYS) } : {}) });
  };
  for (const key of Object.keys(section)) if (!(key in QUALITY_KEYS)) problem(key, UNKNOWN_KEY);
  const given = (key: string): boolean => section[key] !== undefined && section[key] !== null;
  const num = (key: string, fallback: number, ok: (v: number) => boolean, expected: string): number => {
    if (!given(key)) return fallback;
    const v = section[key];
    if (isNum(v) && ok(v)) return v;
    problem(key, expected);
    return fallback;
  };

  // Samples come from continuous probing: in cycle mode a window would hold a handful of cycles.
  if (!probeIntervalGiven) {
    problems.push({ key: QUALITY_SECTION, value: '(section)', expected: 'probe_interval to be set too (quality is judged over continuous probes)' });
  }
  const windowS = num('window', QUALITY_DEFAULTS.windowS, (v) => v > 0 && v <= MAX_WINDOW_S, `a number of seconds > 0 (at most ${MAX_WINDOW_S})`);
  if (probeIntervalS !== null && given('window') && windowS < 2 * probeIntervalS) {
    problem('window', `at least 2 x probe_interval (${2 * probeIntervalS} s)`);
  }
  const pct = (v: number): boolean => v > 0 && v <= 100;
  const lossDown = num('loss_down_pct', QUALITY_DEFAULTS.lossDownPct, pct, 'a percentage > 0 and <= 100');
  const lossUp = num('loss_up_pct', Math.min(QUALITY_DEFAULTS.lossUpPct, lossDown), (v) => pct(v) && v <= lossDown,
    `a percentage > 0 and at most loss_down_pct (${lossDown})`);
  const msRange = (v: number): boolean => v >= 0 && v <= MAX_MS;
  const pair = (stem: 'latency' | 'jitter'): [number, number] => {
    const down = num(`${stem}_down_ms`, 0, msRange, `milliseconds from 0 (off) to ${MAX_MS}`);
    const upKey = `${stem}_up_ms`;
    if (down === 0) {
      if (given(upKey) && section[upKey] !== 0) problem(upKey, `0 or nothing while ${stem}_down_ms is off (0)`);
      return [0, 0];
    }
    const up = num(upKey, down / 2, (v) => v > 0 && v <= down, `milliseconds > 0 and at most ${stem}_down_ms (${down})`);
    return [down, up];
  };
  const [latencyDown, latencyUp] = pair('latency');
  const [jitterDown, jitterUp] = pair('jitter');
  const degraded = num('degraded_loss_pct', Math.min(QUALITY_DEFAULTS.degradedLossPct, lossDown / 2), (v) => v >= 0 && v < lossDown,
    `a percentage from 0 (off) to below loss_down_pct (${lossDown})`);
  // An unknown key alone is a warning (load.ts): the section still works.
  if (problems.some((p) => p.expected !== UNKNOWN_KEY)) return { quality: null, problems };
  return {
    quality: {
      windowMs: Math.round(windowS * 1000),
      lossDownPct: lossDown,
      lossUpPct: lossUp,
      latencyDownMs: latencyDown,
      latencyUpMs: latencyUp,
      jitterDownMs: jitterDown,
      jitterUpMs: jitterUp,
      degradedLossPct: degraded,
    },
    problems,
  };
}
