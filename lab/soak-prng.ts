// PURE: a small seeded pseudo-random generator for the soak run, so a fault schedule can be
// replayed from its seed. Not for anything secret: a Weyl counter through a 32-bit avalanche mix.

export interface Rng {
  /** The seed this generator started from (for the report, so the run can be replayed). */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One item, each with the given non-negative weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

/** Largest seed accepted: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

// The golden-ratio step visits every 32-bit state once per period; the mix spreads neighbouring
// counters (seed 1 vs seed 2) over the whole range.
const STEP = 0x9e3779b9;

function mix(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

export function isValidSeed(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_SEED;
}

export function createRng(seed: number): Rng {
  if (!isValidSeed(seed)) throw new RangeError(`invalid seed ${seed}: expected an integer 0..${MAX_SEED}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + STEP) >>> 0;
    return mix(state) / 0x100000000;
  };
  return {
    seed,
    next,
    int(min: number, max: number): number {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`invalid int range [${min}, ${max}]`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    weighted<T>(items: readonly (readonly [T, number])[]): T {
      const total = items.reduce((s, [, w]) => s + Math.max(0, w), 0);
      if (items.length === 0 || total <= 0) throw new RangeError('weighted(): no item has a positive weight');
      let r = next() * total;
      for (const [item, w] of items) {
        r -= Math.max(0, w);
        if (r < 0) return item;
      }
      // Floating-point leftovers land on the last positive item.
      return [...items].reverse().find(([, w]) => w > 0)![0];
    },
  };
}
