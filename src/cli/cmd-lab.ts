// `wanctl lab up|down|fail|heal`: the namespace lab belongs to src/lab; wanctl only forwards.
import { labCommand } from '../lab/lab-cli.js';
import { UsageError } from './args.js';
import { EXIT_OK, type CommandContext } from './command.js';

export const LAB_HELP = `usage: wanctl lab up|down|fail LINK upstream|gateway|carrier|heal LINK

Manages the persistent namespace lab (a simulated dual-WAN router, prefix wflab) in which
the daemon runs. Needs root. Never touches the host's own network namespace.

  up                            build the lab and start the daemon in it
  down                          stop the daemon and delete the lab
  fail LINK upstream|gateway|carrier   break one part of a WAN link
  heal LINK                     undo the faults on LINK`;

export async function runLab(argv: string[], ctx: CommandContext): Promise<number> {
  if (argv.length === 0) throw new UsageError('lab: missing subcommand, expected up, down, fail or heal');
  if (argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help') {
    ctx.io.out(LAB_HELP);
    return EXIT_OK;
  }
  return labCommand(argv);
}
