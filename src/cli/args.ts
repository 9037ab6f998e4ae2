// Argument parsing shared by every subcommand: node's util.parseArgs, with its TypeErrors
// turned into UsageError so the entry point can answer with exit 2 and one line.
import { parseArgs } from 'node:util';

/** A mistake in the command line: wanctl prints one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failed operation with a message fit for the operator as is: exit 1, no stack. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Every subcommand gets --help/-h for free. */
export function parseCommand(argv: string[], options: OptionSpec): Parsed {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    // parseArgs throws TypeErrors (ERR_PARSE_ARGS_*); the first sentence is the useful part, the
    // rest is advice about '--' that does not apply to wanctl.
    const text = e instanceof Error ? e.message : String(e);
    const first = text.split('\n')[0].split(/\.\s/)[0].replace(/\.$/, '');
    throw new UsageError(first.charAt(0).toLowerCase() + first.slice(1));
  }
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Positive finite number from an option, e.g. `-i 0.2`; `what` names it in the error. */
export function positiveNumber(raw: string | undefined, what: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${what}: expected a positive number, got '${raw}'`);
  }
  return n;
}

export function positiveInt(raw: string | undefined, what: string, fallback: number): number {
  const n = positiveNumber(raw, what, fallback);
  if (raw !== undefined && !Number.isInteger(n)) throw new UsageError(`${what}: expected a positive integer, got '${raw}'`);
  return n;
}

/** Exactly `names.length` positionals, required unless listed in `optional`. */
export function expectPositionals(p: Parsed, min: number, max: number, usage: string): string[] {
  if (p.positionals.length < min) throw new UsageError(`missing argument; usage: ${usage}`);
  if (p.positionals.length > max) {
    throw new UsageError(`unexpected argument '${p.positionals[max]}'; usage: ${usage}`);
  }
  return p.positionals;
}
