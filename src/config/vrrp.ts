// Pure: the optional `vrrp:` section (issue 25): the daemon as WAN-health source for keepalived,
// through a track_file holding one integer (src/vrrp/). Like quality.ts and mqtt.ts, the section is
// checked key by key outside the convict pass (a mapping inside a convict leaf crashes convict).
// keepalived.conf(5) "Track files": the value read is multiplied by the track_file's weight and
// added to the instance's priority; below -253 the instance goes to FAULT. So the weights here are
// integers from -254 (FAULT on their own) to -1.
import { isAbsolute } from 'node:path';
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import type { VrrpConfig } from './types.js';

export const VRRP_SECTION = 'vrrp';

/** Every key of the section and what it means (config.example.yaml and README say the same). */
export const VRRP_KEYS: Readonly<Record<string, string>> = {
  track_file: 'Absolute path of the file keepalived tracks (track_file ... file); required when the section is present.',
  down_weight: 'Written while every link is down (default -100); 0 while at least one link carries traffic.',
  per_link_weight: 'Optional: added once per link that is down, so a router with a dead link ranks below a healthy peer.',
};

export const VRRP_DEFAULTS = { downWeight: -100 } as const;

/** keepalived.conf(5): a tracked value below -253 puts the instance in FAULT; -254 is the lowest that means something. */
export const VRRP_WEIGHT_MIN = -254;
const WEIGHT_EXPECTED = `an integer from ${VRRP_WEIGHT_MIN} to -1 (keepalived adds it to the priority; below -253 means FAULT)`;


const isWeight = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= VRRP_WEIGHT_MIN && v <= -1;

export interface VrrpResult {
  vrrp: VrrpConfig | null;
  problems: ConfigProblem[];
}

/** `section` is the raw value of `vrrp:` (undefined when absent). Absent or null = no track file. */
export function buildVrrp(section: unknown): VrrpResult {
  if (section === undefined || section === null) return { vrrp: null, problems: [] };
  if (!isMapping(section)) {
    return { vrrp: null, problems: [{ key: VRRP_SECTION, value: section, expected: `a mapping {${Object.keys(VRRP_KEYS).join(', ')}}` }] };
  }
  const problems: ConfigProblem[] = [];
  const problem = (key: string, expected: string): void => {
    problems.push({ key: `${VRRP_SECTION}.${key}`, value: section[key], expected });
  };
  for (const key of Object.keys(section)) if (!(key in VRRP_KEYS)) problem(key, UNKNOWN_KEY);
  const given = (key: string): boolean => section[key] !== undefined && section[key] !== null;

  const file = section['track_file'];
  const trackFile = typeof file === 'string' && isAbsolute(file) && !file.endsWith('/') && !file.includes('\u0000') ? file : null;
  if (trackFile === null) problem('track_file', 'an absolute file path, e.g. /run/wan-failover/vrrp-weight');
  let downWeight: number = VRRP_DEFAULTS.downWeight;
  if (given('down_weight')) {
    if (isWeight(section['down_weight'])) downWeight = section['down_weight'];
    else problem('down_weight', WEIGHT_EXPECTED);
  }
  let perLinkWeight: number | null = null;
  if (given('per_link_weight')) {
    if (isWeight(section['per_link_weight'])) perLinkWeight = section['per_link_weight'];
    else problem('per_link_weight', WEIGHT_EXPECTED);
  }
  // An unknown key alone is a warning (load.ts): the section still works.
  if (trackFile === null || problems.some((p) => p.expected !== UNKNOWN_KEY)) return { vrrp: null, problems };
  return { vrrp: { trackFile, downWeight, perLinkWeight }, problems };
}
