// `npm run lab -- up|down|fail|heal [--prefix NAME]`: a persistent lab (prefix wflab unless
// given) whose only state is the namespaces themselves (plus the daemon's files in /run/PREFIX).
// `up` starts the real daemon in the background inside the router namespace; it refuses to build
// over a lab of the same prefix that is in use (createLab, lab-reuse.ts).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createLab, attachLab, destroyLab, LabInUseError, type Lab } from './topology.js';
import { labConfig, DAEMON_MAIN, startDetachedDaemon } from './daemon-runner.js';
import { parseLabArgs, LabUsageError, LAB_USAGE, type LabArgs } from './lab-args.js';
import { downCommand, prefixOption } from './lab-reuse.js';
import { DEFAULT_PREFIX } from './lab-plan.js';
import { commandLines, labCommandLines } from './demo-figures.js';

/** Where a persistent lab keeps the daemon's config, state files and output. */
export function runDir(prefix: string): string {
  return `/run/${prefix}`;
}
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function out(s: string): void {
  process.stdout.write(s + '\n');
}

function err(s: string): void {
  process.stderr.write(`lab: ${s}\n`);
}

function withPrefix(prefix: string): string {
  return prefixOption(prefix, DEFAULT_PREFIX);
}

/** --balance: every lab link in tier 1, weights 5, 3, 2, 1 (issue 21); with --ipv6 both families balance. */
function balanceConfig(lab: Lab): Record<string, unknown> {
  return { links: lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, display_name: `ISP ${l.index}`, tier: 1, weight: [5, 3, 2, 1][i] ?? 1 })),
    ...(lab.targets6.length > 0 ? { ping_targets: [...lab.targets, ...lab.targets6] } : {}) };
}

async function up(prefix: string, links: number, daemon: boolean, ipv6: boolean, balance = false): Promise<number> {
  let lab: Lab;
  try {
    lab = await createLab({ prefix, links, persist: true, ipv6, onNote: (n) => out(n) });
  } catch (e) {
    if (!(e instanceof LabInUseError)) throw e;
    err(e.message);
    return EXIT_FAILED;
  }
  out(`lab up: router ${lab.routerNs}, ISPs ${lab.links.map((l) => l.ispNs).join(', ')}, internet ${lab.netNs}`);
  for (const l of lab.links) {
    const v6 = l.ipv6 === null ? '' : `; ${l.ipv6.address}/64, default via ${l.ipv6.gateway} proto ra metric ${l.ipv6.raMetric}`;
    out(`  ${l.iface}: ${l.address}/24, gateway ${l.gateway} (${l.ispNs})${v6}`);
  }
  out(`  targets: ${[...lab.targets, ...lab.targets6].join(', ')}`);
  for (const line of commandLines('  enter the router:', ['ip', 'netns', 'exec', lab.routerNs, 'bash'])) out(line);
  if (!daemon) return EXIT_OK;
  if (!existsSync(DAEMON_MAIN)) {
    err(`daemon not built (${DAEMON_MAIN} missing): run 'npm run build', then 'npm run lab -- up${withPrefix(prefix)}' again`);
    return EXIT_FAILED;
  }
  await rm(runDir(prefix), { recursive: true, force: true });
  const { pid, files } = await startDetachedDaemon(lab, labConfig(lab, balance ? balanceConfig(lab) : {}), runDir(prefix));
  out(`daemon started (pid ${pid}), config ${files.configPath}`);
  out(`  output ${files.dir}/daemon.out`);
  const lines = labCommandLines({ routerNs: lab.routerNs, configPath: files.configPath, apiKey: files.apiKey, apiPort: files.apiPort,
    prefixOpt: withPrefix(prefix), down: downCommand(prefix, DEFAULT_PREFIX) });
  // "enter the router" was printed with the lab, before the daemon started.
  for (const line of lines.filter((l) => !l.startsWith('  enter the router:'))) out(line);
  return EXIT_OK;
}

async function withLab(prefix: string, fn: (lab: Lab) => Promise<void>): Promise<number> {
  const lab = await attachLab(prefix);
  if (lab === null) {
    err(`no lab running (namespaces ${prefix}-*): run 'npm run lab -- up${withPrefix(prefix)}' first`);
    return EXIT_FAILED;
  }
  await fn(lab);
  return EXIT_OK;
}

async function execute(a: LabArgs): Promise<number> {
  switch (a.cmd) {
    case 'help':
      out(LAB_USAGE);
      return EXIT_OK;
    case 'up':
      return up(a.prefix, a.links, a.daemon, a.ipv6 === true, a.balance === true);
    case 'down': {
      const removed = await destroyLab(a.prefix);
      await rm(runDir(a.prefix), { recursive: true, force: true });
      out(removed.length > 0 ? `lab down: removed ${removed.join(', ')}` : 'lab down: nothing to remove');
      return EXIT_OK;
    }
    case 'fail':
      return withLab(a.prefix, async (lab) => {
        await lab.fail(a.link, a.kind, { ...(a.lossPct === undefined ? {} : { lossPct: a.lossPct }), ...(a.family === undefined ? {} : { family: a.family }) });
        const what = [a.lossPct === undefined ? '' : `${a.lossPct}% loss`, a.family === undefined ? '' : a.family].filter((x) => x !== '').join(', ');
        out(`wan${a.link}: ${a.kind} fault${what === '' ? '' : ` (${what})`} injected in ${lab.ispNs(a.link)}`);
      });
    case 'heal':
      return withLab(a.prefix, async (lab) => {
        await lab.heal(a.link);
        out(`wan${a.link}: healed`);
      });
  }
}

/** Entry used by `npm run lab -- ...` (lab/main.ts): returns the exit status (0 ok, 1 failed, 2 usage / not root). */
export async function labCommand(argv: string[]): Promise<number> {
  let parsed: LabArgs;
  try {
    parsed = parseLabArgs(argv);
  } catch (e) {
    if (e instanceof LabUsageError) {
      err(e.message);
      process.stderr.write(LAB_USAGE + '\n');
      return EXIT_USAGE;
    }
    throw e;
  }
  if (parsed.cmd !== 'help' && process.getuid?.() !== 0) {
    err('needs root (it creates network namespaces)');
    return EXIT_USAGE;
  }
  try {
    return await execute(parsed);
  } catch (e) {
    err(e instanceof Error ? e.message : String(e));
    return EXIT_FAILED;
  }
}
