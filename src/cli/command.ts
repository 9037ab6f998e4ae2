// The shape every wanctl subcommand shares: argv after the subcommand name in, exit code out.
// The entry point owns the process (signals, streams); commands only see this context.
import type { Clock } from '../clock.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM: long-running commands (monitor, probe) stop and summarise. */
  signal: AbortSignal;
}

export type Command = (argv: string[], ctx: CommandContext) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Resolves when `signal` aborts; never rejects, so it can race timers and events. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
