// `wanctl rules`: the running daemon's policy rules (issue 22) from /api/status: per rule and
// family the link carrying its traffic and why (preferred, fallback, blackhole).
import { expectPositionals, flag, parseCommand, str } from './args.js';
import { CONFIG_OPTION, clientFor, viaApi } from './cmd-daemon.js';
import { EXIT_OK, type CommandContext } from './command.js';
import type { RuleJson } from './status-json.js';
import { renderTable } from './table.js';

export const RULES_HELP = `usage: wanctl rules [--json] [-c FILE]

Shows the daemon's policy rules (the rules: section) in priority order: for each rule and family
the link its traffic leaves by and its state: preferred (its first link or its tier), fallback (a
later listed link, or the main default route when none of its links is up) or blackhole (dropped:
none of its links is up and it must not leak).

options:
  --json        the rules as JSON (the rules field of /api/status)
${CONFIG_OPTION}
  -h, --help    this help`;

/** Pure: one row per rule and family. */
export function renderRules(rules: readonly RuleJson[]): string[] {
  if (rules.length === 0) return ['no policy rules configured'];
  const rows = rules.flatMap((r) => [
    [r.name, r.family ?? 'ipv4', r.link ?? '-', r.state],
    ...(r.ipv6 ? [[r.name, 'ipv6', r.ipv6.link ?? '-', r.ipv6.state]] : []),
  ]);
  return renderTable([{ header: 'RULE' }, { header: 'FAMILY' }, { header: 'LINK' }, { header: 'STATE' }], rows);
}

export async function runRules(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { json: { type: 'boolean' }, config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(RULES_HELP);
    return EXIT_OK;
  }
  expectPositionals(p, 0, 0, 'wanctl rules [--json] [-c FILE]');
  const status = await viaApi(() => clientFor(str(p, 'config')).status());
  const rules = status.rules ?? [];
  if (flag(p, 'json')) ctx.io.out(JSON.stringify(rules, null, 2));
  else for (const line of renderRules(rules)) ctx.io.out(line);
  return EXIT_OK;
}
