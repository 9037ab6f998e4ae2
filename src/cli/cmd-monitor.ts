// `wanctl monitor`: link/address/route notifications as they happen, each with a wall-clock
// timestamp, until Ctrl-C, --count events or --timeout seconds (the bounded forms are for tests).
import { createNetlink } from '../netlink/adapter.js';
import type { NetlinkEvent } from '../netlink/types.js';
import { expectPositionals, flag, parseCommand, positiveInt, positiveNumber, str } from './args.js';
import { optionalRouteProtocol } from './cli-config.js';
import { EXIT_OK, whenAborted, type CommandContext } from './command.js';
import { eventLine, ifnameMap, routeJson, ruleJson, trackIfnames, type DumpContext } from './format.js';

export const MONITOR_HELP = `usage: wanctl monitor [--json] [--count N] [--timeout SEC] [-c FILE]

Prints rtnetlink notifications (links, and IPv4 and IPv6 addresses, routes and policy rules) as
they arrive, each with a timestamp, until Ctrl-C. The daemon's own routes and rules are marked
(ours). A "resync" line means the kernel dropped notifications.

options:
  --json          one JSON object per line (NDJSON)
  --count N       stop after N events
  --timeout SEC   stop after SEC seconds
  -c FILE         config file for route_protocol (marks the daemon's own routes)
  -h, --help      this help`;

/** NDJSON record of one event: the event itself plus the time and, for routes, resolved names. */
export function eventJson(e: NetlinkEvent, timeIso: string, dctx: DumpContext): Record<string, unknown> {
  if (e.kind === 'route') return { time: timeIso, kind: e.kind, op: e.op, route: routeJson(e.route, dctx) };
  if (e.kind === 'rule') return { time: timeIso, kind: e.kind, op: e.op, rule: ruleJson(e.rule, dctx) };
  return { time: timeIso, ...e };
}

export async function runMonitor(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, {
    json: { type: 'boolean' }, count: { type: 'string' }, timeout: { type: 'string' },
    config: { type: 'string', short: 'c' },
  });
  if (flag(p, 'help')) {
    ctx.io.out(MONITOR_HELP);
    return EXIT_OK;
  }
  expectPositionals(p, 0, 0, 'wanctl monitor [--json] [--count N] [--timeout SEC]');
  const count = positiveInt(str(p, 'count'), '--count', Number.POSITIVE_INFINITY);
  const timeoutMs = positiveNumber(str(p, 'timeout'), '--timeout', Number.POSITIVE_INFINITY) * 1000;
  const json = flag(p, 'json');
  const routeProtocol = optionalRouteProtocol(str(p, 'config'), ctx.io.err);

  const nl = createNetlink({ monitorRules: true });
  // Names of existing interfaces come from one dump; later link events keep the map current.
  const dctx: DumpContext = { routeProtocol, ifnames: ifnameMap(await nl.getLinks()) };
  let seen = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const onEvent = (e: NetlinkEvent): void => {
    if (seen >= count) return;
    seen++;
    trackIfnames(e, dctx.ifnames);
    const time = new Date(ctx.clock.wallMs()).toISOString();
    ctx.io.out(json ? JSON.stringify(eventJson(e, time, dctx)) : `[${time}] ${eventLine(e, dctx)}`);
    if (seen >= count) finish();
  };
  const timer = Number.isFinite(timeoutMs) ? ctx.clock.setTimer(timeoutMs, finish) : null;
  try {
    await nl.start(onEvent);
    // On stderr in both modes: stdout stays pure NDJSON, and scripts can wait for this line.
    ctx.io.err(`monitoring links, addresses, routes and rules${Number.isFinite(count) ? ` (${count} events)` : ''}; Ctrl-C to stop`);
    await Promise.race([done, whenAborted(ctx.signal)]);
  } finally {
    if (timer !== null) ctx.clock.clearTimer(timer);
    await nl.stop();
  }
  return EXIT_OK;
}
