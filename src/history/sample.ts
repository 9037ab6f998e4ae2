// One history point of a link in one address family, and the encoding of its state in a byte.
// `share` is the fraction of the family's traffic the link carries, from the status: its bucket
// share with balancing (issue 21), else 1/0 from the active link (history-extension.ts, shareOf).
import type { Health } from '../policy/types.js';

export interface HistorySample {
  rttMs: number | null;
  lossPct: number | null;
  jitterMs: number | null;
  state: Health;
  share: number;
  rxMbps: number | null;
  txMbps: number | null;
}

/** Byte codes of the states, in order of badness (a minute's state is its worst second). */
export const STATE_CODES: readonly Health[] = ['unknown', 'up', 'degraded', 'down'];

export function stateCode(s: Health): number {
  const i = STATE_CODES.indexOf(s);
  return i < 0 ? 0 : i;
}

export function stateOf(code: number): Health {
  return STATE_CODES[code] ?? 'unknown';
}

/** The numeric fields, one typed array each in a ring (NaN = not measured). */
export const NUMERIC_FIELDS = ['rttMs', 'lossPct', 'jitterMs', 'share', 'rxMbps', 'txMbps'] as const;
export type NumericField = (typeof NUMERIC_FIELDS)[number];
