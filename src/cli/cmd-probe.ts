// `wanctl probe IFACE TARGET`: ICMP echoes out of one interface through the daemon's own probe
// code (raw socket bound to the device + Pinger), so the operator sees what the daemon sees; a
// ping_targets URI (tcp://, dns://, http://, https://) is probed by its method the same way
// (the addon's bound sockets + MethodProber).
import { isIPv4 } from 'node:net';
import type { Clock } from '../clock.js';
import { isWanError } from '../errors.js';
import { parseProbeTarget } from '../config/probe-target.js';
import { MethodProber } from '../probe/method-prober.js';
import { createNativeLinkTransport } from '../probe/native-link-transport.js';
import { Pinger } from '../probe/pinger.js';
import { rawSocketFactory } from '../probe/raw-socket-adapter.js';
import type { EchoResult, ProbeSocket } from '../probe/types.js';
import { CliError, UsageError, expectPositionals, flag, parseCommand, positiveInt, positiveNumber, str } from './args.js';
import { EXIT_FAILED, EXIT_OK, whenAborted, type CommandContext } from './command.js';
import { replyLine, summarize, summaryLines } from './probe-summary.js';

export const PROBE_HELP = `usage: wanctl probe IFACE TARGET [-c N] [-i SEC] [-W SEC] [--host NAME] [--expect-status N] [--insecure]

Sends ICMP echo requests to TARGET (IPv4) out of IFACE only (SO_BINDTODEVICE), with the
daemon's own probe code, and prints each reply's round-trip time and a summary. TARGET may
also be a ping_targets URI, probed by its method through IFACE: tcp://IP:port (connect),
dns://IP/name[?type=AAAA] (query), http://IP/path or https://IP/path (GET, no redirects).
Exit 1 when no reply came back. Needs root (or CAP_NET_RAW).

options:
  -c N        echoes to send (default 4)
  -i SEC      seconds between echoes (default 1)
  -W SEC      seconds to wait for each reply (default 1)
  --host NAME, --expect-status N, --insecure
              http(s):// only: as the ping_targets mapping keys host, expect_status, insecure
  -h, --help  this help`;

/** The errno of an open failure: WanError keeps it in details.errno, Node errors in code. */
function errnoOf(e: unknown): string | null {
  if (isWanError(e) && typeof e.details['errno'] === 'string') return e.details['errno'];
  if (!isWanError(e) && typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return null;
}

/** Waits `ms` on the clock unless the signal aborts first; clears its timer either way. */
async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  let handle: ReturnType<Clock['setTimer']> | null = null;
  const timer = new Promise<void>((resolve) => { handle = clock.setTimer(ms, resolve); });
  await Promise.race([timer, whenAborted(signal)]);
  if (handle !== null) clock.clearTimer(handle);
}

export async function runProbe(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, {
    count: { type: 'string', short: 'c' }, interval: { type: 'string', short: 'i' }, wait: { type: 'string', short: 'W' },
    host: { type: 'string' }, 'expect-status': { type: 'string' }, insecure: { type: 'boolean' },
  });
  if (flag(p, 'help')) {
    ctx.io.out(PROBE_HELP);
    return EXIT_OK;
  }
  const [iface, target] = expectPositionals(p, 2, 2, 'wanctl probe IFACE TARGET [-c N] [-i SEC] [-W SEC]');
  const count = positiveInt(str(p, 'count'), '-c', 4);
  const intervalMs = positiveNumber(str(p, 'interval'), '-i', 1) * 1000;
  const timeoutMs = positiveNumber(str(p, 'wait'), '-W', 1) * 1000;
  const host = str(p, 'host');
  const expect = str(p, 'expect-status');
  const options = { ...(host !== undefined ? { host } : {}), ...(expect !== undefined ? { expect_status: Number(expect) } : {}), ...(flag(p, 'insecure') ? { insecure: true } : {}) };
  if (target.includes('://')) return probeLoop(ctx, iface, methodProbe(ctx, iface, { target, ...options }), { count, intervalMs, timeoutMs, target });
  if (Object.keys(options).length > 0) throw new UsageError('probe: --host, --expect-status and --insecure need an http:// or https:// TARGET');
  if (!isIPv4(target)) throw new UsageError(`probe: TARGET must be an IPv4 address or a probe URI, got '${target}'`);

  let socket: ProbeSocket;
  try {
    socket = rawSocketFactory.open(iface);
  } catch (e) {
    const code = errnoOf(e);
    const hint = code === 'EPERM' || code === 'EACCES' ? ' (needs root or CAP_NET_RAW)' : '';
    const why = e instanceof Error ? e.message : String(e);
    throw new CliError(`cannot probe through ${iface}: ${why}${code !== null && !why.includes(code) ? ` (${code})` : ''}${hint}`);
  }
  // Distinct from the daemon's identifier in practice, so both can probe the same link at once.
  const pinger = new Pinger({ socket, clock: ctx.clock, identifier: process.pid & 0xffff });
  return probeLoop(ctx, iface, { probe: (ms) => pinger.ping(target, ms), close: () => pinger.close() }, { count, intervalMs, timeoutMs, target });
}

interface OneProbe {
  probe(timeoutMs: number): Promise<EchoResult>;
  close(): void;
}

/** A URI target's prober through IFACE; a bad URI or option is a usage error that says what was expected. */
function methodProbe(ctx: CommandContext, iface: string, entry: { target: string; host?: string; expect_status?: number; insecure?: boolean }): OneProbe {
  const parsed = parseProbeTarget(Object.keys(entry).length > 1 ? entry : entry.target);
  if (!parsed.ok) throw new UsageError(`probe: TARGET: expected ${parsed.expected}`);
  const t = parsed.target;
  const prober = new MethodProber({ transport: createNativeLinkTransport(ctx.clock), iface, family: t.family, clock: ctx.clock, spec: () => t });
  return { probe: (ms) => prober.probe(t.key, ms), close: () => prober.close() };
}

async function probeLoop(ctx: CommandContext, iface: string, one: OneProbe, o: { count: number; intervalMs: number; timeoutMs: number; target: string }): Promise<number> {
  const { count, intervalMs, timeoutMs, target } = o;
  const results: EchoResult[] = [];
  const inflight: Promise<void>[] = [];
  try {
    // Echoes go out on the interval, not after the previous reply, as ping(8) does.
    for (let seq = 1; seq <= count && !ctx.signal.aborted; seq++) {
      inflight.push(one.probe(timeoutMs).then((r) => {
        results.push(r);
        if (!ctx.signal.aborted) ctx.io.out(replyLine(r, seq, iface));
      }));
      if (seq < count) await pause(ctx.clock, intervalMs, ctx.signal);
    }
    await Promise.race([Promise.all(inflight), whenAborted(ctx.signal)]);
  } finally {
    // close() resolves any echo still pending (after Ctrl-C) as cancelled: it counts as lost.
    one.close();
    await Promise.all(inflight);
  }
  const summary = summarize(results);
  for (const line of summaryLines(summary, target, iface)) ctx.io.out(line);
  return summary.received > 0 ? EXIT_OK : EXIT_FAILED;
}
