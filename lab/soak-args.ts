// PURE: parses `node dist/lab/soak.js` arguments, so soak.ts only carries them out.
import { MAX_SEED, isValidSeed } from './soak-prng.js';

export interface SoakArgs {
  minutes: number;
  /** null: pick one at random (it is printed, so the run can be replayed). */
  seed: number | null;
  json: boolean;
  /** Longest time both links may be hard down at once; null = unbounded (--allow-all-down). */
  maxAllDownMs: number | null;
  help: boolean;
}

export const SOAK_USAGE = `usage: node dist/lab/soak.js --minutes N [--seed S] [--json] [--max-all-down SEC | --allow-all-down]
  N: 0.1..1440 minutes of random faults on both lab links; S: 0..${MAX_SEED} to replay a schedule.
  --json prints only the final report on stdout (progress goes to stderr). Needs root.`;

export class SoakUsageError extends Error {}

const MAX_MINUTES = 24 * 60;

function numberAfter(args: readonly string[], i: number, name: string): number {
  const raw = args[i + 1];
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v)) throw new SoakUsageError(`${name}: expected a number`);
  return v;
}

export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const out: SoakArgs = { minutes: 1, seed: null, json: false, maxAllDownMs: 10_000, help: false };
  let sawMinutes = false;
  let sawMaxAllDown = false;
  let sawAllowAllDown = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--minutes': {
        const v = numberAfter(argv, i++, a);
        if (v < 0.1 || v > MAX_MINUTES) throw new SoakUsageError(`--minutes: expected 0.1..${MAX_MINUTES}`);
        out.minutes = v;
        sawMinutes = true;
        break;
      }
      case '--seed': {
        const v = numberAfter(argv, i++, a);
        if (!isValidSeed(v)) throw new SoakUsageError(`--seed: expected an integer 0..${MAX_SEED}`);
        out.seed = v;
        break;
      }
      case '--json':
        out.json = true;
        break;
      case '--max-all-down': {
        const v = numberAfter(argv, i++, a);
        // Below a second a "fault" would be healed before any probe could see it.
        if (v < 1 || v > 3600) throw new SoakUsageError('--max-all-down: expected 1..3600 seconds');
        out.maxAllDownMs = Math.round(v * 1000);
        sawMaxAllDown = true;
        break;
      }
      case '--allow-all-down':
        sawAllowAllDown = true;
        break;
      case '-h':
      case '--help':
        out.help = true;
        return out;
      default:
        throw new SoakUsageError(`unknown argument "${a}"`);
    }
  }
  if (sawMaxAllDown && sawAllowAllDown) throw new SoakUsageError('--allow-all-down and --max-all-down exclude each other');
  if (sawAllowAllDown) out.maxAllDownMs = null;
  if (!sawMinutes) throw new SoakUsageError('--minutes N is required');
  return out;
}
