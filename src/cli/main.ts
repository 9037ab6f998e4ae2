// wanctl's dispatcher: picks the subcommand, loads its module on demand (so `status` never loads
// the netlink or raw-socket native addons), and turns every failure into one stderr line + exit code.
import { isWanError } from '../errors.js';
import { packageVersion } from '../version.js';
import { CliError, UsageError } from './args.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command, type CommandContext } from './command.js';

export const TOP_HELP = `usage: wanctl COMMAND [ARGS] [-h]

Operator's tool for the wan-failover daemon.

commands:
  status [--json]                 the daemon's links, health and recent events (via its API)
  status --check                  exit 0/1/3: a link carries traffic / all down / no answer (keepalived)
  switch LINK [--force] [--family ipv4|ipv6|both]
                                  move the default route to LINK and hold it
  auto on|off                     enable or disable automatic failover
  rules [--json]                  the policy rules and the link carrying each one's traffic
  dump [links|addrs|routes|rules|all] [--json]
                                  kernel network state over rtnetlink, the daemon's routes marked
  monitor [--json]                live link/address/route/rule notifications
  probe IFACE TARGET [-c N]       ICMP echo out of one interface with the daemon's probe code
  check-config [FILE]             validate a config file as the daemon would

Run 'wanctl COMMAND --help' for a command's options; 'wanctl --version' prints the version.
Exit status: 0 ok, 1 the operation failed, 2 usage error (status --check: 1 all down, 3 no answer).`;

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<Command>> = {
  // --check (keepalived's vrrp_script, issue 25) has its own light module: no config loader.
  status: async (argv) => (argv.includes('--check') ? (await import('./cmd-status-check.js')).runStatusCheck : (await import('./cmd-daemon.js')).runStatus),
  switch: async () => (await import('./cmd-daemon.js')).runSwitch,
  auto: async () => (await import('./cmd-daemon.js')).runAuto,
  rules: async () => (await import('./cmd-rules.js')).runRules,
  dump: async () => (await import('./cmd-dump.js')).runDump,
  monitor: async () => (await import('./cmd-monitor.js')).runMonitor,
  probe: async () => (await import('./cmd-probe.js')).runProbe,
  'check-config': async () => (await import('./cmd-check-config.js')).runCheckConfig,
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** Errors are for operators: one line, no stack (WANCTL_DEBUG=1 adds the stack for developers). */
export function oneLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('; ');
}

export async function main(argv: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    ctx.io.err(`wanctl: missing command (see 'wanctl --help')`);
    return EXIT_USAGE;
  }
  if (name === '-V' || name === '--version') {
    ctx.io.out(`wanctl ${packageVersion()}`);
    return EXIT_OK;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    if (name === 'help' && rest[0] !== undefined && rest[0] in COMMANDS) return main([rest[0], '--help'], ctx);
    ctx.io.out(TOP_HELP);
    return EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    ctx.io.err(`wanctl: unknown command '${name}' (see 'wanctl --help')`);
    return EXIT_USAGE;
  }
  try {
    const run = await load(rest);
    return await run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.io.err(`wanctl ${name}: ${oneLine(e.message)} (see 'wanctl ${name} --help')`);
      return EXIT_USAGE;
    }
    const msg = e instanceof CliError || isWanError(e) || e instanceof Error ? e.message : String(e);
    ctx.io.err(`wanctl ${name}: ${oneLine(msg)}`);
    if (process.env.WANCTL_DEBUG === '1' && e instanceof Error && e.stack) ctx.io.err(e.stack);
    return EXIT_FAILED;
  }
}
