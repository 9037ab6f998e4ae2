// Pure: the optional `balance:` section (resilient nexthop groups, issue 21) and the per-link
// `tier`/`weight` checks. Like quality.ts, the section is checked key by key outside the convict
// pass. Absent = the defaults below; with every link in its own tier (the default: tier = the
// link's position) nothing balances and the daemon installs exactly the original's objects.
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import type { BalanceConfig } from './types.js';

export const BALANCE_SECTION = 'balance';

/** Bounds from the issue; the kernel's own limits are wider (buckets u16, timers u32 clock_t). */
export const BALANCE_BOUNDS = {
  buckets: { min: 32, max: 4096 },
  idle_timer: { min: 1, max: 3600 },
  unbalanced_timer: { min: 0, max: 3600 },
} as const;

export const BALANCE_DEFAULTS: BalanceConfig = { buckets: 128, idleTimerS: 120, unbalancedTimerS: 0 };

export const BALANCE_KEYS: Readonly<Record<keyof typeof BALANCE_BOUNDS, string>> = {
  buckets: 'Buckets of each family\'s resilient nexthop group (32-4096, default 128); a restart applies a change.',
  idle_timer: 'Seconds a bucket must be idle before it may move to another link (1-3600, default 120).',
  unbalanced_timer: 'Seconds a group may stay unbalanced before busy buckets move too (0-3600, default 0 = never).',
};

export const WEIGHT_MAX = 255;

/** Per-link `tier`: 1 = most preferred. */
export const checkTier = (v: unknown): string | null =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1000 ? null : 'an integer tier from 1 (most preferred) to 1000');

/** Per-link `weight`: its share of new flows inside its tier. */
export const checkWeight = (v: unknown): string | null =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= WEIGHT_MAX ? null : `an integer weight from 1 to ${WEIGHT_MAX}`);


export function buildBalance(section: unknown): { balance: BalanceConfig; problems: ConfigProblem[] } {
  if (section === undefined || section === null) return { balance: BALANCE_DEFAULTS, problems: [] };
  const keys = Object.keys(BALANCE_BOUNDS) as Array<keyof typeof BALANCE_BOUNDS>;
  if (!isMapping(section)) return { balance: BALANCE_DEFAULTS, problems: [{ key: BALANCE_SECTION, value: section, expected: `a mapping {${keys.join(', ')}}` }] };
  const problems: ConfigProblem[] = [];
  for (const k of Object.keys(section)) {
    if (!(keys as string[]).includes(k)) problems.push({ key: `${BALANCE_SECTION}.${k}`, value: section[k], expected: UNKNOWN_KEY });
  }
  const read = (k: keyof typeof BALANCE_BOUNDS, fallback: number): number => {
    const v = section[k];
    if (v === undefined || v === null) return fallback;
    const { min, max } = BALANCE_BOUNDS[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({ key: `${BALANCE_SECTION}.${k}`, value: v, expected: `an integer from ${min} to ${max}` });
      return fallback;
    }
    return v;
  };
  return {
    balance: {
      buckets: read('buckets', BALANCE_DEFAULTS.buckets),
      idleTimerS: read('idle_timer', BALANCE_DEFAULTS.idleTimerS),
      unbalancedTimerS: read('unbalanced_timer', BALANCE_DEFAULTS.unbalancedTimerS),
    },
    problems,
  };
}

/** A link's tier and weight after defaults: tier = position (1-based), weight 1. */
export interface LinkPlace { name: string; tier: number; weight: number }

export function linkPlaces(links: ReadonlyArray<{ name: string; tier?: number; weight?: number }>): LinkPlace[] {
  return links.map((l, i) => ({ name: l.name, tier: l.tier ?? i + 1, weight: l.weight ?? 1 }));
}

/** True when some tier holds two links or more: the daemon then balances through nexthop groups. */
export function balancing(links: ReadonlyArray<{ name: string; tier?: number; weight?: number }>): boolean {
  const tiers = linkPlaces(links).map((p) => p.tier);
  return new Set(tiers).size < tiers.length;
}
