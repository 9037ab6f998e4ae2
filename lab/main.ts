// `npm run lab [-- ARGS]`: the lab's one entry (the lab is a development tool, not part of the
// installed product). Without a subcommand it plays the demo (`--keep`, `--verbose`); with
// up|down|fail|heal|help it drives a persistent lab by hand (lab-cli.ts); `balance` shows balancing
// live (balance-demo.ts); `--pair` plays the VRRP pair (pair-demo.ts).
import { labCommand } from './lab-cli.js';
import { runDemo } from './demo.js';
import { runBalanceDemo } from './balance-demo.js';
import { runPairDemo } from './pair-demo.js';

const LAB_COMMANDS: ReadonlySet<string> = new Set(['up', 'down', 'fail', 'heal', 'help', '-h', '--help']);

async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first !== undefined && LAB_COMMANDS.has(first)) return labCommand([...argv]);
  // The VRRP pair (issue 25): two routers with keepalived, a story of its own.
  if (argv.includes('--pair')) return runPairDemo(argv);
  if (first === 'balance') return runBalanceDemo(argv.slice(1));
  return runDemo(argv);
}

// process.exitCode rather than exit(), so pending output flushes.
main(process.argv.slice(2)).then(
  (c) => {
    process.exitCode = c;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
