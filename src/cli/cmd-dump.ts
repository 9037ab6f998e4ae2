// `wanctl dump [links|addrs|routes|rules|all] [--json]`: the kernel's view over rtnetlink (no `ip`
// subprocess), with the daemon's own routes and rules marked by their protocol number.
import { createNetlink } from '../netlink/adapter.js';
import { UsageError, expectPositionals, flag, parseCommand, str } from './args.js';
import { optionalRouteProtocol } from './cli-config.js';
import { EXIT_OK, type CommandContext } from './command.js';
import { dumpJson, ifnameMap, renderDump, type DumpSection } from './format.js';

export const DUMP_HELP = `usage: wanctl dump [links|addrs|routes|rules|nexthops|all] [--json] [-c FILE]

Shows the kernel's network state read over rtnetlink: links (state, carrier, MAC, MTU,
counters), addresses, routes of every table, policy rules and nexthop objects and groups, IPv4 and IPv6 (FAMILY column:
inet, inet6). Routes, rules and nexthops tagged with the
daemon's route_protocol (from the config, default 201) are marked in the OURS column.

options:
  --json        one JSON object, for scripts
  -c FILE       config file for route_protocol (default /etc/wan-failover/config.yaml if present)
  -h, --help    this help`;

const SECTIONS: Record<string, DumpSection[]> = {
  links: ['links'], addrs: ['addrs'], addresses: ['addrs'], routes: ['routes'], rules: ['rules'],
  nexthops: ['nexthops'],
  all: ['links', 'addrs', 'routes', 'rules', 'nexthops'],
};

export function dumpSections(what: string | undefined): DumpSection[] {
  const s = SECTIONS[what ?? 'all'];
  if (s === undefined) throw new UsageError(`unknown section '${what}', expected links, addrs, routes, rules, nexthops or all`);
  return s;
}

export async function runDump(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { json: { type: 'boolean' }, config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(DUMP_HELP);
    return EXIT_OK;
  }
  const [what] = expectPositionals(p, 0, 1, 'wanctl dump [links|addrs|routes|rules|all] [--json]');
  const sections = dumpSections(what);
  const routeProtocol = optionalRouteProtocol(str(p, 'config'), ctx.io.err);
  const nl = createNetlink();
  try {
    const snap = await nl.dump();
    const dctx = { routeProtocol, ifnames: ifnameMap(snap.links) };
    if (flag(p, 'json')) ctx.io.out(JSON.stringify(dumpJson(snap, sections, dctx), null, 2));
    else for (const line of renderDump(snap, sections, dctx, ctx.io.paint)) ctx.io.out(line);
  } finally {
    await nl.stop();
  }
  return EXIT_OK;
}
