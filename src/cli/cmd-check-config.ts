// `wanctl check-config [FILE]`: the daemon's own loader run without starting anything, so a config
// can be checked before a restart. Warnings (the config runs) exit 0; errors (it cannot) exit 1.
import { describeError, isWanError } from '../errors.js';
import { sysClassNet } from '../config/host-interfaces.js';
import { loadConfigReport } from '../config/load.js';
import { hasErrors, reportLines } from '../config/report-lines.js';
import { expectPositionals, flag, parseCommand, str } from './args.js';
import { DEFAULT_CONFIG_PATH } from './cli-config.js';
import { EXIT_FAILED, EXIT_OK, type CommandContext } from './command.js';

export const CHECK_CONFIG_HELP = `usage: wanctl check-config [FILE]

Validates FILE (default ${DEFAULT_CONFIG_PATH}) exactly as the daemon does at start.
Errors (the daemon would not start): each printed, then "failed: FILE (N errors)", exit 1. Warnings (it runs, but you should
know: a weak api_key turns the API off, an interface missing on this machine, keys left to their
default, ping_timeout >= check_interval, a config holding secrets that others may read): each
printed, then "ok: FILE", exit 0. Something refused while the rest runs (hooks in a file others
may write): printed as an error, exit 1.

options:
  -c FILE       same as giving FILE
  -h, --help    this help`;

const text = (e: unknown): string => describeError(e);

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The last line on a refusal, as "ok: FILE" is on success: how many errors (and warnings) there were. */
export function countLine(file: string, e: unknown): string {
  const d = isWanError(e) ? e.details : {};
  const errors = Array.isArray(d['problems']) ? d['problems'].length : 1;
  const warnings = Array.isArray(d['warnings']) ? d['warnings'].length : 0;
  return `failed: ${file} (${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}; the daemon would not start with it)`;
}

export async function runCheckConfig(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(CHECK_CONFIG_HELP);
    return EXIT_OK;
  }
  const [positional] = expectPositionals(p, 0, 1, 'wanctl check-config [FILE]');
  const file = positional ?? str(p, 'config') ?? DEFAULT_CONFIG_PATH;
  let lines: string[];
  let refused = false;
  try {
    const report = loadConfigReport(file, { interfaces: sysClassNet });
    refused = hasErrors(report);
    lines = reportLines(file, report);
  } catch (e) {
    // The loader's message lists every problem, one per line: keep them, they are the point here.
    for (const line of text(e).split('\n')) ctx.io.err(line);
    ctx.io.err(countLine(file, e));
    return EXIT_FAILED;
  }
  for (const line of lines) ctx.io.out(line);
  return refused ? EXIT_FAILED : EXIT_OK;
}
