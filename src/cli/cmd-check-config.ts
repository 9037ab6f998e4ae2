// `wanctl check-config [FILE]`: the daemon's own loader and API-key check, run without starting
// anything, so a config can be validated before a restart.
import { describeError } from '../errors.js';
import { validateApiKey } from '../api/api-key.js';
import { loadConfig } from '../config/load.js';
import { expectPositionals, flag, parseCommand, str } from './args.js';
import { DEFAULT_CONFIG_PATH } from './cli-config.js';
import { EXIT_FAILED, EXIT_OK, type CommandContext } from './command.js';

export const CHECK_CONFIG_HELP = `usage: wanctl check-config [FILE]

Validates FILE (default ${DEFAULT_CONFIG_PATH}) exactly as the daemon does at start,
including the API key rules. Prints "ok: FILE" and exits 0, or every problem and exits 1.

options:
  -c FILE       same as giving FILE
  -h, --help    this help`;

const text = (e: unknown): string => describeError(e);

export async function runCheckConfig(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(CHECK_CONFIG_HELP);
    return EXIT_OK;
  }
  const [positional] = expectPositionals(p, 0, 1, 'wanctl check-config [FILE]');
  const file = positional ?? str(p, 'config') ?? DEFAULT_CONFIG_PATH;
  try {
    const cfg = loadConfig(file);
    try {
      // The loader accepts the seed's placeholder key; the daemon refuses to start with it.
      validateApiKey(cfg.apiKey);
    } catch (e) {
      throw new Error(`${file}: ${text(e)}`);
    }
  } catch (e) {
    // The loader's message lists every problem, one per line: keep them, they are the point here.
    for (const line of text(e).split('\n')) ctx.io.err(line);
    return EXIT_FAILED;
  }
  ctx.io.out(`ok: ${file}`);
  return EXIT_OK;
}
